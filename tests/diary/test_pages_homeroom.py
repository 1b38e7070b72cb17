"""The homeroom teacher's pages (D4, D10, D11, D15): class list with contacts, the monthly data check, subgroups,
code slips, attendance and progress, a message to all guardians."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from diary.models import AuditEntry, DataCheck, Guardian, GuardianLink, Journal, Mark, Subgroup, Thread
from diary.selectors.homeroom import class_summary
from tests import factories

NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client_for(small_school):
    def make(persona: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="ky")
        user = small_school.user(persona)
        if user is not None:
            client.force_login(user)
        return client

    return make


def class_url(small_school, suffix: str = "") -> str:
    return f"/ky/diary/classes/{small_school.class_5a.pk}/{suffix}"


def test_homeroom_teacher_with_one_class_lands_on_it(small_school, client_for):
    response = client_for("homeroom").get("/ky/diary/class/")
    assert response.status_code == 302
    assert response["Location"] == f"/ky/diary/classes/{small_school.class_5a.pk}/"


def test_teacher_without_a_class_sees_an_empty_state(small_school, client_for):
    response = client_for("teacher").get("/ky/diary/class/")
    assert response.status_code == 200
    assert b'id="no-classes"' in response.content


def test_class_page_lists_students_guardians_and_contacts(small_school, client_for):
    small_school.parent.phone = "+996 555 10 20 30"
    small_school.parent.save()
    response = client_for("homeroom").get(class_url(small_school))
    assert response.status_code == 200
    page = response.content.decode()
    for student in small_school.students:
        assert student.full_name in page
    assert small_school.parent.full_name in page
    assert "+996 555 10 20 30" in page
    assert 'data-due="true"' in page
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.parametrize("persona", ["director", "deputy", "admin"])
def test_administration_opens_any_class_page(small_school, client_for, persona):
    assert client_for(persona).get(class_url(small_school)).status_code == 200


@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "substitute", "student", "parent"])
def test_others_are_refused_the_class_page_and_its_forms(small_school, client_for, persona):
    client = client_for(persona)
    assert client.get(class_url(small_school)).status_code == 403
    assert client.post(class_url(small_school, "data-check/"), {"corrections": ""}).status_code == 403
    assert client.post(class_url(small_school, "code-slips/")).status_code == 403
    assert client.post(class_url(small_school, "message/"), {"subject": "x", "body": "y"}).status_code == 403
    guardian = small_school.parent
    contacts = class_url(small_school, f"guardians/{guardian.pk}/contacts/")
    assert client.post(contacts, {"phone": "+996 700 00 00 00", "email": ""}).status_code == 403
    assert not DataCheck.objects.exists()
    assert not Thread.objects.exists()
    guardian.refresh_from_db()
    assert guardian.phone != "+996 700 00 00 00"


def test_another_schools_director_gets_not_found(small_school, client_for):
    assert client_for("stranger").get(class_url(small_school)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(small_school, client_for):
    response = client_for("anonymous").get(class_url(small_school))
    assert response.status_code == 302
    assert "/ky/diary/login/" in response["Location"]


def test_data_check_records_a_dated_check_and_shows_it(small_school, client_for):
    client = client_for("homeroom")
    response = client.post(class_url(small_school, "data-check/"), {"corrections": "Айгүлдүн телефону оңдолду"})
    assert response.status_code == 302
    assert response["Location"].endswith("#data-check")
    check = DataCheck.objects.get()
    assert check.checked_on == dt.date(2026, 11, 12)
    assert check.checked_by == small_school.homeroom
    assert check.corrections == "Айгүлдүн телефону оңдолду"
    page = client.get(response["Location"]).content.decode()
    assert 'data-last-check="2026-11-12"' in page
    assert 'data-due="false"' in page
    assert 'class="flash"' in page


def test_a_check_last_month_leaves_this_month_due(small_school, client_for):
    DataCheck.objects.create(
        school=small_school.school, school_class=small_school.class_5a, checked_by=small_school.homeroom,
        checked_on=dt.date(2026, 10, 30),
    )  # fmt: skip
    page = client_for("homeroom").get(class_url(small_school)).content.decode()
    assert 'data-last-check="2026-10-30"' in page
    assert 'data-due="true"' in page
    assert '<li data-check="2026-10-30">' in page


def test_too_long_corrections_are_refused_next_to_the_form(small_school, client_for):
    response = client_for("homeroom").post(class_url(small_school, "data-check/"), {"corrections": "x" * 5001})
    assert response.status_code == 400
    assert b'data-field-errors="corrections"' in response.content
    assert not DataCheck.objects.exists()


def test_correcting_a_guardians_contacts_is_saved_and_audited(small_school, client_for):
    guardian = small_school.parent
    url = class_url(small_school, f"guardians/{guardian.pk}/contacts/")
    response = client_for("homeroom").post(url, {"phone": "+996 700 11 22 33", "email": "ene@example.kg"})
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert (guardian.phone, guardian.email) == ("+996 700 11 22 33", "ene@example.kg")
    entry = AuditEntry.objects.get(field=AuditEntry.Field.CONTACTS)
    assert entry.by == small_school.homeroom.user
    assert entry.student == small_school.students[0]
    assert entry.new == {"guardian": guardian.code, "phone": "+996 700 11 22 33", "email": "ene@example.kg"}
    assert entry.old["phone"] == ""


def test_bad_contacts_are_refused_with_errors_beside_the_fields(small_school, client_for):
    guardian = small_school.parent
    url = class_url(small_school, f"guardians/{guardian.pk}/contacts/")
    response = client_for("homeroom").post(url, {"phone": "call me", "email": "not-an-address"})
    assert response.status_code == 400
    assert b'data-field-errors="phone"' in response.content
    assert b'data-field-errors="email"' in response.content
    guardian.refresh_from_db()
    assert guardian.phone == ""
    assert not AuditEntry.objects.filter(field=AuditEntry.Field.CONTACTS).exists()


def test_contacts_of_a_guardian_from_another_class_are_refused(small_school, client_for):
    outsider = factories.GuardianFactory(school=small_school.school)
    GuardianLink.objects.create(school=small_school.school, guardian=outsider, student=small_school.first_grader)
    url = class_url(small_school, f"guardians/{outsider.pk}/contacts/")
    response = client_for("homeroom").post(url, {"phone": "+996 700 11 22 33", "email": ""})
    assert response.status_code == 403
    assert Guardian.objects.get(pk=outsider.pk).phone == ""


def test_message_reaches_every_guardian_with_an_account(small_school, client_for):
    response = client_for("homeroom").post(
        class_url(small_school, "message/"), {"subject": "Ата-энелер жыйыны", "body": "Жума күнү саат 18:00дө."}
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    participants = set(thread.participants.values_list("user__username", flat=True))
    # The teacher who is also a parent of 5А is one of its guardians too.
    assert participants == {"homeroom", "parent", "other_parent", "teacher_parent"}


def test_empty_message_is_refused_and_nothing_is_sent(small_school, client_for):
    response = client_for("homeroom").post(class_url(small_school, "message/"), {"subject": "", "body": ""})
    assert response.status_code == 400
    assert b'data-field-errors="subject"' in response.content
    assert not Thread.objects.exists()


def test_code_slips_download_as_a_pdf(small_school, client_for):
    response = client_for("homeroom").post(class_url(small_school, "code-slips/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_subgroups_split_at_the_start_of_a_period(small_school, client_for):
    students = small_school.students
    data = {
        "subject": small_school.journal.subject_id, "period": small_school.q2.pk,
        "name_1": "1-топ", "teacher_1": small_school.teacher.pk, "name_2": "2-топ",
        "teacher_2": small_school.other_teacher.pk,
        f"student_{students[0].pk}": 1, f"student_{students[1].pk}": 1, f"student_{students[2].pk}": 2,
    }  # fmt: skip
    response = client_for("homeroom").post(class_url(small_school, "subgroups/"), data)
    assert response.status_code == 302
    assert set(Subgroup.objects.values_list("name", flat=True)) == {"1-топ", "2-топ"}
    assert Journal.objects.filter(subgroup__isnull=False).count() == 2
    page = client_for("homeroom").get(class_url(small_school)).content.decode()
    assert "1-топ" in page and 'id="no-subgroups"' not in page


def test_subgroups_split_refused_late_in_the_period_with_its_code(small_school, client_for):
    students = small_school.students
    data = {
        "subject": small_school.journal.subject_id, "period": small_school.q1.pk,
        "name_1": "A", "teacher_1": small_school.teacher.pk, "name_2": "B", "teacher_2": small_school.teacher.pk,
        **{f"student_{s.pk}": 1 for s in students},
    }  # fmt: skip
    response = client_for("homeroom").post(class_url(small_school, "subgroups/"), data)
    assert response.status_code == 400
    assert b"data-form-errors" in response.content
    assert not Subgroup.objects.exists()


def test_summary_counts_absences_and_averages_for_the_period(small_school, client_for):
    lesson, later = small_school.lessons[0], small_school.lessons[1]
    student = small_school.students[0]
    Mark.objects.create(school=small_school.school, lesson=lesson, student=student, grade_1=5, grade_2=4)
    Mark.objects.create(school=small_school.school, lesson=later, student=student, attendance="absent")
    summary = class_summary(school_class=small_school.class_5a, period=small_school.q1, students=small_school.students)
    row = next(row for row in summary.rows if row.student == student)
    assert (row.absent, row.grades, str(row.average)) == (1, 2, "4.50")
    page = client_for("homeroom").get(class_url(small_school) + "?period=quarter-1").content.decode()
    assert 'data-summary-period="quarter-1"' in page
    assert "4,50" in page


def test_class_page_costs_the_same_queries_for_a_bigger_class(small_school, client_for, django_assert_max_num_queries):
    client = client_for("homeroom")
    client.get(class_url(small_school))
    with django_assert_max_num_queries(18):
        assert client.get(class_url(small_school)).status_code == 200
    for _index in range(12):
        student = factories.EnrolmentFactory(school_class=small_school.class_5a).student
        guardian = factories.GuardianFactory(school=small_school.school)
        GuardianLink.objects.create(school=small_school.school, guardian=guardian, student=student)
    with django_assert_max_num_queries(18):
        assert client.get(class_url(small_school)).status_code == 200


def test_split_form_garbage_is_refused_without_a_crash_and_changes_nothing(small_school, client_for):
    journals_before = Journal.objects.count()
    response = client_for("homeroom").post(
        class_url(small_school, "subgroups/"), {"subject": "abc", "period": "-1", "teacher_1": "999999"}
    )
    assert response.status_code == 400
    assert b'data-field="subject"' in response.content
    assert Journal.objects.count() == journals_before
    assert not Subgroup.objects.exists()


def test_unknown_period_in_the_summary_shows_the_empty_state(small_school, client_for):
    response = client_for("homeroom").get(class_url(small_school) + "?period=quarter-9")
    assert response.status_code == 200
    assert b'id="no-summary"' in response.content


def test_unknown_class_or_guardian_is_not_found(small_school, client_for):
    client = client_for("homeroom")
    assert client.get("/ky/diary/classes/999999/").status_code == 404
    url = class_url(small_school, "guardians/999999/contacts/")
    assert client.post(url, {"phone": "", "email": ""}).status_code == 404


def test_forms_only_accept_post(small_school, client_for):
    client = client_for("homeroom")
    for suffix in ("data-check/", "code-slips/", "message/", "subgroups/"):
        assert client.get(class_url(small_school, suffix)).status_code == 405


def test_class_page_links_to_the_class_journals(small_school, client_for):
    page = client_for("homeroom").get(class_url(small_school) + "?period=quarter-1").content.decode()
    assert f'<li data-journal="{small_school.journal.pk}">' in page
    assert f'href="/ky/diary/journals/{small_school.journal.pk}/?period=quarter-1"' in page
    assert f'data-journal="{small_school.journal_1a.pk}"' not in page
