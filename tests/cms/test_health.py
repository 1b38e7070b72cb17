"""/healthz and /readyz (cms/health.py): what a load balancer or an orchestrator sees of one node."""

import pytest
from django.test import Client

from cms import health


def test_healthz_answers_ok_outside_the_language_prefix_and_without_a_session(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_readyz_reports_database_redis_and_migrations_ready():
    response = Client().get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert {"database", "redis", "migrations"} <= set(body["checks"])
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_probes_are_answered_for_a_host_name_the_site_does_not_serve(settings):
    # A balancer probes a node by its address; the host check must not turn the probe into a 400.
    settings.ALLOWED_HOSTS = ["school.example.kg"]
    assert Client().get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert Client().get("/readyz", HTTP_HOST="10.0.0.7:8000").status_code == 200


@pytest.mark.django_db
def test_probes_are_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_while_migrations_are_pending(monkeypatch):
    def pending():
        raise RuntimeError("3 migrations not applied")

    monkeypatch.setattr(health, "migrations_check", pending)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["ok"] is False
    assert response.json()["checks"]["migrations"]["error"] == "RuntimeError"


@pytest.mark.django_db
def test_readyz_is_503_when_redis_does_not_answer(monkeypatch):
    def unreachable():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "redis_check", unreachable)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_pages_under_a_similar_address_are_not_probes(db):
    response = Client().get("/healthz-report")
    assert response.status_code == 302
    assert response["Location"].startswith("/ky/")
