"""B11's measuring (bench/phone.py) against a live server behind the benchmark's slow link (bench/link.py): a
teacher and a family log in on a throttled phone, open their page and open it again; the rows it gives land in
`make bench`'s table with their budgets."""

import datetime as dt
import threading

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test import Client

from bench import phone
from bench.__main__ import table
from bench.link import Link
from bench.scenarios import row
from tests.e2e.pages import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WEDNESDAY = dt.datetime(2026, 9, 9, 9, tzinfo=dt.UTC)


@pytest.fixture
def slow_server(tmp_path):
    """The site on a free port of localhost, every answer through the slow link, logged to a file."""
    log = tmp_path / "link.log"
    server = ThreadedWSGIServer(("localhost", 0), WSGIRequestHandler, allow_reuse_address=False)
    server.set_app(Link(StaticFilesHandler(WSGIHandler()), str(log)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}", phone.Wire(log)
    server.shutdown()
    server.server_close()


def cookie_header(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def pages(visit: dict, part: str) -> list[tuple[int, int]]:
    return [(status, size) for url, status, size in visit["answers"] if part in url]


def test_a_throttled_phone_measures_the_teachers_and_the_familys_path(slow_server, small_school, browser):
    base, wire = slow_server
    teacher, parent = small_school.teacher.user, small_school.parent.user
    people = {
        "grid": {"path": f"/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1",
                 "cookie": cookie_header(teacher), "username": teacher.username, "password": PASSWORD,
                 "list": "/ky/diary/journals/"},
        "week": {"path": f"/ky/diary/students/{small_school.students[0].pk}/week/?week=2026-W37",
                 "cookie": cookie_header(parent), "username": parent.username, "password": PASSWORD,
                 "list": "/ky/diary/children/"},
    }  # fmt: skip
    with time_machine.travel(WEDNESDAY, tick=True):
        results = phone.measure(base, people, wire, browser=browser)

    grid = results["grid"]
    assert grid["worker"] and results["week"]["worker"]
    # The login page installed the service worker, which fetched the app shell: the grid's script among it.
    assert any("/static/diary/grid" in url and url.endswith(".js") for url, _s, _b in grid["before"]["answers"])
    # First visit: only the page came over the network (and the worker's update check); every request waits 2 s.
    first, repeat, cold = grid["first"], grid["repeat"], grid["cold"]
    assert not any("/static/" in url for url, _status, _size in first["answers"])
    assert len(pages(first, "/journals/")) == 1 and pages(first, "/journals/")[0][0] == 200
    assert 2 <= first["usable"] < cold["usable"]
    # Again in the same browser: the page is revalidated through the worker and comes back as a 304.
    again = pages(repeat, "/journals/")
    assert again and again[0][0] == 304 and again[0][1] < 1000 < pages(first, "/journals/")[0][1]
    assert repeat["bytes"] < first["bytes"] < cold["bytes"]
    # Cold (only the cookies): the page, then its script and style sheets, two waits of 2 s one after the other.
    assert cold["usable"] >= 4 and any(url.endswith(".js") for url, _status, _size in cold["answers"])
    week = results["week"]
    assert pages(week["repeat"], "/week/")[0][0] == 304 and week["repeat"]["bytes"] < week["first"]["bytes"]
    assert all(size > 0 for visit in ("before", "first", "repeat", "cold") for _u, _s, size in grid[visit]["answers"])

    rows = phone.rows_of(results, row, "sqlite")
    assert [each["id"] for each in rows] == ["B11gf", "B11gr", "B11wf", "B11wr", "B11uf", "B11ur"]
    assert rows[0]["value"] == pytest.approx(first["bytes"] / 1000, abs=0.001) and rows[0]["reference"] == 60
    assert rows[4]["value"] == pytest.approx(first["usable"], abs=0.001)
    printed = table(rows)
    assert "B11gf" in printed and "grid ≤ 60 KB, first visit" in printed
    notes = phone.notes_of(results)
    assert any(note.startswith("B11 grid cold") for note in notes)
