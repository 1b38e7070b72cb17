"""Login sessions: Django's own sessions, each login's key noted beside its account (diary.AccountSession) so that
every session of an account can be ended at once; a session opens exactly what Django's session check lets it
open."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from diary.models import AccountSession
from diary.services.access import user_sessions_end

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def week_url(student) -> str:
    return f"/ky/diary/students/{student.pk}/week/"


def test_a_login_session_is_noted_beside_its_account_from_login_to_logout(small_school):
    client = Client()
    assert client.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD}).status_code == 302
    key = client.cookies["sessionid"].value
    assert AccountSession.objects.get(session_key=key).account == small_school.teacher.user
    client.post("/ky/diary/logout/")
    assert not AccountSession.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=key).exists()


def test_a_visitors_session_and_an_api_login_note_no_session(small_school):
    visitor = Client()
    session = visitor.session
    session["language"] = "ru"
    session.save()
    answer = Client().post(
        "/api/diary/v1/auth/login/", {"username": "parent", "password": PASSWORD}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert not AccountSession.objects.exists()


def test_an_expired_or_unknown_session_opens_nothing(small_school, clock_cache, time_machine):
    client = Client()
    client.force_login(small_school.user("parent"))
    url = week_url(small_school.students[0])
    assert client.get(url).status_code == 200
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1), tick=False)
    assert Session.objects.filter(expire_date__gt=timezone.now()).count() == 0
    assert client.get(url).status_code == 302  # to the login page
    stranger = Client()
    stranger.cookies["sessionid"] = "x" * 32
    assert stranger.get(url).status_code == 302


@pytest.mark.parametrize(
    "cookie", ["abcdefgh\x00ijklmnop", "x" * 300, "%00" * 12, "ABCDEFGHIJKLMNOP", "short", "a" * 41]
)
def test_a_session_cookie_of_any_other_form_opens_nothing_and_is_no_error(small_school, cookie):
    """A NUL byte (which PostgreSQL refuses to compare) or a key longer than the session table's column is a
    visitor without a session, sent to log in, not a server error."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = cookie
    response = client.get(week_url(small_school.students[0]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_password_changed_elsewhere_ends_the_session_as_django_does(small_school):
    client = Client()
    client.force_login(small_school.user("parent"))
    url = week_url(small_school.students[0])
    assert client.get(url).status_code == 200
    user = get_user_model().objects.get(pk=small_school.user("parent").pk)
    user.set_password("a new and long passphrase 9")
    user.save()
    assert client.get(url).status_code == 302


def test_ending_an_accounts_sessions_leaves_everyone_elses(small_school):
    clients = {}
    for persona in ("teacher", "teacher", "parent"):
        client = Client()
        client.force_login(small_school.user(persona))
        clients.setdefault(persona, []).append(client)
    assert user_sessions_end(user=small_school.user("teacher")) == 2
    assert list(AccountSession.objects.values_list("account", flat=True)) == [small_school.user("parent").pk]
    owners = [session.get_decoded().get(SESSION_KEY) for session in Session.objects.all()]
    assert owners == [str(small_school.user("parent").pk)]
    assert clients["parent"][0].get("/api/diary/v1/me/").status_code == 200
    assert all(client.get("/api/diary/v1/me/").status_code == 401 for client in clients["teacher"])


def test_open_sessions_of_the_earlier_store_move_over_and_stay_logged_in(small_school):
    """The migration keeps everyone logged in: every open session moves to Django's table, a logged-in one noted
    beside its account and told its backend is Django's; an expired one is left behind."""
    from django.apps import apps

    migration = importlib.import_module("diary.migrations.0009_account_sessions")
    parent = small_school.user("parent")
    coder = SessionStore()
    logged_in = {
        SESSION_KEY: str(parent.pk),
        BACKEND_SESSION_KEY: "diary.backends.AccountBackend",
        HASH_SESSION_KEY: parent.get_session_auth_hash(),
    }
    future, past = timezone.now() + dt.timedelta(days=1), timezone.now() - dt.timedelta(days=1)
    rows = [
        SimpleNamespace(
            session_key="a" * 32,
            account_id=parent.pk,
            expire_date=future,
            session_data=coder.encode(logged_in),
        ),
        SimpleNamespace(session_key="b" * 32, account_id=None, expire_date=future, session_data=coder.encode({"l": 1})),
        SimpleNamespace(session_key="c" * 32, account_id=parent.pk, expire_date=past, session_data=coder.encode({})),
    ]

    class EarlierSessions:
        @staticmethod
        def filter(expire_date__gt):
            return SimpleNamespace(
                iterator=lambda chunk_size: [row for row in rows if row.expire_date > expire_date__gt]
            )

    earlier = SimpleNamespace(
        get_model=lambda app, name: (
            SimpleNamespace(objects=EarlierSessions) if name == "LoginSession" else apps.get_model(app, name)
        )
    )
    migration.sessions_move(earlier, None)
    assert set(Session.objects.values_list("session_key", flat=True)) == {"a" * 32, "b" * 32}
    assert list(AccountSession.objects.values_list("session_key", "account")) == [("a" * 32, parent.pk)]
    client = Client()
    client.cookies["sessionid"] = "a" * 32
    assert client.get("/api/diary/v1/me/").json()["username"] == parent.username
