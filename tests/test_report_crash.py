"""D14 reliability: a real worker killed (SIGKILL) in the middle of a report leaves no file behind, and the report
completes exactly once, with complete files, on the worker started after it (real Redis, real Celery)."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from celery_app import app as celery_app
from diary.models import FinalGrade, ReportRun
from tests import test_celery_worker
from tests.test_celery_worker import BASE_DIR, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
redis_url = test_celery_worker.redis_url  # the same fixture: REDIS_URL as `make test` passes it

ABANDONED_SECONDS = 4
VISIBILITY_TIMEOUT = 3


def start_worker(log: Path, *, delay: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": worker_database_url(),
        "MEKTEP_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REPORT_ABANDONED_SECONDS": str(ABANDONED_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    # tests/report_worker.py: a worker whose builds pause `delay` seconds before rendering the files.
    command = [sys.executable, "-m", "tests.report_worker", str(delay), "--pool=solo", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=20)


def wait_for(run: ReportRun, status: str, timeout: float, logs: list[Path]) -> ReportRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == status:
            return run
        time.sleep(0.2)
    pytest.fail(f"the run is {run.status}, not {status}; worker logs:\n" + "\n".join(p.read_text() for p in logs))


@pytest.fixture
def real_broker(redis_url):
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def test_a_worker_killed_mid_report_leaves_no_file_and_the_report_completes_once(real_broker, small_school, tmp_path):
    from diary.services.reports import report_file_name, report_request
    from diary.tasks import build_report

    for student, value in zip(small_school.students, (5, 4, 3), strict=True):
        FinalGrade.objects.create(
            school=small_school.school, student=student, subject=small_school.journal.subject, period=small_school.q1,
            journal=small_school.journal, value=str(value), grade=value,
        )  # fmt: skip
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = start_worker(logs[0], delay=30)
    second = None
    try:
        run = report_request(
            actor=small_school.director.user, school=small_school.school, kind="progress", period=small_school.q1
        )
        wait_for(run, "running", 90, logs)
        stop(first, signal.SIGKILL)  # no chance to clean up, acknowledge or mark anything
        run.refresh_from_db()
        assert (run.status, run.xlsx.name, run.pdf.name) == ("running", "", "")
        files_of_run = f"{run.school_id}-{run.pk}-{report_file_name(run)}*"
        assert list((Path(settings.MEDIA_ROOT) / "reports").glob(files_of_run)) == []

        second = start_worker(logs[1], delay=0)
        run = wait_for(run, "done", 120, logs)
        assert run.attempts == 2, "built once more after the crash, and only once"
        assert run.summary["school"]["quality"] == 66.7
        files = sorted(path.suffix for path in (Path(settings.MEDIA_ROOT) / "reports").glob(files_of_run))
        assert files == [".pdf", ".xlsx"]
        with run.xlsx.open("rb") as xlsx:
            assert "5А" in {row[0] for row in load_workbook(io.BytesIO(xlsx.read())).worksheets[1].values}
        with run.pdf.open("rb") as pdf_file:
            pdf = pdf_file.read()
        assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-1024:]

        assert build_report.delay(run.pk).get(timeout=60) is None  # a late duplicate builds nothing
        run.refresh_from_db()
        assert (run.status, run.attempts) == ("done", 2)
    finally:
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second)
