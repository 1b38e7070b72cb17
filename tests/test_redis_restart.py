"""A real Redis stopped under a running site and worker: marks still save and a report asked for meanwhile is accepted;
when Redis is back, the next sweep queues that report and the real worker completes it.

This test runs its own Redis (it stops and starts it), its own Celery worker, and the site's side in a separate
process configured like production (cache and broker on that Redis), all on the test database.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diary.models import Mark, ReportRun
from tests.test_celery_worker import BASE_DIR, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SITE_SIDE = """
import json, django
django.setup()
from celery_app import app
app.conf.task_always_eager = False
from rest_framework.test import APIClient
from django.contrib.auth import get_user_model
from diary.services.access import api_token_issue
from diary.models import Journal, Lesson, Student
users = get_user_model().objects
teacher = APIClient(HTTP_AUTHORIZATION="Bearer " + api_token_issue(user=users.get(username="teacher")).key)
director = APIClient(HTTP_AUTHORIZATION="Bearer " + api_token_issue(user=users.get(username="director")).key)
journal = Journal.objects.get(pk={journal})
marks = teacher.post(f"/api/diary/v1/journals/{journal}/marks/", {{"changes": [
    {{"lesson": {lesson}, "student": {student}, "grades": [4], "version": None}}]}}, format="json")
report = director.post("/api/diary/v1/reports/", {{"kind": "progress", "period": "quarter-1"}}, format="json")
print("RESULT " + json.dumps({{"marks": marks.status_code, "report": report.status_code,
                               "run": report.json().get("id")}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server this test may stop and start again on the same port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = int(os.environ.get("MEKTEP_FAULT_REDIS_PORT") or free_port())
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(self.folder)]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed: `make test` installs it (tests/harness.py).")
    redis = OwnRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


def environment(redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url,
    }


@pytest.fixture
def worker(own_redis, tmp_path):
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool=solo", "--loglevel=INFO",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=environment(own_redis.url), stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while "ready" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    yield process, log
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_marks_save_while_redis_is_down_and_the_report_completes_when_it_is_back(small_school, own_redis, worker):
    process, log = worker
    lesson, student = small_school.lessons[0], small_school.students[0]
    own_redis.stop()

    script = SITE_SIDE.format(journal=small_school.journal.pk, lesson=lesson.pk, student=student.pk)
    site = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=environment(own_redis.url),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    lines = [line for line in site.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, site.stdout[-2000:] + site.stderr[-3000:]
    result = json.loads(lines[-1].removeprefix("RESULT "))
    assert result["marks"] == 200 and result["report"] == 202
    assert Mark.objects.get(lesson=lesson, student=student).grades == [4]
    run = ReportRun.objects.get(pk=result["run"])
    assert run.status == ReportRun.Status.PENDING

    own_redis.start()
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "celery_app", "call", "diary.tasks.sweep"],
        cwd=BASE_DIR, env=environment(own_redis.url), capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == ReportRun.Status.DONE:
            break
        time.sleep(0.3)
    assert process.poll() is None, log.read_text()[-3000:]
    assert run.status == ReportRun.Status.DONE, log.read_text()[-3000:]
    assert run.summary["school"] is not None
