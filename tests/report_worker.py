"""A Celery worker for tests/test_report_crash.py whose report builds pause before rendering the files, so that the
test can kill it in the middle of a report: `python -m tests.report_worker DELAY_SECONDS [celery worker options]`.

The pause is patched in here, in the worker's own process; the report service knows nothing of it.
"""

import sys
import time

import django


def main() -> None:
    delay = float(sys.argv[1])
    django.setup()
    from celery.__main__ import main as celery_main

    from diary.services import reports

    render = reports.report_files_render

    def slow_render(**kwargs):
        time.sleep(delay)
        return render(**kwargs)

    reports.report_files_render = slow_render
    sys.argv = ["celery", "-A", "celery_app", "worker", *sys.argv[2:]]
    celery_main()


if __name__ == "__main__":
    main()
