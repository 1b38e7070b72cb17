"""A student moved to another class of the school: through the API and from the Wagtail admin, by the school's
administration only, audited; bad input is refused with a translated reason and nothing changes."""

import datetime as dt

import pytest

from diary.models import AuditEntry, Enrolment
from diary.services.accounts import administration_access_grant
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def class_5b(small_school):
    return factories.SchoolClassFactory(year=small_school.class_5a.year, code="5Б", grade=5)


@pytest.fixture(autouse=True)
def in_the_school_year(time_machine):
    time_machine.move_to(TODAY, tick=False)


def enrolments(student) -> list[tuple[str, dt.date, dt.date | None]]:
    return [(e.school_class.code, e.date_from, e.date_to) for e in Enrolment.objects.filter(student=student)]


def move_url(student_pk) -> str:
    return f"/api/diary/v1/students/{student_pk}/move/"


# The API


def test_the_director_moves_a_student_through_the_api_and_the_move_is_audited(api, small_school, class_5b):
    student = small_school.students[1]
    response = api("director").post(move_url(student.pk), {"class": class_5b.pk, "date": "2026-11-16"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "student": student.pk,
        "class": {"id": class_5b.pk, "code": "5Б"},
        "previous_class": {"id": small_school.class_5a.pk, "code": "5А"},
        "date_from": "2026-11-16",
    }
    assert enrolments(student) == [
        ("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 15)),
        ("5Б", dt.date(2026, 11, 16), None),
    ]
    entry = AuditEntry.objects.get(field=AuditEntry.Field.CLASS_MOVE)
    assert (entry.student_id, entry.by_id) == (student.pk, small_school.director.user.pk)
    assert (entry.old, entry.new) == ({"class": "5А"}, {"class": "5Б", "from": "2026-11-16"})


def test_without_a_date_the_move_is_from_today(api, small_school, class_5b):
    student = small_school.students[1]
    response = api("admin").post(move_url(student.pk), {"class": class_5b.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["date_from"] == "2026-11-20"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"class": "same"}, "same_class", "class"),
        ({"class": "other_school"}, "unknown_class", "class"),
        ({"class": 2**31 - 1}, "unknown_class", "class"),
        ({"class": "past_year"}, "inactive_year", "date"),
        ({"class": "5b", "date": "2027-06-10"}, "inactive_year", "date"),
        ({"class": "5b", "date": "2026-09-01"}, "before_enrolment", "date"),
        ({"class": "abc"}, "invalid", "class"),
        ({"class": "5b", "date": "10.11.2026"}, "invalid", "date"),
        ({}, "invalid", "class"),
    ],
)
def test_bad_moves_are_refused_with_400_and_change_nothing(api, small_school, class_5b, body, code, field):
    student = small_school.students[1]
    past_year = factories.AcademicYearFactory(
        school=small_school.school, start=dt.date(2025, 9, 1), end=dt.date(2026, 5, 31)
    )
    classes = {
        "same": small_school.class_5a.pk,
        "other_school": factories.SchoolClassFactory(code="5Б").pk,
        "past_year": factories.SchoolClassFactory(year=past_year, code="5Б", grade=5).pk,
        "5b": class_5b.pk,
    }
    if "class" in body:
        body = {**body, "class": classes.get(body["class"], body["class"])}
    before = enrolments(student)
    response = api("director").post(move_url(student.pk), body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert field in error["fields"]
    assert error["message"]
    assert enrolments(student) == before
    assert not AuditEntry.objects.filter(field=AuditEntry.Field.CLASS_MOVE).exists()


def test_the_refusal_is_in_the_language_asked_for(api, small_school):
    student = small_school.students[1]
    body = {"class": small_school.class_5a.pk}
    assert api("director", "ru").post(move_url(student.pk), body, format="json").json()["error"]["message"] == (
        "Ученик уже учится в этом классе."
    )
    assert api("director", "ky").post(move_url(student.pk), body, format="json").json()["error"]["message"] == (
        "Окуучу буга чейин эле ушул класста."
    )


@pytest.mark.parametrize("persona", ["teacher", "homeroom", "parent", "student"])
def test_only_the_administration_moves_students(api, small_school, class_5b, persona):
    """Those who see the student but are not the administration get 403; nothing is moved."""
    student = small_school.students[0]
    before = enrolments(student)
    response = api(persona).post(move_url(student.pk), {"class": class_5b.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert enrolments(student) == before


def test_an_unknown_or_another_schools_student_is_not_found(api, small_school, class_5b):
    stranger = factories.EnrolmentFactory().student
    for pk in (stranger.pk, 2**31 - 1):
        response = api("director").post(move_url(pk), {"class": class_5b.pk}, format="json")
        assert response.status_code == 404
    assert enrolments(stranger)[0][2] is None
    assert api("anonymous").post(move_url(small_school.students[0].pk), {"class": class_5b.pk}).status_code == 401


def test_the_api_documentation_shows_the_move(client):
    operation = client.get("/api/schema/?format=json").json()["paths"]["/api/diary/v1/students/{id}/move/"]["post"]
    assert "class" in operation["description"]
    assert {"200", "400", "403", "404"} <= set(operation["responses"])


# The Wagtail admin


@pytest.fixture
def director_admin(client, small_school):
    user = small_school.director.user
    administration_access_grant(user)
    client.force_login(user)
    return client


def admin_move_url(student) -> str:
    return f"/admin/diary/student/move/{student.pk}/"


def test_the_students_list_in_the_admin_offers_the_move(director_admin, small_school, class_5b):
    html = director_admin.get("/admin/diary/student/").content.decode()
    assert admin_move_url(small_school.students[0]) in html
    inspect = director_admin.get(f"/admin/diary/student/inspect/{small_school.students[0].pk}/").content.decode()
    assert admin_move_url(small_school.students[0]) in inspect
    page = director_admin.get(admin_move_url(small_school.students[0]))
    assert page.status_code == 200
    assert small_school.students[0].full_name in page.content.decode()
    assert "Башка класска которуу" in page.content.decode() and "5Б" in page.content.decode()


def test_the_director_moves_a_student_in_the_admin(director_admin, small_school, class_5b):
    student = small_school.students[1]
    response = director_admin.post(admin_move_url(student), {"class": class_5b.pk, "date": "2026-11-16"}, follow=True)
    assert response.status_code == 200
    assert f"{student.full_name} 5Б классына 16.11.2026 күнүнөн тартып которулду." in response.content.decode()
    assert enrolments(student)[-1] == ("5Б", dt.date(2026, 11, 16), None)
    assert AuditEntry.objects.filter(field=AuditEntry.Field.CLASS_MOVE, student=student).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"class": "same", "date": "2026-11-16"}, "Окуучу буга чейин эле ушул класста."),
        ({"class": "5b", "date": "2027-07-01"}, "окуу жылына таандык"),
        ({"class": "other_school", "date": "2026-11-16"}, "Окуучу которулган жок"),
        ({"class": "5b", "date": ""}, "Окуучу которулган жок"),
    ],
)
def test_a_bad_move_in_the_admin_shows_why_and_changes_nothing(director_admin, small_school, class_5b, data, message):
    student = small_school.students[1]
    classes = {
        "same": small_school.class_5a.pk,
        "5b": class_5b.pk,
        "other_school": factories.SchoolClassFactory(code="9Г").pk,
    }
    before = enrolments(student)
    response = director_admin.post(admin_move_url(student), {**data, "class": classes[data["class"]]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert enrolments(student) == before
    assert not AuditEntry.objects.filter(field=AuditEntry.Field.CLASS_MOVE).exists()


def test_the_admin_move_is_kept_to_the_school_and_its_administration(director_admin, client, small_school):
    stranger = factories.EnrolmentFactory().student
    assert director_admin.get(admin_move_url(stranger)).status_code == 404
    client.force_login(small_school.teacher.user)
    assert client.get(admin_move_url(small_school.students[0])).status_code == 302  # no admin access: to the login


def test_a_move_before_a_later_move_is_refused_so_that_no_two_classes_overlap(api, small_school, class_5b):
    student = small_school.students[1]
    class_5v = factories.SchoolClassFactory(year=small_school.class_5a.year, code="5В", grade=5)
    assert api("director").post(move_url(student.pk), {"class": class_5b.pk, "date": "2026-11-16"}, format="json")
    before = enrolments(student)
    response = api("director", "ru").post(
        move_url(student.pk), {"class": class_5v.pk, "date": "2026-10-01"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "later_enrolment"
    assert error["fields"]["date"] == ["У ученика уже есть более поздний перевод или зачисление: сначала измените его."]
    assert enrolments(student) == before
    assert AuditEntry.objects.filter(field=AuditEntry.Field.CLASS_MOVE).count() == 1


def test_a_move_keeps_the_day_the_student_leaves_the_school(api, small_school, class_5b):
    student = small_school.students[1]
    Enrolment.objects.filter(student=student).update(date_to=dt.date(2026, 12, 25))
    response = api("director").post(move_url(student.pk), {"class": class_5b.pk, "date": "2026-11-16"}, format="json")
    assert response.status_code == 200
    assert enrolments(student) == [
        ("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 15)),
        ("5Б", dt.date(2026, 11, 16), dt.date(2026, 12, 25)),
    ]


def test_the_admin_student_list_costs_the_same_queries_for_more_students(director_admin, small_school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert director_admin.get("/admin/diary/student/").status_code == 200
        return len(queries)

    few = list_queries()
    for _ in range(10):
        factories.StudentFactory(school=small_school.school)
    assert list_queries() == few
