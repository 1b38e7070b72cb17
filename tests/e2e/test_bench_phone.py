"""B11's measuring (bench/phone.py) against the live server: a throttled phone opens the grid and the week twice;
the rows it gives land in `make bench`'s table with their budgets."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from bench import phone
from bench.__main__ import table
from bench.scenarios import row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WEDNESDAY = dt.datetime(2026, 9, 9, 9, tzinfo=dt.UTC)


def cookie_header(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_a_throttled_phone_measures_the_grid_and_the_week_first_and_again(live_server, small_school, browser):
    grid = (f"/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1", cookie_header(small_school.teacher.user))
    week = (
        f"/ky/diary/students/{small_school.students[0].pk}/week/?week=2026-W37",
        cookie_header(small_school.parent.user),
    )
    with time_machine.travel(WEDNESDAY, tick=True):
        results = phone.measure(live_server.url, grid, week, browser=browser)

    first, repeat = results["grid"]["first"], results["grid"]["repeat"]
    # Every request waits the emulated 2 s: the page, then its script and style sheets.
    assert first["usable"] >= 4
    assert repeat["usable"] >= 2
    pages = [url for url, _status, _size in first["answers"] if "/journals/" in url]
    assert len(pages) == 1 and any(url.endswith(".js") for url, _status, _size in first["answers"])
    # Again in the same browser: the page is revalidated and comes back as a 304 without the page. (The test
    # server's static files, unlike production's, have no far-future expiry: they are revalidated too.)
    page_again = [size for url, _status, size in repeat["answers"] if "/journals/" in url]
    page_first = [size for url, _status, size in first["answers"] if "/journals/" in url]
    assert page_again and page_again[0] < 1000 < page_first[0]
    assert repeat["bytes"] < first["bytes"]
    assert results["week"]["repeat"]["bytes"] < results["week"]["first"]["bytes"]

    rows = phone.rows_of(results, row, "sqlite")
    assert [each["id"] for each in rows] == ["B11gf", "B11gr", "B11wf", "B11wr", "B11uf", "B11ur"]
    assert rows[0]["value"] == pytest.approx(first["bytes"] / 1000, abs=0.001) and rows[0]["reference"] == 60
    assert rows[4]["ok"] is False  # two requests of 2 s each cannot be usable within 3 s
    printed = table(rows)
    assert "B11gf" in printed and "grid ≤ 60 KB, first visit" in printed and "✗" in printed
