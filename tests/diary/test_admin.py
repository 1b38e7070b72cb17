"""The school's data in the Wagtail admin: the administration sees and corrects its own school only (D15, D16)."""

import pytest

from diary.models import Student
from diary.services.accounts import administration_access_grant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def director_client(client, small_school):
    user = small_school.director.user
    administration_access_grant(user)
    client.force_login(user)
    return client


def test_the_director_lists_the_schools_students(director_client, small_school):
    response = director_client.get("/admin/diary/student/")
    assert response.status_code == 200
    html = response.content.decode()
    assert all(student.last_name in html for student in small_school.students)


def test_the_director_does_not_see_another_schools_students(director_client, small_school):
    stranger = factories.StudentFactory(last_name="Бөтөнов")
    assert "Бөтөнов" not in director_client.get("/admin/diary/student/").content.decode()
    for view in ("edit", "inspect"):
        assert director_client.get(f"/admin/diary/student/{view}/{stranger.pk}/", follow=True).status_code == 404


def test_the_director_corrects_a_students_name(director_client, small_school):
    student = small_school.students[0]
    response = director_client.post(
        f"/admin/diary/student/edit/{student.pk}/",
        {"last_name": "Жаңы", "first_name": student.first_name, "patronymic": "", "birth_date": ""},
    )
    assert response.status_code == 302
    assert Student.objects.get(pk=student.pk).last_name == "Жаңы"


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)"])  # a form strips a leading tab
@pytest.mark.parametrize("kind", ["student", "staffmember", "guardian"])
def test_the_admin_refuses_a_name_that_begins_like_a_formula_as_the_importer_does(
    director_client, small_school, kind, name
):
    """The admin's forms and the importer refuse the same names (diary/validators.py); nothing is saved."""
    person = {
        "student": small_school.students[0],
        "staffmember": small_school.teacher,
        "guardian": small_school.parent,
    }[kind]
    data = {"last_name": name, "first_name": person.first_name, "patronymic": "", "birth_date": ""}
    response = director_client.post(f"/admin/diary/{kind}/edit/{person.pk}/", data)
    assert response.status_code == 200
    assert "=, +, -, @" in response.content.decode()
    person.refresh_from_db()
    assert person.last_name != name


def test_nothing_is_deleted_from_the_admin(director_client, small_school):
    student = small_school.students[0]
    response = director_client.post(f"/admin/diary/student/delete/{student.pk}/")
    assert response.status_code in (302, 403)
    assert Student.objects.filter(pk=student.pk).exists()


def test_the_audit_trail_is_read_only(director_client, small_school):
    assert director_client.get("/admin/diary/auditentry/").status_code == 200
    assert director_client.get("/admin/diary/auditentry/new/").status_code in (302, 403)


def test_a_teacher_without_admin_access_is_kept_out(client, small_school):
    client.force_login(small_school.teacher.user)
    assert client.get("/admin/diary/student/").status_code == 302


def test_a_correction_in_the_admin_joins_the_audit_trail(director_client, small_school):
    """D16: an admin-screen edit of diary data is audited like the services' changes: who, old, new."""
    from diary.models import AuditEntry

    student = small_school.students[0]
    old_name = student.last_name
    director_client.post(
        f"/admin/diary/student/edit/{student.pk}/",
        {"last_name": "Жаңы", "first_name": student.first_name, "patronymic": "", "birth_date": ""},
    )
    entry = AuditEntry.objects.get(field="admin_edit")
    assert entry.by == small_school.director.user and entry.student_id == student.pk
    assert (entry.old["last_name"], entry.new["last_name"]) == (old_name, "Жаңы")
