"""Sessions by who signs in and where (diary/session_length.py): students and shared computers get a session that
ends with the browser and after a short idle time; everyone else keeps the usual session length."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
START = dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC)


def sign_in(username: str, **extra) -> Client:
    client = Client()
    response = client.post("/ky/diary/login/", {"username": username, "password": PASSWORD, **extra})
    assert response.status_code == 302
    return client


def signed_in(client: Client) -> bool:
    return client.get("/ky/diary/?menu").status_code == 200


def test_a_students_session_ends_with_the_browser_and_after_a_short_idle_time(small_school, settings):
    """A pupil who walks away from the lab computer is signed out after the idle limit; while they keep using the
    diary they stay signed in."""
    idle = settings.MEKTEP_SESSION_IDLE_SECONDS_STUDENT
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        response = client.post("/ky/diary/login/", {"username": "student", "password": PASSWORD})
        assert response.cookies["sessionid"]["max-age"] == ""  # a browser session: gone when the browser closes
        clock.shift(dt.timedelta(seconds=idle - 60))
        assert signed_in(client)
        clock.shift(dt.timedelta(seconds=idle - 60))
        assert signed_in(client)  # used meanwhile, so still signed in
        clock.shift(dt.timedelta(seconds=idle + 1))
        assert not signed_in(client)


def test_a_teacher_at_home_keeps_the_usual_session(small_school, settings):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in("teacher")
        clock.shift(dt.timedelta(seconds=settings.MEKTEP_SESSION_IDLE_SECONDS_STUDENT * 3))
        assert signed_in(client)


def test_anyone_on_a_shared_computer_gets_the_short_session(small_school, settings):
    """A parent signing in at the school library ticks "shared computer"."""
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in("parent", shared="on")
        clock.shift(dt.timedelta(seconds=settings.MEKTEP_SESSION_IDLE_SECONDS_SHARED + 1))
        assert not signed_in(client)


def test_the_idle_limit_is_configurable(small_school, settings):
    settings.MEKTEP_SESSION_IDLE_SECONDS_STUDENT = 120
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in("student")
        clock.shift(dt.timedelta(seconds=121))
        assert not signed_in(client)


# --- changing the password --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["student", "parent", "teacher", "director"])
def test_every_diary_user_has_a_password_page_in_the_menu(small_school, persona):
    client = Client()
    client.force_login(small_school.user(persona))
    menu = client.get("/ky/diary/?menu").content.decode()
    assert 'href="/ky/diary/password/"' in menu
    page = client.get("/ky/diary/password/")
    assert page.status_code == 200
    assert "Сырсөздү өзгөртүү" in page.content.decode()


def test_changing_the_password_keeps_this_session_and_the_new_password_works(small_school):
    client = sign_in("parent")
    new = "жаңы сырсөз 2026 күзү"
    response = client.post(
        "/ky/diary/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert Client().post("/ky/diary/login/", {"username": "parent", "password": new}).status_code == 302
    assert Client().post("/ky/diary/login/", {"username": "parent", "password": PASSWORD}).status_code == 200


def test_a_wrong_current_password_is_counted_like_a_failed_login(small_school, settings):
    """Every password check goes through authenticate(), so django-axes counts it: an open session cannot be used to
    guess the account's password."""
    from axes.models import AccessAttempt

    client = Client()
    client.force_login(small_school.parent.user)
    wrong = {"old_password": "guess", "new_password1": "жаңы сырсөз 2026", "new_password2": "жаңы сырсөз 2026"}
    response = client.post("/ky/diary/password/", wrong)
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert AccessAttempt.objects.filter(username="parent").get().failures_since_start == 1
    small_school.parent.user.refresh_from_db()
    assert small_school.parent.user.check_password(PASSWORD)


def test_the_password_page_needs_a_signed_in_user(small_school):
    response = Client().get("/ky/diary/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ky/diary/login/")
