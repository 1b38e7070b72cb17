"""`make test`'s first step: the system packages the suite needs (Redis, PostgreSQL, Chromium, gettext, Pango and
fonts for PDF, wrk for `make bench`, nginx for `make prod`, Node.js and npm for the browser tests' axe-core).

Run as root on Debian/Ubuntu, it installs the missing ones with apt-get; otherwise it stops and prints the exact
command to run.
"""

import ctypes.util
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path


def say(message: str) -> None:
    sys.stdout.write(f"\n=== {message}\n")
    sys.stdout.flush()


def run(command: list[str], *, env: dict) -> None:
    sys.stdout.write("$ " + " ".join(command) + "\n")
    sys.stdout.flush()
    if subprocess.run(command, env=env, check=False).returncode != 0:
        raise SystemExit(f"FAILED: {' '.join(command)}")


def find_initdb() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return candidates[0] if candidates else shutil.which("initdb")


def missing_system_packages() -> list[str]:
    wanted = {
        "redis-server": shutil.which("redis-server"),
        "postgresql": find_initdb(),
        "chromium": shutil.which("chromium") or (Path("/usr/bin/chromium").exists() or None),
        "gettext": shutil.which("msgfmt"),
        # `make bench` loads gunicorn with wrk.
        "wrk": shutil.which("wrk"),
        # WeasyPrint renders PDF reports with Pango.
        "libpango-1.0-0": ctypes.util.find_library("pango-1.0"),
        "libpangoft2-1.0-0": ctypes.util.find_library("pangoft2-1.0"),
        "fonts-dejavu-core": Path("/usr/share/fonts/truetype/dejavu").exists() or None,
        # The reports' wide tables are set in DejaVu Sans Condensed (templates/diary/reports/report.html).
        "fonts-dejavu-extra": Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf").exists() or None,
        # The load balancer in front of the web nodes in `make prod` and `make test-topology`.
        "nginx-light": shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() or None),
        # `npm ci` installs axe-core (package-lock.json), which the browser tests run on every diary page.
        "nodejs": shutil.which("node"),
        "npm": shutil.which("npm"),
    }
    return [package for package, found in wanted.items() if not found]


def ensure_system_packages() -> None:
    missing = missing_system_packages()
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(
            "Missing system packages: "
            + ", ".join(missing)
            + "\nInstall them with:\n  sudo apt-get update && sudo "
            + " ".join(command)
        )
    say("Installing system packages: " + ", ".join(missing))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(command, env=env)
    still = missing_system_packages()
    if still:
        raise SystemExit("These system packages did not install: " + ", ".join(still))


if __name__ == "__main__":
    ensure_system_packages()
