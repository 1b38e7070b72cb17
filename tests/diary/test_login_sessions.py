"""Login sessions (diary/sessions.py): a logged-in request reads its session, its account and the account's own
students in one statement, and a session opens exactly what Django's own session check lets it open."""

import datetime as dt
import importlib

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoDatabaseStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diary.backends import AccountBackend
from diary.models import LoginSession
from diary.services.access import user_sessions_end
from diary.sessions import AccountRead, SessionStore, _session_in_hand, session_account

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def week_url(student) -> str:
    return f"/ky/diary/students/{student.pk}/week/"


def test_a_kept_family_page_is_one_statement_for_session_account_and_students(small_school):
    client = Client()
    client.force_login(small_school.user("parent"))
    url = week_url(small_school.students[0])
    assert client.get(url).status_code == 200  # rendered and kept
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and response.wsgi_request.user == small_school.user("parent")
    assert len(captured) == 1
    sql = captured.captured_queries[0]["sql"]
    assert '"diary_loginsession"' in sql and '"auth_user"' in sql and '"diary_student"' in sql


def test_the_session_row_names_its_account_from_login_to_logout(small_school):
    browser = Client()
    browser.get("/ky/diary/login/")
    assert browser.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD}).status_code == 302
    key = browser.cookies["sessionid"].value
    assert LoginSession.objects.get(session_key=key).account == small_school.teacher.user
    browser.post("/ky/diary/logout/")
    assert not LoginSession.objects.filter(session_key=key).exists()
    # Someone else logs in on the same browser: a session of their own.
    assert browser.post("/ky/diary/login/", {"username": "parent", "password": PASSWORD}).status_code == 302
    other = browser.cookies["sessionid"].value
    assert other != key and LoginSession.objects.get(session_key=other).account == small_school.user("parent")
    # A visitor's session (no login) names no account.
    visitor = SessionStore()
    visitor["language"] = "ru"
    visitor.save()
    assert LoginSession.objects.get(session_key=visitor.session_key).account is None
    assert SessionStore(visitor.session_key)["language"] == "ru"


def test_an_expired_or_unknown_session_opens_nothing(small_school):
    client = Client()
    client.force_login(small_school.user("parent"))
    url = week_url(small_school.students[0])
    assert client.get(url).status_code == 200
    LoginSession.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url).status_code == 302  # to the login page
    stranger = Client()
    stranger.cookies["sessionid"] = "x" * 32
    assert stranger.get(url).status_code == 302


@pytest.mark.parametrize(
    "cookie", ["abcdefgh\x00ijklmnop", "x" * 300, "%00" * 12, "ABCDEFGHIJKLMNOP", "short", "a" * 41]
)
def test_a_session_cookie_of_any_other_form_opens_nothing_and_is_no_error(small_school, cookie):
    """Only keys of the form Django makes are looked up: a NUL byte (which PostgreSQL refuses to compare) or a key
    longer than the column is a visitor without a session, sent to log in, not a server error."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = cookie
    response = client.get(week_url(small_school.students[0]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert SessionStore(cookie).session_key is None


def test_a_password_changed_elsewhere_ends_the_session_as_django_does(small_school):
    client = Client()
    client.force_login(small_school.user("parent"))
    url = week_url(small_school.students[0])
    assert client.get(url).status_code == 200
    user = get_user_model().objects.get(pk=small_school.user("parent").pk)
    user.set_password("a new and long passphrase 9")
    user.save()
    assert client.get(url).status_code == 302


def test_the_signed_session_data_decides_the_account_not_the_column(small_school):
    """A row whose account column disagrees with its signed data: the data's account is read, by itself."""
    client = Client()
    client.force_login(small_school.user("parent"))
    LoginSession.objects.update(account=small_school.user("other_parent"))
    response = client.get("/api/diary/v1/me/")
    assert response.status_code == 200 and response.wsgi_request.user.pk == small_school.user("parent").pk


def test_the_backend_takes_only_its_own_requests_read_of_that_account(small_school):
    parent, teacher = small_school.user("parent"), small_school.user("teacher")
    read = AccountRead(parent, None, [])
    holder = type("Session", (), {"account_read": read})()
    assert session_account(parent.pk) is None  # no request at hand
    token = _session_in_hand.set(holder)
    try:
        assert session_account(parent.pk) is read
        assert session_account(teacher.pk) is None  # another account: read as usual
        with CaptureQueriesContext(connection) as captured:
            assert AccountBackend().get_user(parent.pk) is parent
            assert AccountBackend().get_user(teacher.pk) == teacher
        assert len(captured) == 1  # the teacher's own read
    finally:
        _session_in_hand.reset(token)


def test_ending_an_accounts_sessions_leaves_everyone_elses(small_school):
    clients = {}
    for persona in ("teacher", "teacher", "parent"):
        client = Client()
        client.force_login(small_school.user(persona))
        clients.setdefault(persona, []).append(client)
    assert user_sessions_end(user=small_school.user("teacher")) == 2
    assert list(LoginSession.objects.values_list("account", flat=True)) == [small_school.user("parent").pk]
    assert clients["parent"][0].get("/api/diary/v1/me/").status_code == 200
    assert all(client.get("/api/diary/v1/me/").status_code == 401 for client in clients["teacher"])


def test_open_sessions_of_the_earlier_store_move_over_with_their_account(small_school):
    """The migration keeps everyone logged in: every open session moves, with the account its data names."""
    from django.apps import apps

    migration = importlib.import_module("diary.migrations.0008_login_sessions")
    parent = small_school.user("parent")
    logged_in = DjangoDatabaseStore()
    logged_in.update({SESSION_KEY: str(parent.pk), "_auth_user_backend": "diary.backends.AccountBackend"})
    logged_in.create()
    visitor = DjangoDatabaseStore()
    visitor["language"] = "ru"
    visitor.create()
    expired = DjangoDatabaseStore()
    expired[SESSION_KEY] = str(parent.pk)
    expired.set_expiry(-10)
    expired.create()
    migration.sessions_move(apps, None)
    moved = {session.session_key: session.account_id for session in LoginSession.objects.all()}
    assert moved == {logged_in.session_key: parent.pk, visitor.session_key: None}
    assert SessionStore(logged_in.session_key)[SESSION_KEY] == str(parent.pk)
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()
