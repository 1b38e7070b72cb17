"""The journal grid and the family's week on a slow phone network (B11): the person's own browser keeps the page
(`private, no-cache`, never a proxy or the server) and asks before each use; an unchanged page is a 304 without
the page, a changed one comes whole. Other diary answers, and the sessions of students and shared computers,
stay `no-store`."""

import datetime as dt
import html
import json
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from diary.models import Mark
from diary.services.marks import CellChange, marks_save
from diary.session_length import session_idle_limit

WEDNESDAY = dt.datetime(2026, 9, 9, 10, 0, tzinfo=dt.UTC)
WEEK = "2026-W37"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def kept_by_the_browser_only(response) -> None:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= directives, directives
    assert "no-store" not in directives and "public" not in directives
    assert response["ETag"]


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY)
def test_a_familys_week_opened_again_is_a_304_until_a_mark_changes_it(small_school):
    parent = signed_in(small_school.parent.user)
    student = small_school.students[0]
    url = f"/ky/diary/students/{student.pk}/week/?week={WEEK}"
    first = parent.get(url)
    assert first.status_code == 200
    kept_by_the_browser_only(first)

    again = parent.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    kept_by_the_browser_only(again)
    # The same ETag when it comes back weakened by gzip on the way (nginx, GZipMiddleware).
    assert parent.get(url, headers={"If-None-Match": "W/" + first["ETag"]}).status_code == 304

    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        changes=[CellChange(small_school.lessons[0].pk, student.pk, None, grades=[5])],
    )
    changed = parent.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert 'data-grade="5"' in changed.content.decode()

    # Another session (signed in again, or someone else's browser) never matches the copy of this one, even with
    # the same CSRF secret: the session itself is part of the ETag.
    other = signed_in(small_school.parent.user)
    for name, cookie in parent.cookies.items():
        if name != settings.SESSION_COOKIE_NAME:
            other.cookies[name] = cookie.value
    assert other.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 200


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY)
def test_the_teachers_grid_opened_again_is_a_304_and_its_token_still_saves(small_school):
    teacher = signed_in(small_school.teacher.user)
    url = f"/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    first = teacher.get(url)
    assert first.status_code == 200
    kept_by_the_browser_only(first)
    # The page's CSRF token is masked afresh each time, and the page is still "the same".
    second = teacher.get(url)
    assert second.content != first.content and second["ETag"] == first["ETag"]
    assert teacher.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    # The browser shows its kept copy: the token in it saves a mark, with CSRF checked as a browser's request is.
    token = re.search(r'data-csrf="([A-Za-z0-9]{64})"', first.content.decode()).group(1)
    config = json.loads(html.unescape(re.search(r'data-config="([^"]*)"', first.content.decode()).group(1)))
    browser = Client(enforce_csrf_checks=True)
    for name, cookie in teacher.cookies.items():
        browser.cookies[name] = cookie.value
    lesson, student = small_school.lessons[0], small_school.students[0]
    body = {"changes": [{"lesson": lesson.pk, "student": student.pk, "grades": [4], "version": None}]}
    saved = browser.post(config["marks"], body, content_type="application/json", headers={"X-CSRFToken": token})
    assert saved.status_code == 200, saved.content
    assert Mark.objects.get(lesson=lesson, student=student).grade_1 == 4


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY)
def test_a_new_csrf_secret_in_the_same_session_sends_the_page_again(small_school):
    """A copy kept with the tokens of an old CSRF secret would fail to save: it never answers a 304."""
    teacher = signed_in(small_school.teacher.user)
    url = f"/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    first = teacher.get(url)
    assert teacher.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    teacher.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32
    assert teacher.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY)
def test_the_grid_after_the_teacher_saved_a_mark_comes_whole_with_the_mark(small_school):
    """The service worker's network-first fetch revalidates the kept journal with its ETag: after a save, the
    browser's copy no longer matches and the page comes whole, with the mark."""
    teacher = signed_in(small_school.teacher.user)
    url = f"/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"
    first = teacher.get(url)
    lesson, student = small_school.lessons[0], small_school.students[0]
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        changes=[CellChange(lesson.pk, student.pk, None, grades=[5])],
    )
    graded = re.compile(rf'data-lesson="{lesson.pk}" data-student="{student.pk}" data-version="1"[^>]*data-grades="5"')
    assert not graded.search(first.content.decode())
    after = teacher.get(url, headers={"If-None-Match": first["ETag"]})
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    kept_by_the_browser_only(after)
    assert graded.search(after.content.decode())
    assert teacher.get(url, headers={"If-None-Match": after["ETag"]}).status_code == 304


@pytest.mark.django_db
@time_machine.travel(WEDNESDAY)
def test_students_shared_computers_and_other_pages_are_never_kept(small_school, rf):
    student = small_school.students[0]
    url = f"/ky/diary/students/{student.pk}/week/?week={WEEK}"
    own = signed_in(student.user)  # a student's session has an idle limit
    response = own.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and not response.has_header("ETag")

    parent = signed_in(small_school.parent.user)
    session = parent.session
    request = rf.get("/")
    request.session = session
    session_idle_limit(request, seconds=900)  # "This is a shared computer" at login
    session.save()
    response = parent.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and not response.has_header("ETag")

    # Another child's week is refused, and the refusal is not kept either; nor is any other diary page.
    other_child = f"/ky/diary/students/{small_school.students[1].pk}/week/?week={WEEK}"
    refused = signed_in(small_school.parent.user).get(other_child)
    assert refused.status_code in (403, 404)
    assert "no-store" in refused["Cache-Control"] and not refused.has_header("ETag")
    children = signed_in(small_school.parent.user).get("/ky/diary/children/")
    assert "no-store" in children["Cache-Control"]
