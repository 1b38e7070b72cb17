"""`make test`: installs missing system packages, starts a throwaway PostgreSQL and Redis on 127.0.0.1,
runs the quality gates and the whole suite on SQLite and on PostgreSQL, and stops what it started.

Run it through `make test` (which prepares .venv first); it exits non-zero if anything fails.
"""

import contextlib
import ctypes.util
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ARTIFACTS = BASE_DIR / "test-artifacts"


def say(message: str) -> None:
    sys.stdout.write(f"\n=== {message}\n")
    sys.stdout.flush()


def run(command: list[str], *, env: dict | None = None, check: bool = True, **kwargs) -> int:
    sys.stdout.write("$ " + " ".join(command) + "\n")
    sys.stdout.flush()
    result = subprocess.run(command, cwd=BASE_DIR, env=env, check=False, **kwargs)
    if check and result.returncode != 0:
        raise SystemExit(f"FAILED ({result.returncode}): {' '.join(command)}")
    return result.returncode


# --- system packages -------------------------------------------------------------------------


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
        # The load balancer in front of the web nodes in `make prod` and `make test-topology`.
        "nginx-light": shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() or None),
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


# --- throwaway services ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"{name} exited early with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise SystemExit(f"{name} did not start listening on 127.0.0.1:{port} within {timeout:.0f}s")


