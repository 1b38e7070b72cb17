"""The diary's front door: login (with lockout), logout, an account from an access code (D4), private pages."""

import pytest
from django.test import Client

from diary.models import Student
from diary.services.access import access_code_issue

PASSWORD = "correct horse battery staple"


@pytest.fixture
def client_ky():
    return Client(HTTP_ACCEPT_LANGUAGE="ky")


def test_anonymous_visitor_is_sent_to_the_login_page_and_back(small_school, client_ky):
    response = client_ky.get("/ky/diary/")
    assert response.status_code == 302
    assert response["Location"] == "/ky/diary/login/?next=%2Fky%2Fdiary%2F"
    page = client_ky.get(response["Location"])
    assert page.status_code == 200
    assert b'name="password"' in page.content
    assert 'lang="ky"' in page.content.decode()


def test_login_lands_on_the_start_page_and_changes_the_session_key(small_school, client_ky):
    client_ky.get("/ky/diary/login/")
    before = client_ky.cookies.get("sessionid")
    response = client_ky.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/ky/diary/"
    after = client_ky.cookies["sessionid"].value
    assert before is None or before.value != after
    menu = client_ky.get("/ky/diary/?menu")
    assert menu.status_code == 200
    assert b'action="/ky/diary/logout/"' in menu.content


def test_wrong_password_is_refused_and_repeated_failures_lock_out(small_school, client_ky, settings):
    response = client_ky.post("/ky/diary/login/", {"username": "teacher", "password": "nope"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client_ky.post("/ky/diary/login/", {"username": "teacher", "password": "nope"})
    assert response.status_code == 429
    # Even the right password is refused while locked out.
    response = client_ky.post("/ky/diary/login/", {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client_ky.session


def test_logout_is_a_post_and_ends_the_session_on_the_server(small_school, client_ky):
    client_ky.force_login(small_school.teacher.user)
    session_key = client_ky.session.session_key
    from django.contrib.sessions.models import Session

    from diary.models import AccountSession

    assert AccountSession.objects.filter(session_key=session_key, account=small_school.teacher.user).exists()
    assert client_ky.get("/ky/diary/logout/").status_code == 405
    response = client_ky.post("/ky/diary/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client_ky.get("/ky/diary/").status_code == 302


def test_a_code_creates_the_account_signs_in_and_works_once(small_school, client_ky):
    student: Student = small_school.students[1]
    issued = access_code_issue(actor=small_school.homeroom.user, person=student)
    form = {"code": issued.code, "username": "aibek", "password": "Kyz-2026-long", "password_again": "Kyz-2026-long"}
    response = client_ky.post("/ky/diary/redeem/", form)
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.user is not None and student.user.username == "aibek"
    assert client_ky.session["_auth_user_id"] == str(student.user.pk)
    again = Client().post("/ky/diary/redeem/", {**form, "username": "aibek2"})
    assert again.status_code == 400
    assert b'role="alert"' in again.content


def test_redeem_form_refuses_differing_passwords(small_school, client_ky):
    response = client_ky.post(
        "/ky/diary/redeem/", {"code": "x", "username": "u", "password": "a-long-one-1", "password_again": "other-2"}
    )
    assert response.status_code == 400
    assert b"errorlist" in response.content


@pytest.mark.parametrize("path", ["/ky/diary/login/", "/ru/diary/", "/api/diary/v1/me/"])
def test_diary_answers_are_never_stored_by_browsers_or_proxies(small_school, path):
    client = Client()
    client.force_login(small_school.parent.user)
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_taken_username_on_the_redeem_form_gets_one_answer_whatever_the_password(small_school):
    """D4: the form was an oracle (a right password linked the code to the account and signed in); now the right
    and a wrong password get the same refusal, nobody is signed in, and the code stays unused."""
    pages = []
    for password in (PASSWORD, "not-the-password-7"):
        issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
        form = {"code": issued.code, "username": "parent", "password": password, "password_again": password}
        client = Client()
        response = client.post("/ky/diary/redeem/", form)
        assert response.status_code == 400
        assert "_auth_user_id" not in client.session
        pages.append(response.content.decode().split('role="alert"')[1].split("</div>")[0])
    assert pages[0] == pages[1]
    small_school.students[1].refresh_from_db()
    assert small_school.students[1].user is None


def test_a_parent_adds_a_second_child_on_the_link_page(small_school):
    """D4: signed in, the parent types the code of the second child's slip; the child appears on the children's page,
    reached from the page's own link."""
    from diary.models import GuardianLink
    from tests import factories

    record = factories.GuardianFactory(school=small_school.school)
    GuardianLink.objects.create(school=small_school.school, guardian=record, student=small_school.students[2])
    issued = access_code_issue(actor=small_school.homeroom.user, person=record)
    client = Client()
    client.force_login(small_school.parent.user)
    assert 'href="/ky/diary/link-code/"' in client.get("/ky/diary/?menu").content.decode()
    assert client.get("/ky/diary/link-code/").status_code == 200
    response = client.post("/ky/diary/link-code/", {"code": issued.code})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.user == small_school.parent.user
    assert client.get(f"/ky/diary/students/{small_school.students[2].pk}/week/").status_code == 200


def test_a_teacher_who_links_her_childs_code_sees_the_children_in_her_menu_at_once(small_school):
    """D4, D15: the teacher's menu, kept for a few minutes, shows the linked child right after the link."""
    from diary.models import GuardianLink
    from tests import factories

    record = factories.GuardianFactory(school=small_school.school)
    GuardianLink.objects.create(school=small_school.school, guardian=record, student=small_school.students[2])
    issued = access_code_issue(actor=small_school.homeroom.user, person=record)
    client = Client()
    client.force_login(small_school.teacher.user)
    assert 'data-menu="children"' not in client.get("/ky/diary/?menu").content.decode()
    assert client.post("/ky/diary/link-code/", {"code": issued.code}).status_code == 302
    assert 'data-menu="children"' in client.get("/ky/diary/?menu").content.decode()


def test_the_link_page_refuses_a_wrong_code_with_the_reason(small_school):
    client = Client()
    client.force_login(small_school.parent.user)
    response = client.post("/ky/diary/link-code/", {"code": "AAAA-AAAA-AAAA"})
    assert response.status_code == 400
    assert "Бул код жараксыз" in response.content.decode()


def test_the_link_page_needs_a_signed_in_user(small_school):
    response = Client().get("/ky/diary/link-code/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ky/diary/login/")


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        ("ky", ["Бул сырсөз өтө кыска. Анда кеминде 8 белги болушу керек.", "Бул сырсөз жалаң сандан турат."]),
        ("ru", ["Введённый пароль слишком короткий. Он должен состоять из как минимум 8 символов.",
                "Введённый пароль состоит только из цифр."]),
    ],
)  # fmt: skip
def test_the_redeem_page_explains_a_weak_password_in_the_visitors_language(small_school, language, messages):
    """Django's password validators speak Kyrgyz too (locale/vendor), on the page where a family signs up."""
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    form = {"code": issued.code, "username": "aibek", "password": "1234567", "password_again": "1234567"}
    response = Client().post(f"/{language}/diary/redeem/", form)
    assert response.status_code == 400
    page = response.content.decode()
    for message in messages:
        assert message in page
    assert "This password" not in page
    small_school.students[1].refresh_from_db()
    assert small_school.students[1].user is None
