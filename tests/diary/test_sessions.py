"""Sessions and forged requests: CSRF on every unsafe method of the web side (the diary pages, and the API when it is
used with a session), session fixation, logout and account closing ending sessions on the server, and lockouts.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from rest_framework.test import APIClient

from diary.services.access import (
    REDEEM_FAILURE_LIMIT,
    access_code_issue,
    account_deactivate,
    api_token_issue,
    user_sessions_end,
)
from tests.figures import changed_tables, table_checksums

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
UNSAFE = ("post", "put", "patch", "delete")
CSRF_REFUSED = b"csrf-refused"


def csrf_refused(request, reason=""):
    return HttpResponseForbidden(CSRF_REFUSED)


def addresses(namespace: str) -> list[tuple[str, dict]]:
    """Every named address of a namespace, with its arguments filled by 1."""
    found = []

    def walk(patterns, current):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or current)
            elif isinstance(entry, URLPattern) and current == namespace and entry.name:
                keywords = {name: 1 for name in getattr(entry.pattern, "converters", {})}
                found.append((f"{namespace}:{entry.name}", keywords))

    walk(get_resolver().url_patterns, None)
    return sorted(found, key=lambda item: item[0])


WEB_ADDRESSES = addresses("diary")
API_ADDRESSES = addresses("diary_api")


@pytest.fixture
def csrf_marked(settings):
    """A refusal by the CSRF check says so, so that it is not mistaken for any other 403."""
    settings.CSRF_FAILURE_VIEW = "tests.diary.test_sessions.csrf_refused"


@pytest.mark.parametrize(("name", "kwargs"), WEB_ADDRESSES, ids=[name for name, _kwargs in WEB_ADDRESSES])
def test_every_unsafe_method_of_a_diary_page_needs_the_csrf_token(small_school, csrf_marked, name, kwargs, figures):
    client = Client(enforce_csrf_checks=True)
    client.force_login(small_school.director.user)
    with translation.override("ky"):
        url = reverse(name, kwargs=kwargs)
    before = table_checksums(apps_only=("diary", "auth", "cms"))
    for method in UNSAFE:
        response = getattr(client, method)(url, {"body": "x", "remarks": "x"})
        figures.add("CSRF", unsafe_requests_without_token=1, accepted=int(response.content != CSRF_REFUSED))
        assert response.status_code == 403, (method, url)
        assert response.content == CSRF_REFUSED, (method, url)
    assert changed_tables(before, table_checksums(apps_only=("diary", "auth", "cms"))) == []


def test_the_login_form_itself_needs_the_csrf_token(small_school, csrf_marked):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD})
    assert response.content == CSRF_REFUSED
    assert SESSION_KEY not in client.session


def test_with_the_token_the_same_form_is_accepted(small_school, csrf_marked):
    """The refusals above are the CSRF check's and nothing else's: with the token the logout goes through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(small_school.teacher.user)
    client.get("/ky/diary/link-code/")  # any page with a form sets the CSRF cookie
    response = client.post("/ky/diary/logout/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(("name", "kwargs"), API_ADDRESSES, ids=[name for name, _kwargs in API_ADDRESSES])
def test_the_api_used_with_a_session_needs_the_csrf_token(small_school, name, kwargs, figures):
    """A page's script may call the API with the browser's session; a forged request from another site may not."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(small_school.director.user)
    url = reverse(name, kwargs=kwargs)
    before = table_checksums(apps_only=("diary", "auth"))
    for method in UNSAFE:
        response = getattr(client, method)(url, {}, format="json")
        if name == "diary_api:login":
            # It takes no session at all (it answers with a bearer token, never a cookie).
            assert "sessionid" not in response.cookies
            continue
        figures.add("CSRF", unsafe_requests_without_token=1, accepted=int(response.status_code not in (403, 405)))
        assert response.status_code in (403, 405), (method, url, response.status_code)
    assert changed_tables(before, table_checksums(apps_only=("diary", "auth"))) == []


def test_the_api_with_a_session_and_the_token_is_accepted(small_school):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(small_school.homeroom.user)
    client.get("/ky/diary/link-code/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/diary/v1/access-codes/",
        {"person_kind": "student", "person_code": small_school.students[2].code},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


def test_a_session_key_planted_before_login_is_not_the_one_after(small_school):
    """Session fixation: someone who gets a victim to use a known session key does not share the victim's login."""
    attacker = Client()
    attacker.get("/ky/diary/login/")
    session = attacker.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    victim = Client()
    victim.cookies["sessionid"] = planted
    response = victim.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302
    assert victim.cookies["sessionid"].value != planted
    assert not Session.objects.filter(session_key=planted).exists()
    attacker.cookies["sessionid"] = planted
    assert not logged_in(attacker)
    assert logged_in(victim)


def test_after_logout_the_old_session_cookie_opens_nothing(small_school):
    client = Client()
    client.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD})
    old = client.cookies["sessionid"].value
    assert logged_in(client)
    client.post("/ky/diary/logout/")
    assert not Session.objects.filter(session_key=old).exists()
    replay = Client()
    replay.cookies["sessionid"] = old
    assert not logged_in(replay)


