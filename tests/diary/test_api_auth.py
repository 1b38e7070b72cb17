"""Accounts over the API (D4): login, tokens, logout, lockout, access codes issued, redeemed, refused."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from diary.models import AccessCode, ApiToken, GuardianLink
from diary.services.access import CODE_ALPHABET, access_code_issue, account_deactivate
from tests import factories

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1"
PASSWORD = "correct horse battery staple"


def login(username, password=PASSWORD, language="ky"):
    return APIClient(HTTP_ACCEPT_LANGUAGE=language).post(
        f"{BASE}/auth/login/", {"username": username, "password": password}, format="json"
    )


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_login_gives_a_token_that_opens_the_api(small_school):
    response = login("teacher")
    assert response.status_code == 200
    me = bearer(response.json()["token"]).get(f"{BASE}/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "teacher"
    assert "teacher" in me.json()["roles"]
    assert "no-store" in me["Cache-Control"]


def test_tokens_are_stored_hashed(small_school):
    token = login("teacher").json()["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("username", ["teacher", "nobody"])
def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(small_school, username):
    response = login(username, "wrong password", language="ru")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "invalid_credentials",
        "message": "Неверное имя пользователя или пароль.",
        "fields": {},
    }


def test_repeated_failures_lock_the_account_out(small_school):
    for _attempt in range(4):
        assert login("teacher", "wrong").status_code == 401
    assert login("teacher", "wrong").status_code == 429  # the fifth failure locks
    response = login("teacher")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"


def test_logout_revokes_the_token(small_school):
    token = login("teacher").json()["token"]
    client = bearer(token)
    assert client.post(f"{BASE}/auth/logout/").status_code == 204
    response = client.get(f"{BASE}/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_tokens_expire(small_school):
    token = login("teacher").json()["token"]
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=31)):
        assert bearer(token).get(f"{BASE}/me/").status_code == 401


def test_a_deactivated_account_loses_its_tokens_at_once(small_school):
    token = login("teacher").json()["token"]
    account_deactivate(actor=small_school.director.user, user=small_school.teacher.user)
    assert bearer(token).get(f"{BASE}/me/").status_code == 401
    assert login("teacher").status_code == 401


def test_a_malformed_authorization_header_is_401(small_school):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token abc")
    assert client.get(f"{BASE}/me/").status_code == 401


def test_malformed_json_is_a_400_in_the_contracts_shape(small_school):
    response = APIClient().post(f"{BASE}/auth/login/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed"


# --- access codes ------------------------------------------------------------------------------


def issue(api, persona, kind, code):
    return api(persona).post(f"{BASE}/access-codes/", {"person_kind": kind, "person_code": code}, format="json")


def test_the_administration_issues_staff_codes_and_teachers_cannot(api, small_school):
    response = issue(api, "admin", "staff", small_school.other_teacher.code)
    assert response.status_code == 201
    code = response.json()["code"]
    assert len(code.replace("-", "")) == 12
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert issue(api, "homeroom", "staff", small_school.other_teacher.code).status_code == 403


def test_the_homeroom_teacher_issues_codes_for_their_class_only(api, small_school):
    assert issue(api, "homeroom", "student", small_school.students[1].code).status_code == 201
    assert issue(api, "homeroom", "guardian", small_school.other_parent.code).status_code == 201
    assert issue(api, "homeroom", "student", small_school.first_grader.code).status_code == 403
    assert issue(api, "teacher", "student", small_school.students[1].code).status_code == 403


def test_codes_of_another_school_are_not_found(api, small_school):
    assert issue(api, "stranger", "student", small_school.students[1].code).status_code == 404


def redeem(code, username="new_user", password="Жаңы-сыр-сөз-2026"):
    return APIClient().post(
        f"{BASE}/auth/redeem/", {"code": code, "username": username, "password": password}, format="json"
    )


def test_redeeming_a_code_creates_the_account_and_links_the_person(small_school):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    response = redeem(issued.code.lower().replace("-", " "), username="aibek2015")
    assert response.status_code == 201
    small_school.students[1].refresh_from_db()
    assert small_school.students[1].user.username == "aibek2015"
    assert bearer(response.json()["token"]).get(f"{BASE}/me/").json()["person"]["code"] == small_school.students[1].code


def test_a_code_is_single_use(small_school):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    assert redeem(issued.code, username="first").status_code == 201
    response = redeem(issued.code, username="second")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_code"
    assert not get_user_model().objects.filter(username="second").exists()


def test_an_expired_code_is_refused(small_school):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=15)):
        assert redeem(issued.code).json()["error"]["code"] == "invalid_code"


def test_a_revoked_code_is_refused(api, small_school):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    from diary.services.access import access_code_revoke

    access_code_revoke(actor=small_school.homeroom.user, access_code=issued.access_code)
    assert redeem(issued.code).json()["error"]["code"] == "invalid_code"
    assert AccessCode.objects.get().status == "revoked"


def test_a_weak_password_is_refused_with_the_reason_and_the_code_stays_usable(small_school):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    response = redeem(issued.code, password="123")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert AccessCode.objects.get().status == "active"


def test_guessing_codes_is_locked_out(small_school):
    for _attempt in range(10):
        assert redeem("AAAA-AAAA-AAAA").status_code == 400
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    assert redeem(issued.code).status_code == 429


def test_a_guardian_links_a_second_childs_code_to_the_same_account(small_school):
    """The parent of students[0] is also listed, as a record of their own, for a child in 5А's students[2]."""
    second_record = factories.GuardianFactory(school=small_school.school)
    GuardianLink.objects.create(school=small_school.school, guardian=second_record, student=small_school.students[2])
    issued = access_code_issue(actor=small_school.homeroom.user, person=second_record)
    response = redeem(issued.code, username="parent", password=PASSWORD)
    assert response.status_code == 201
    second_record.refresh_from_db()
    assert second_record.user == small_school.parent.user
    children = bearer(response.json()["token"]).get(f"{BASE}/me/").json()["children"]
    assert {child["id"] for child in children} == {small_school.students[0].pk, small_school.students[2].pk}


