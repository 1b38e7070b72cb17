"""The client's address (cms/client.py): one rule for throttles, lockouts, counters and logs."""

import pytest
from django.test import RequestFactory
from rest_framework.throttling import SimpleRateThrottle

from cms.client import client_address


@pytest.fixture
def request_from():
    def build(remote, forwarded=None):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **extra)

    return build


def test_a_spoofed_forwarded_header_changes_nothing_without_trusted_proxies(settings, request_from):
    settings.MEKTEP_TRUSTED_PROXIES = 0
    assert client_address(request_from("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_client(settings, request_from):
    settings.MEKTEP_TRUSTED_PROXIES = 1
    # The client sent its own forged entry first; the proxy appended the address it really saw.
    assert client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.9")) == "198.51.100.9"


def test_behind_two_trusted_proxies_the_outermost_ones_view_is_taken(settings, request_from):
    settings.MEKTEP_TRUSTED_PROXIES = 2
    assert client_address(request_from("10.0.0.3", "1.2.3.4, 198.51.100.9, 10.0.0.2")) == "198.51.100.9"


def test_a_trusted_proxy_without_the_header_leaves_the_socket_address(settings, request_from):
    settings.MEKTEP_TRUSTED_PROXIES = 1
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"


class PerMinute(SimpleRateThrottle):
    rate = "5/min"


@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_the_api_throttles_take_the_same_address(settings, request_from, proxies):
    settings.MEKTEP_TRUSTED_PROXIES = proxies
    # Changing REST_FRAMEWORK reloads DRF's settings (its setting_changed receiver), as the settings module does.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = request_from("10.0.0.3", "1.2.3.4, 198.51.100.9, 10.0.0.2")
    assert PerMinute().get_ident(request) == client_address(request)


def test_the_lockout_counts_by_the_same_address(settings, request_from):
    from axes.helpers import get_client_ip_address

    settings.MEKTEP_TRUSTED_PROXIES = 1
    request = request_from("10.0.0.2", "1.2.3.4, 198.51.100.9")
    assert get_client_ip_address(request) == "198.51.100.9"


def test_a_request_without_an_address_gives_the_lockout_none_to_store(settings):
    from axes.helpers import get_client_ip_address
    from django.http import HttpRequest

    # A login made in code (the test client's login(), a management command) has no address; axes stores NULL.
    assert get_client_ip_address(HttpRequest()) is None
    assert client_address(HttpRequest()) == "unknown"


def test_gunicorns_access_log_names_the_same_client_as_the_throttles(monkeypatch, request_from):
    import importlib.util
    from pathlib import Path

    monkeypatch.setenv("MEKTEP_TRUSTED_PROXIES", "1")
    path = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("mektep_gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    import datetime

    from gunicorn.config import Config

    request = request_from("10.0.0.2", "1.2.3.4, 198.51.100.9")
    environ = {**request.META, "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1"}

    class Response:
        status = "200 OK"
        headers = []
        sent = 2

    class WsgiRequest:
        headers = []

    logger = conf.ClientAddressLogger(Config())
    atoms = logger.atoms(Response(), WsgiRequest(), environ, datetime.timedelta(milliseconds=3))
    assert atoms["h"] == "198.51.100.9"