def logged_in(client) -> bool:
    """Whether the client's session cookie opens the diary (asked of the API, which answers 200 or 401)."""
    return client.get("/api/diary/v1/me/").status_code == 200


def login_everywhere(small_school, persona: str) -> tuple[list[Client], str]:
    """Two browsers with the diary open and one API client: the same person on three devices."""
    browsers = []
    for _device in range(2):
        browser = Client()
        assert browser.post("/ky/diary/login/", {"username": persona, "password": PASSWORD}).status_code == 302
        assert logged_in(browser)
        browsers.append(browser)
    return browsers, api_token_issue(user=small_school.user(persona)).key


def test_closing_an_account_ends_all_its_sessions_and_tokens_at_once(small_school):
    browsers, token = login_everywhere(small_school, "teacher")
    other_browsers, _other_token = login_everywhere(small_school, "homeroom")
    account_deactivate(actor=small_school.director.user, user=small_school.teacher.user)
    for browser in browsers:
        assert not logged_in(browser)
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/diary/v1/me/").status_code == 401
    owners = [session.get_decoded().get(SESSION_KEY) for session in Session.objects.all()]
    assert str(small_school.teacher.user.pk) not in owners
    # Everyone else stays logged in.
    assert all(logged_in(browser) for browser in other_browsers)


def test_an_account_closed_by_any_other_way_is_refused_on_its_next_request(small_school):
    """Closed in the admin or the database rather than by the service: the session is refused all the same."""
    browsers, token = login_everywhere(small_school, "teacher")
    type(small_school.teacher.user).objects.filter(pk=small_school.teacher.user.pk).update(is_active=False)
    assert not any(logged_in(browser) for browser in browsers)
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/diary/v1/me/").status_code == 401
    assert user_sessions_end(user=small_school.teacher.user) == 2


def test_repeated_failed_logins_lock_out_the_web_and_the_api(small_school, settings, figures):
    limit = settings.AXES_FAILURE_LIMIT
    web = Client()
    for _attempt in range(limit - 1):
        assert web.post("/ky/diary/login/", {"username": "teacher", "password": "wrong"}).status_code == 200
    assert web.post("/ky/diary/login/", {"username": "teacher", "password": "wrong"}).status_code == 429
    assert web.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD}).status_code == 429
    assert not logged_in(web)
    api = APIClient()
    for _attempt in range(limit - 1):
        answer = api.post("/api/diary/v1/auth/login/", {"username": "homeroom", "password": "x"}, format="json")
        assert answer.status_code == 401
    wrong = {"username": "homeroom", "password": "x"}
    assert api.post("/api/diary/v1/auth/login/", wrong, format="json").status_code == 429
    locked = api.post("/api/diary/v1/auth/login/", {"username": "homeroom", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    figures.add("lockout", failed_web_logins_lock=limit, failed_api_logins_lock=limit)


def test_guessing_access_codes_locks_out_even_the_right_code(small_school, figures):
    """D4: wrong codes that begin like a real one lock out that beginning from that address, even the right code;
    the right code from another address still works."""
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[2])
    api = APIClient()
    body = {"username": "new_student", "password": "a long enough passphrase 7"}
    for attempt in range(REDEEM_FAILURE_LIMIT):
        guess = f"{issued.code[:4]}-AAAA-AA{attempt:02d}"
        wrong = api.post("/api/diary/v1/auth/redeem/", {**body, "code": guess}, format="json")
        assert wrong.status_code == 400
    right = api.post("/api/diary/v1/auth/redeem/", {**body, "code": issued.code}, format="json")
    assert right.status_code == 429
    issued.access_code.refresh_from_db()
    assert issued.access_code.used_at is None
    elsewhere = APIClient(REMOTE_ADDR="10.0.0.9")
    assert elsewhere.post("/api/diary/v1/auth/redeem/", {**body, "code": issued.code}, format="json").status_code == 201
    figures.add("lockout", wrong_access_codes_lock=REDEEM_FAILURE_LIMIT)


@pytest.mark.parametrize("path", ["/admin/login/", "feedback", "/admin/documents/add/", "/admin/users/add/"])
def test_the_public_sites_forms_and_the_admin_need_the_csrf_token_too(
    small_school, demo_site, csrf_marked, django_user_model, path, figures
):
    from home.models import FeedbackPage

    client = Client(enforce_csrf_checks=True)
    if path.startswith("/admin/") and path != "/admin/login/":
        client.force_login(django_user_model.objects.create_superuser("root", "root@mektep.kg", "long passphrase 5"))
    url = FeedbackPage.objects.first().url if path == "feedback" else path
    before = table_checksums(apps_only=("diary", "auth", "cms", "home", "wagtailcore", "wagtaildocs"))
    response = client.post(url, {"name": "Айжан", "question": "Суроо?", "username": "root", "password": "x"})
    figures.add("CSRF", unsafe_requests_without_token=1, accepted=int(response.content != CSRF_REFUSED))
    assert response.status_code == 403 and response.content == CSRF_REFUSED, (url, response.status_code)
    assert changed_tables(before, table_checksums(apps_only=("diary", "auth", "cms", "home", "wagtailcore",
                                                             "wagtaildocs"))) == []  # fmt: skip