class Services:
    """PostgreSQL and Redis in a temporary folder, on free ports, stopped on exit."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="mektep-services-"))
        self.redis: subprocess.Popen | None = None
        self.pg_data: Path | None = None
        self.pg_ctl: str | None = None
        self.redis_port = free_port()
        self.pg_port = free_port()

    def as_postgres(self, command: list[str]) -> list[str]:
        # PostgreSQL refuses to run as root; the Debian package creates a `postgres` user for it.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def start(self) -> None:
        say(f"Starting Redis on 127.0.0.1:{self.redis_port}")
        self.redis = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=(self.tmp / "redis.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for_port(self.redis_port, self.redis, "Redis")

        initdb = find_initdb()
        bindir = Path(initdb).parent
        self.pg_ctl = str(bindir / "pg_ctl")
        pg_root = self.tmp / "postgres"
        pg_root.mkdir()
        if os.geteuid() == 0:
            shutil.chown(pg_root, "postgres", "postgres")
            os.chmod(self.tmp, 0o755)
        self.pg_data = pg_root / "data"
        say(f"Starting PostgreSQL ({bindir.parent.name}) on 127.0.0.1:{self.pg_port}")
        run(self.as_postgres([initdb, "-D", str(self.pg_data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                              "--locale=C.UTF-8"]), stdout=subprocess.DEVNULL)  # fmt: skip
        options = (
            f"-p {self.pg_port} -k {pg_root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        run(self.as_postgres([self.pg_ctl, "-D", str(self.pg_data), "-o", options, "-l", str(pg_root / "log"),
                              "-w", "start"]), stdout=subprocess.DEVNULL)  # fmt: skip

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def postgres_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/mektep"

    def stop(self) -> None:
        if self.pg_data is not None and self.pg_data.exists():
            say("Stopping PostgreSQL")
            run(self.as_postgres([self.pg_ctl, "-D", str(self.pg_data), "-m", "fast", "-w", "stop"]), check=False,
                stdout=subprocess.DEVNULL)  # fmt: skip
        if self.redis is not None and self.redis.poll() is None:
            say("Stopping Redis")
            os.killpg(self.redis.pid, signal.SIGTERM)
            try:
                self.redis.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.redis.pid, signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- gates and suites ------------------------------------------------------------------------


def quality_gates() -> None:
    manage = [PYTHON, "manage.py"]
    dev = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
    dev.pop("DATABASE_URL", None)
    dev.pop("REDIS_URL", None)
    say("Quality gates")
    run([PYTHON, "-m", "ruff", "check", "."])
    run([PYTHON, "-m", "ruff", "format", "--check", "."])
    run([*manage, "compilemessages", "--locale", "ky", "--locale", "ru", "--ignore", ".venv", "--ignore", "var"],
        env=dev)  # fmt: skip
    for language in ("ky", "ru"):
        po = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        stats = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        sys.stdout.write(f"{po.relative_to(BASE_DIR)}: {stats.stderr.strip()}\n")
        if stats.returncode != 0 or "untranslated" in stats.stderr or "fuzzy" in stats.stderr:
            raise SystemExit(f"FAILED: {po.relative_to(BASE_DIR)} has untranslated or fuzzy entries")
    run([*manage, "check", "--fail-level", "WARNING"], env=dev)
    production = {**dev, "DJANGO_SETTINGS_MODULE": "cms.settings.production",
                  "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "mektep.example.kg"}  # fmt: skip
    run([*manage, "check", "--deploy", "--fail-level", "WARNING"], env=production)
    run([*manage, "makemigrations", "--check", "--dry-run"], env=dev)
    deploy_checks()


def deploy_checks() -> None:
    """deploy/: hadolint on the Dockerfile; `docker compose config` where a compose command exists."""
    run([str(Path(PYTHON).parent / "hadolint"), "deploy/Dockerfile"])
    docker = shutil.which("docker")
    has_compose = (
        docker and subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0
    )
    if has_compose:
        env = {**os.environ, "SECRET_KEY": "x", "ALLOWED_HOSTS": "x", "POSTGRES_PASSWORD": "x"}
        run([docker, "compose", "-f", "deploy/compose.yaml", "config", "--quiet"], env=env)
    else:
        sys.stdout.write(
            "docker compose is not installed here: deploy/compose.yaml is checked by tests/test_deploy.py\n"
        )


def pytest_phase(label: str, marker: str, env: dict, totals: dict, *, parallel: bool = False) -> None:
    say(f"pytest on {label}: {marker}")
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / f"junit-{label.lower()}-{marker.replace(' ', '-')}.xml"
    command = [PYTHON, "-m", "pytest", "-m", marker, "--create-db", "-p", "no:cacheprovider", f"--junitxml={report}"]
    if parallel:
        # One process per core, each with its own test database and Redis database (cms/settings/test.py).
        command += ["-n", str(min(max(os.cpu_count() or 1, 2), 4)), "--dist", "loadfile"]
    code = run(command, env=env, check=False)
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped"))
    totals["passed"] += tests - failures - errors - skipped
    totals["failed"] += failures + errors
    totals["skipped"] += skipped
    if code != 0:
        raise SystemExit(f"FAILED: pytest on {label} ({marker}) exited with {code}")
    if tests == 0:
        raise SystemExit(f"FAILED: pytest on {label} ({marker}) ran no test")


def main() -> None:
    ensure_system_packages()
    quality_gates()
    services = Services()
    totals = {"passed": 0, "failed": 0, "skipped": 0}

    def stop_on_signal(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        services.start()
        base_env = {**os.environ, "REDIS_URL": services.redis_url, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
        base_env.pop("DATABASE_URL", None)
        databases = {"SQLite": base_env, "PostgreSQL": {**base_env, "DATABASE_URL": services.postgres_url}}
        for label, env in databases.items():
            # The browser and real-worker tests run one at a time: they start servers and watch their timing.
            pytest_phase(label, "not services and not e2e", env, totals, parallel=True)
            for marker in ("services", "e2e"):
                pytest_phase(label, marker, env, totals)
    finally:
        services.stop()
    # The production topology starts services of its own (a primary and a standby, Redis, nginx): after the others.
    say("Topology: two web nodes, two workers, a PostgreSQL primary and hot standby, nodes killed under load")
    if run([PYTHON, "tests/topology.py", "test"], check=False) != 0:
        totals["failed"] += 1
        raise SystemExit("FAILED: make test-topology")
    totals["passed"] += 1
    say("All gates passed; the suite passed on SQLite and on PostgreSQL, with Redis, Celery and Chromium")
    sys.stdout.write(f"total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped\n")


if __name__ == "__main__":
    main()
