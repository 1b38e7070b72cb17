"""Redis down: with the cache and the Celery broker pointing at a port where nothing answers, the public site and the
diary keep serving, marks keep saving, logins keep working, and asking for a report neither fails nor waits; the run
waits in the database for the sweep. (The same with a real Redis stopped and started again: test_redis_restart.py.)
"""

import datetime as dt
import socket

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from celery_app import app as celery_app
from diary.models import Mark, ReportRun

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def dead_redis_url() -> str:
    """A port on this machine where nothing listens (bound and closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def redis_down(settings):
    url = dead_redis_url()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 2, "IGNORE_EXCEPTIONS": True},
        },
    }
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    celery_app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    forget_connections()
    yield url
    celery_app.conf.update(previous)
    forget_connections()


def forget_connections() -> None:
    """Celery keeps its broker pool and result backend once made; the next use makes them from the settings again."""
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        # The producers a task was sent with earlier in this process, still connected to the earlier broker.
        celery_app.amqp._producer_pool = None
    celery_app._local.__dict__.pop("backend", None)


def test_the_public_site_serves_without_its_cache(redis_down, demo_site, client):
    for path in ("/ky/", "/ru/", "/ky/", "/sitemap.xml"):
        assert client.get(path).status_code == 200, path


def test_the_diary_logs_in_serves_and_saves_marks_without_redis(redis_down, small_school):
    with time_machine.travel(dt.datetime(2026, 9, 7, 12, tzinfo=dt.UTC), tick=False):
        browser = Client()
        assert browser.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD}).status_code == 302
        assert browser.get("/ky/diary/", follow=True).status_code == 200
        api = APIClient()
        login = api.post("/api/diary/v1/auth/login/", {"username": "teacher", "password": PASSWORD}, format="json")
        assert login.status_code == 200
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['token']}")
        assert api.get("/api/diary/v1/journals/").status_code == 200
        lesson, student = small_school.lessons[0], small_school.students[0]
        saved = api.post(
            f"/api/diary/v1/journals/{small_school.journal.pk}/marks/",
            {"changes": [{"lesson": lesson.pk, "student": student.pk, "grades": [5], "version": None}]},
            format="json",
        )
        assert saved.status_code == 200
        assert Mark.objects.get(lesson=lesson, student=student).grades == [5]


def test_asking_for_a_report_without_a_broker_is_accepted_and_waits_for_the_sweep(
    redis_down, small_school, caplog, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True) as queued,
    ):
        api = APIClient()
        api.force_authenticate(small_school.director.user)
        answer = api.post("/api/diary/v1/reports/", {"kind": "progress", "period": "quarter-1"}, format="json")
    assert len(queued) == 1  # the task was sent after the commit, and failing to send it did not fail the request
    assert answer.status_code == 202
    run = ReportRun.objects.get(pk=answer.json()["id"])
    assert run.status == ReportRun.Status.PENDING
    # The run is due (the quarter and its final-grade window are over), so the next sweep queues it again.
    from diary.services.reports import due_report_runs

    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        assert run in due_report_runs(school=small_school.school)
    assert "Could not queue diary.tasks.build_report" in caplog.text


def test_the_cache_backend_treats_an_unreachable_redis_as_an_empty_cache(redis_down):
    from django.core.cache import cache

    assert cache.get("anything", "missing") == "missing"
    cache.set("key", 1)
    assert not cache.add("key", 1)
    assert cache.get_many(["a", "b"]) == {}
    assert not cache.delete("key")
    assert not cache.incr("key")
    assert cache.get_or_set("key", 7) == 7
