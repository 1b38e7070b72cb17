"""The front door and the slips meet: case-insensitive usernames (web and API, one lockout counter), the password
rules shown before the first try, the person's name in the header, the slip's redeem address and QR code with the
code filled in, the confirmation before a class's unused codes are voided, and one new slip for one person (D4)."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from diary.models import AccessCode
from diary.pdf import code_slips_context
from diary.services.access import access_code_issue, class_code_slips_issue

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "Kyz-2026-long"


@pytest.fixture
def client_ky():
    return Client(HTTP_ACCEPT_LANGUAGE="ky")


def redeem_form(code, username):
    return {"code": code, "username": username, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}


def errors_of(response) -> list[str]:
    """The error messages a page shows, in order."""
    html = response.content.decode()
    return re.findall(r'<div class="error" role="alert">(.*?)</div>|<ul class="errorlist">(.*?)</ul>', html, re.S)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# Login: usernames are case-insensitive.


def test_a_capitalised_username_logs_in_on_the_web(small_school, client_ky):
    response = client_ky.post("/ky/diary/login/", {"username": "Teacher", "password": PASSWORD})
    assert response.status_code == 302
    assert client_ky.session["_auth_user_id"] == str(small_school.teacher.user.pk)


def test_a_capitalised_username_logs_in_on_the_api(small_school):
    response = APIClient().post(
        "/api/diary/v1/auth/login/", {"username": " TEACHER", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}").get("/api/diary/v1/me/")
    assert me.json()["username"] == "teacher"


def test_an_account_created_as_aibek_logs_in_as_aibek_and_as_aibek_capitalised(small_school, client_ky):
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[1])
    assert client_ky.post("/ky/diary/redeem/", redeem_form(issued.code, "Aibek")).status_code == 302
    small_school.students[1].refresh_from_db()
    assert small_school.students[1].user.username == "aibek"
    for typed in ("Aibek", "aibek"):
        web = Client(HTTP_ACCEPT_LANGUAGE="ky")
        assert web.post("/ky/diary/login/", {"username": typed, "password": NEW_PASSWORD}).status_code == 302
        credentials = {"username": typed, "password": NEW_PASSWORD}
        assert APIClient().post("/api/diary/v1/auth/login/", credentials, format="json").status_code == 200


def test_failures_under_any_capitalisation_count_toward_one_lockout(small_school, client_ky, settings):
    spellings = ["Teacher", "TEACHER", "teacher", "tEacher"]
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client_ky.post("/ky/diary/login/", {"username": spellings[attempt % 4], "password": "nope"})
        assert response.status_code == 200
    assert client_ky.post("/ky/diary/login/", {"username": "TeAcHeR", "password": "nope"}).status_code == 429
    # Locked out under every spelling, even with the right password.
    for typed in ("teacher", "Teacher"):
        response = client_ky.post("/ky/diary/login/", {"username": typed, "password": PASSWORD})
        assert response.status_code == 429
    assert "_auth_user_id" not in client_ky.session


def test_a_wrong_password_and_no_such_account_get_one_answer_whatever_the_case(small_school):
    answers = [
        APIClient(HTTP_ACCEPT_LANGUAGE="ru")
        .post("/api/diary/v1/auth/login/", {"username": username, "password": "wrong"}, format="json")
        .json()
        for username in ("Teacher", "Nobody")
    ]
    assert answers[0] == answers[1]
    assert answers[0]["error"]["code"] == "invalid_credentials"


def test_redeem_refuses_a_username_differing_only_by_case_with_the_taken_answer(small_school):
    codes = [access_code_issue(actor=small_school.homeroom.user, person=s).code for s in small_school.students[1:3]]
    by_case = Client(HTTP_ACCEPT_LANGUAGE="ru").post("/ru/diary/redeem/", redeem_form(codes[0], "TEACHER"))
    exact = Client(HTTP_ACCEPT_LANGUAGE="ru").post("/ru/diary/redeem/", redeem_form(codes[1], "teacher"))
    assert by_case.status_code == exact.status_code == 400
    assert "Это имя пользователя занято" in by_case.content.decode()
    assert errors_of(by_case) and errors_of(by_case) == errors_of(exact)
    assert get_user_model().objects.filter(username__iexact="teacher").count() == 1


def test_the_login_and_redeem_username_fields_are_typed_as_is(small_school, client_ky):
    for path in ("/ky/diary/login/", "/ky/diary/redeem/"):
        html = client_ky.get(path).content.decode()
        field = html[html.index('name="username"') - 200 : html.index('name="username"') + 300]
        assert 'autocapitalize="none"' in field
        assert 'autocorrect="off"' in field
        assert 'spellcheck="false"' in field


@pytest.mark.parametrize(
    ("language", "rule"),
    [("ky", "жок дегенде 8 символ"), ("ru", "как минимум 8 символов")],
)
def test_the_password_rules_show_on_the_redeem_and_password_pages_before_submitting(small_school, language, rule):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert rule in client.get(f"/{language}/diary/redeem/").content.decode()
    client.force_login(small_school.teacher.user)
    assert rule in client.get(f"/{language}/diary/password/").content.decode()


def test_the_header_shows_the_persons_name_not_the_username(small_school, client_ky):
    student = small_school.students[1]
    issued = access_code_issue(actor=small_school.homeroom.user, person=student)
    client_ky.post("/ky/diary/redeem/", redeem_form(issued.code, "aibek"))
    header = client_ky.get("/ky/diary/?menu").content.decode().split("</header>")[0]
    assert student.first_name in header and student.last_name in header
    assert ">aibek<" not in header


# The slips.


def test_the_redeem_page_fills_in_the_code_from_the_address_and_leaves_it_editable(small_school, client_ky):
    html = client_ky.get("/ky/diary/redeem/?code=ACDE-FGHJ-KMNP").content.decode()
    field = html[html.index('name="code"') - 100 : html.index('name="code"') + 200]
    assert 'value="ACDE-FGHJ-KMNP"' in field
    assert "readonly" not in field and "disabled" not in field


def test_the_slip_pdf_prints_the_redeem_address_with_the_code_and_no_missing_button(api, small_school):
    response = api("homeroom").post("/api/diary/v1/access-codes/slips/", {"class": "5А"}, format="json")
    raw = pdf_text(response.content)
    addresses = raw.replace("\n", "")
    assert "http://testserver/ky/diary/redeem/?code=" in addresses
    assert "http://testserver/ru/diary/redeem/?code=" in addresses
    text = " ".join(raw.split())
    assert "Менде кирүү коду бар" not in text and "У меня есть код доступа" not in text
    assert "Кирүү коду менен аккаунт түзүү" in text  # the words of the login page's link
    assert "Создать учётную запись по коду доступа" in text


def test_every_slip_carries_a_qr_code_of_its_own_redeem_address(small_school, rf):
    slips = class_code_slips_issue(actor=small_school.homeroom.user, school_class=small_school.class_5a)
    context = code_slips_context(
        school_class=small_school.class_5a, slips=slips, site_address=rf.get("/").build_absolute_uri("/")
    )
    html = render_to_string("diary/code_slips.html", context)
    assert html.count("<svg") == 2 * len(slips)  # one per language
    for slip in slips:
        assert f"<title>http://testserver/ky/diary/redeem/?code={slip.code}</title>" in html


def test_the_login_page_links_to_the_redeem_page_with_the_slips_words(small_school, client_ky):
    html = client_ky.get("/ky/diary/login/").content.decode()
    assert '<a href="/ky/diary/redeem/">Кирүү коду менен аккаунт түзүү</a>' in html


# Printing a class's slips again: confirmation first.


def class_url(small_school, suffix=""):
    return f"/ky/diary/classes/{small_school.class_5a.pk}/{suffix}"


def homeroom_client(small_school):
    client = Client(HTTP_ACCEPT_LANGUAGE="ky")
    client.force_login(small_school.homeroom.user)
    return client


def test_printing_again_without_confirmation_voids_nothing(small_school):
    first = class_code_slips_issue(actor=small_school.homeroom.user, school_class=small_school.class_5a)
    client = homeroom_client(small_school)
    page = client.get(class_url(small_school)).content.decode()
    assert 'name="confirm_void" value="2"' in page
    assert "колдонула элек 2 код иштебей калат" in page
    response = client.post(class_url(small_school, "code-slips/"))
    assert response.status_code == 400
    assert "Мурда басылган 2 код дагы эле иштейт" in response.content.decode()
    assert sorted(code.status for code in AccessCode.objects.all()) == ["active"] * len(first)
    # A stale count (someone printed meanwhile) is not a confirmation either.
    assert client.post(class_url(small_school, "code-slips/"), {"confirm_void": "1"}).status_code == 400
    assert AccessCode.objects.filter(revoked_at__isnull=False).count() == 0


def test_printing_again_with_confirmation_replaces_the_codes(small_school):
    class_code_slips_issue(actor=small_school.homeroom.user, school_class=small_school.class_5a)
    response = homeroom_client(small_school).post(class_url(small_school, "code-slips/"), {"confirm_void": "2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert sorted(code.status for code in AccessCode.objects.all()) == ["active"] * 2 + ["revoked"] * 2


def test_the_first_print_needs_no_confirmation(small_school):
    client = homeroom_client(small_school)
    assert 'name="confirm_void"' not in client.get(class_url(small_school)).content.decode()
    response = client.post(class_url(small_school, "code-slips/"))
    assert response["Content-Type"] == "application/pdf"
    assert AccessCode.objects.filter(revoked_at__isnull=True).count() == 2


def test_one_new_slip_voids_only_that_students_code(small_school):
    first = class_code_slips_issue(actor=small_school.homeroom.user, school_class=small_school.class_5a)
    lost, kept = (next(s for s in first if s.person == student) for student in small_school.students[1:3])
    response = homeroom_client(small_school).post(class_url(small_school, f"code-slips/student/{lost.person.pk}/"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert lost.person.full_name in text
    assert kept.person.full_name not in text
    by_student = {}
    for code in AccessCode.objects.order_by("pk"):
        by_student.setdefault(code.student_id, []).append(code)
    assert [c.status for c in by_student[lost.person.pk]] == ["revoked", "active"]
    assert [c.status for c in by_student[kept.person.pk]] == ["active"]
    assert by_student[lost.person.pk][-1].issued_by == small_school.homeroom.user


def test_one_new_slip_for_someone_outside_the_class_is_refused(small_school):
    client = homeroom_client(small_school)
    response = client.post(class_url(small_school, f"code-slips/student/{small_school.first_grader.pk}/"))
    assert response.status_code == 400
    assert "Бул адам бул класста жок." in response.content.decode()
    assert client.post(class_url(small_school, "code-slips/staff/1/")).status_code == 400
    assert not AccessCode.objects.exists()


def test_one_new_slip_is_for_the_homeroom_teacher_only(small_school):
    client = Client(HTTP_ACCEPT_LANGUAGE="ky")
    client.force_login(small_school.teacher.user)
    response = client.post(class_url(small_school, f"code-slips/student/{small_school.students[1].pk}/"))
    assert response.status_code in (403, 404)
    assert not AccessCode.objects.exists()


def test_existing_usernames_are_lowercased_unless_two_would_collide(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("diary.migrations.0015_usernames_lowercased")
    user_model = get_user_model()
    for username in ("Aibek", "Nurlan", "nurlan", "asel"):
        user_model.objects.create_user(username=username, password=PASSWORD)
    migration.usernames_lowercase(apps, None)
    assert sorted(user_model.objects.values_list("username", flat=True)) == ["Nurlan", "aibek", "asel", "nurlan"]
    # The colliding ones still sign in with their own spelling.
    client = Client(HTTP_ACCEPT_LANGUAGE="ky")
    assert client.post("/ky/diary/login/", {"username": "Nurlan", "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(user_model.objects.get(username="Nurlan").pk)
