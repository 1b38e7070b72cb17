"""`make test`'s suites: starts a throwaway PostgreSQL and Redis on 127.0.0.1, runs the whole suite on SQLite and
on PostgreSQL, and stops what it started.

Run it through `make test`, which prepares .venv, installs missing system packages (.ci/system_packages.py) and
runs the quality gates (`make check`) first; it exits non-zero if anything fails.
"""

import contextlib
import glob
import os
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


def find_initdb() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return candidates[0] if candidates else shutil.which("initdb")


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


# --- suites ----------------------------------------------------------------------------------


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
