"""Accounts over the API (D4): login, tokens, logout, lockout, access codes issued, redeemed, refused."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from diary.models import AccessCode, ApiToken, GuardianLink, Student
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
    newcomer = factories.StaffMemberFactory(school=small_school.school, user=None)
    response = issue(api, "admin", "staff", newcomer.code)
    assert response.status_code == 201
    code = response.json()["code"]
    assert len(code.replace("-", "")) == 12
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert issue(api, "homeroom", "staff", newcomer.code).status_code == 403


def test_the_homeroom_teacher_issues_codes_for_their_class_only(api, small_school):
    grandmother = factories.GuardianFactory(school=small_school.school)
    GuardianLink.objects.create(school=small_school.school, guardian=grandmother, student=small_school.students[1])
    assert issue(api, "homeroom", "student", small_school.students[1].code).status_code == 201
    assert issue(api, "homeroom", "guardian", grandmother.code).status_code == 201
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
    """D4: ten wrong codes beginning like a real one, from one address, lock out that beginning there."""
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    first_group = issued.code[:4]
    for attempt in range(10):
        assert redeem(f"{first_group}-AAAA-AA{attempt:02d}").status_code == 400
    assert redeem(issued.code).status_code == 429


def test_a_taken_username_gets_one_answer_whatever_the_password(small_school):
    """D4: the anonymous redeem checks no password: a taken username is refused alike with the account's right
    password and a wrong one, and no token is given (it was an oracle for guessing passwords)."""
    answers = []
    for password in (PASSWORD, "not the password"):
        issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
        response = redeem(issued.code, username="parent", password=password)
        assert response.status_code == 400
        assert "token" not in response.json()
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert answers[0]["error"]["code"] == "username_taken"
    small_school.students[1].refresh_from_db()
    assert small_school.students[1].user is None
    assert AccessCode.objects.filter(used_at__isnull=False).count() == 0


def test_a_locked_out_account_is_not_reached_through_the_redeem(small_school):
    """D4: the redeem never signs anyone in to an existing account, locked out or not."""
    for _attempt in range(5):
        login("parent", "wrong")
    record = factories.GuardianFactory(school=small_school.school)
    GuardianLink.objects.create(school=small_school.school, guardian=record, student=small_school.students[2])
    issued = access_code_issue(actor=small_school.homeroom.user, person=record)
    response = redeem(issued.code, username="parent", password=PASSWORD)
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=small_school.parent.user).exists()


def test_a_code_for_someone_who_has_an_account_is_refused_when_issued(api, small_school):
    """D4: a code never moves a person to a new account; the homeroom teacher is told why at once."""
    response = issue(api, "homeroom", "student", small_school.students[0].code)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "person_has_account"
    assert AccessCode.objects.count() == 0


def test_a_code_whose_person_got_an_account_meanwhile_does_not_move_them(small_school):
    """D4: a code issued before its person made an account (another code, the admin) creates no second account."""
    student = small_school.students[1]
    issued = access_code_issue(actor=small_school.homeroom.user, person=student)
    student.user = factories.UserFactory(username="aibek_first")
    student.save()
    response = redeem(issued.code, username="aibek_second")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "person_has_account"
    student.refresh_from_db()
    assert student.user.username == "aibek_first"
    assert not get_user_model().objects.filter(username="aibek_second").exists()


def test_a_new_code_revokes_the_persons_older_unused_codes(small_school):
    """D4: only the newest code of a person works."""
    first = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    second = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    first.access_code.refresh_from_db()
    assert first.access_code.status == "revoked"
    assert redeem(first.code).json()["error"]["code"] == "invalid_code"
    assert redeem(second.code).status_code == 201


# --- linking a code from one's own account -------------------------------------------------------------------------


def second_child_record(small_school):
    """The parent of students[0] is also listed, as a record of their own, for students[2]."""
    record = factories.GuardianFactory(school=small_school.school)
    GuardianLink.objects.create(school=small_school.school, guardian=record, student=small_school.students[2])
    return record


def link(client, code):
    return client.post(f"{BASE}/auth/redeem/", {"code": code}, format="json")


def test_a_parent_links_a_second_childs_code_from_their_own_account(small_school):
    """D4: signed in with a bearer token, the code alone links the record; the answer lists both children."""
    record = second_child_record(small_school)
    issued = access_code_issue(actor=small_school.homeroom.user, person=record)
    token = login("parent").json()["token"]
    response = link(bearer(token), issued.code)
    assert response.status_code == 200
    assert {child["id"] for child in response.json()["children"]} == {
        small_school.students[0].pk,
        small_school.students[2].pk,
    }
    assert response.json()["person"]["code"] in {small_school.parent.code, record.code}
    record.refresh_from_db()
    assert record.user == small_school.parent.user
    assert AccessCode.objects.get().status == "used"


def test_a_teacher_who_is_also_a_parent_links_her_childs_code_with_her_session(small_school):
    """D4, D15: the teacher's own session links her guardian record; her child's diary opens, her journals stay."""
    record = second_child_record(small_school)
    issued = access_code_issue(actor=small_school.homeroom.user, person=record)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(small_school.teacher.user)
    browser.get("/ky/diary/link-code/")  # a page with a form sets the CSRF cookie
    csrf_token = browser.cookies["csrftoken"].value
    response = browser.post(f"{BASE}/auth/redeem/", {"code": issued.code}, format="json", HTTP_X_CSRFTOKEN=csrf_token)
    assert response.status_code == 200
    assert response.json()["person"]["code"] == small_school.teacher.code
    week = browser.get(f"{BASE}/students/{small_school.students[2].pk}/diary/?week=2026-W37")
    assert week.status_code == 200
    assert browser.get(f"{BASE}/journals/{small_school.journal.pk}/?period=quarter-1").status_code == 200


def test_a_person_linked_to_another_account_cannot_be_linked(small_school):
    """D4: a record already linked elsewhere stays there; the code is refused and stays unused."""
    record = second_child_record(small_school)
    issued = access_code_issue(actor=small_school.homeroom.user, person=record)
    record.user = small_school.other_parent.user
    record.save()
    response = link(bearer(login("parent").json()["token"]), issued.code)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cannot_link"
    assert AccessCode.objects.get().status == "active"


def test_a_students_code_is_never_added_to_someone_elses_account(small_school):
    """D4, D15: a student's record makes the student's own account; a parent cannot take it over."""
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    response = link(bearer(login("other_parent").json()["token"]), issued.code)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "cannot_link"
    small_school.students[1].refresh_from_db()
    assert small_school.students[1].user is None


def test_linking_a_wrong_code_gets_the_same_answer_as_redeeming_one(small_school):
    """D4: unknown codes are one answer, signed in or not."""
    response = link(bearer(login("parent").json()["token"]), "AAAA-AAAA-AAAA")
    assert response.status_code == 400
    assert response.json()["error"] == redeem("AAAA-AAAA-AAAA").json()["error"]


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

    from diary.pdf import code_slips_context
    from diary.services.access import class_code_slips_issue

    slips = class_code_slips_issue(actor=small_school.homeroom.user, school_class=small_school.class_5a)
    context = code_slips_context(
        school_class=small_school.class_5a, slips=slips, site_address=rf.get("/").build_absolute_uri("/")
    )
    html = render_to_string("diary/code_slips.html", context)
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
    from diary.permissions import children_of
    from diary.services.access import api_token_find, api_token_issue, api_token_revoke

    parent = small_school.user("parent")
    guardian = GuardianLink.objects.filter(guardian__user=parent).first().guardian
    for student in small_school.students[1:3]:
        GuardianLink.objects.get_or_create(school=small_school.school, guardian=guardian, student=student)
    issued = api_token_issue(user=parent)
    token = api_token_find(issued.key)
    children = [child.pk for child in children_of(token.user)]
    by_name = Student.objects.filter(guardian_links__guardian__user=parent).order_by("last_name", "first_name", "pk")
    assert children == [student.pk for student in by_name] and len(children) >= 3
    api_token_revoke(token=token)
    assert api_token_find(issued.key) is None
