"""`make run`: the web server, a Celery worker and Celery beat side by side; Ctrl-C stops all three."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cms.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME

BASE_DIR = Path(__file__).resolve().parents[1]
ADDRESS = os.environ.get("MEKTEP_ADDRESS", "127.0.0.1:8000")


def main() -> int:
    python = sys.executable
    var = BASE_DIR / "var"
    (var / "celery").mkdir(parents=True, exist_ok=True)
    commands = {
        "web": [python, "manage.py", "runserver", ADDRESS],
        # One worker process is plenty for a demo, and kind to SQLite.
        "worker": [python, "-m", "celery", "-A", "celery_app", "worker", "--concurrency=1", "--loglevel=INFO"],
        "beat": [python, "-m", "celery", "-A", "celery_app", "beat", "--loglevel=INFO",
                 "--schedule", str(var / "celery" / "beat-schedule")],
    }  # fmt: skip
    processes = {
        name: subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)  # noqa: S603
        for name, command in commands.items()
    }
    backend = "Redis" if os.environ.get("REDIS_URL") else "the embedded queue (no Redis needed)"
    sys.stdout.write(
        f"\nMektep is running at http://{ADDRESS}/  (Kyrgyz: /ky/, Russian: /ru/, admin: /admin/)\n"
        f"Demo administrator: {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}\n"
        f"Background work: Celery worker and beat on {backend}. Press Ctrl-C to stop everything.\n\n"
    )
    sys.stdout.flush()
    code = 0
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    sys.stderr.write(f"{name} stopped with code {process.returncode}; stopping the rest.\n")
                    code = process.returncode or 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    return code


if __name__ == "__main__":
    sys.exit(main())
