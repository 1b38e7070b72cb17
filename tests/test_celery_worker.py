"""A real Celery worker, against the real Redis that `make test` starts, runs the scheduled sweep."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from celery_app import app as celery_app

BASE_DIR = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def worker_database_url() -> str:
    """The URL of the database this test run uses, for a worker in another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: run `make test`, which starts a throwaway Redis for this test.")
    return url


@pytest.fixture
def celery_worker_process(redis_url, tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", "DATABASE_URL": worker_database_url()}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "celery_app",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield worker
    celery_app.conf.task_always_eager = previous
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
    log.close()


def test_the_beat_schedule_runs_the_sweep_periodically():
    entry = celery_app.conf.beat_schedule["sweep"]
    assert entry["task"] == "diary.tasks.sweep"


def test_a_real_worker_runs_the_sweep_over_every_school(celery_worker_process):
    from diary.tasks import sweep
    from tests.factories import SchoolFactory

    SchoolFactory.create_batch(2)

    result = sweep.apply_async().get(timeout=90)
    assert celery_worker_process.poll() is None, "the worker died"
    assert result == {"schools": 2, "queued": []}