def test_a_taken_username_with_a_wrong_password_is_refused(small_school):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.other_parent)
    response = redeem(issued.code, username="parent", password="not the password")
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]


def test_the_homeroom_teacher_prints_code_slips_for_the_class(api, small_school):
    response = api("homeroom").post(f"{BASE}/access-codes/slips/", {"class": "5А"}, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # students[0], the parent and other_parent already have accounts; students[1] and [2] get codes.
    issued = {(code.person_kind, code.person.code) for code in AccessCode.objects.all()}
    assert issued == {
        ("student", small_school.students[1].code),
        ("student", small_school.students[2].code),
    }
    listed = api("homeroom").get(f"{BASE}/access-codes/?class=5А").json()
    assert {row["status"] for row in listed} == {"active"}
    assert len(listed) == 2


def test_the_slips_say_how_to_use_the_code_in_both_languages(small_school, rf):
    from django.template.loader import render_to_string

    from diary.api.auth import slips_context
    from diary.services.access import class_code_slips_issue

    slips = class_code_slips_issue(actor=small_school.homeroom.user, school_class=small_school.class_5a)
    html = render_to_string("diary/code_slips.html", slips_context(rf.get("/"), small_school.class_5a, slips))
    assert all(slip.code in html for slip in slips)
    assert "Окуучу үчүн кирүү коду" in html
    assert "Код доступа для ученика" in html


def test_printing_again_revokes_the_unused_codes_of_the_first_print(api, small_school):
    api("homeroom").post(f"{BASE}/access-codes/slips/", {"class": "5А"}, format="json")
    api("homeroom").post(f"{BASE}/access-codes/slips/", {"class": "5А"}, format="json")
    statuses = sorted(code.status for code in AccessCode.objects.all())
    assert statuses == ["active"] * 2 + ["revoked"] * 2


@pytest.mark.parametrize("persona", ["teacher", "parent"])
def test_only_the_homeroom_teacher_and_administration_print_slips(api, small_school, persona):
    response = api(persona).post(f"{BASE}/access-codes/slips/", {"class": "5А"}, format="json")
    assert response.status_code == 403
    assert AccessCode.objects.count() == 0


def test_a_lost_slips_code_is_revoked_by_the_homeroom_teacher_and_no_one_else(api, small_school):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    url = f"{BASE}/access-codes/{issued.access_code.pk}/revoke/"
    assert api("teacher").post(url).status_code == 403
    assert api("stranger").post(url).status_code == 404
    response = api("homeroom").post(url)
    assert response.json() == {"id": issued.access_code.pk, "status": "revoked"}
    assert redeem(issued.code).json()["error"]["code"] == "invalid_code"


def test_the_api_docs_page_loads_its_assets_from_this_server(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html
    assert client.get("/api/schema/").status_code == 200


def test_a_token_opens_its_accounts_children_and_a_revoked_token_opens_nothing(small_school):
    """api_token_find gives the token's account, whose children are every child it is a guardian of, by name; a
    revoked token gives nothing."""
    from diary.permissions import children_of, own_students_query
    from diary.services.access import api_token_find, api_token_issue, api_token_revoke

    parent = small_school.user("parent")
    guardian = GuardianLink.objects.filter(guardian__user=parent).first().guardian
    for student in small_school.students[1:3]:
        GuardianLink.objects.get_or_create(school=small_school.school, guardian=guardian, student=student)
    issued = api_token_issue(user=parent)
    token = api_token_find(issued.key)
    children = [child.pk for child in children_of(token.user)]
    assert children == [s.pk for s in own_students_query(parent.pk) if s.is_child] and len(children) >= 3
    api_token_revoke(token=token)
    assert api_token_find(issued.key) is None
