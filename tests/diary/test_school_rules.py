"""school_rules_change (D7, D9): the fixed rules of the regulation, changed by the director only, with a reason."""

import pytest

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, School
from diary.services.accounts import administration_access_grant
from diary.services.school_rules import school_rules_change

pytestmark = pytest.mark.django_db


def test_a_school_created_outside_the_import_has_grade_one_without_marks():
    """D9: the model's default, whoever creates the school."""
    school = School.objects.create(code="new", name="Жаңы мектеп")
    assert school.no_marks_grades == [1]
    assert not school.grade_has_marks(1) and school.grade_has_marks(2)
    assert school.final_window_days == 2


@pytest.mark.parametrize("persona", ["deputy", "admin", "teacher", "stranger"])
def test_nobody_but_the_director_changes_the_fixed_rules(small_school, persona):
    """D7, D9: not the deputy, not the diary administrator, nobody else."""
    with pytest.raises(DiaryPermissionDenied):
        school_rules_change(
            actor=small_school.user(persona), school=small_school.school, final_window_days=10, reason="Керек"
        )
    school = School.objects.get(pk=small_school.school.pk)
    assert (school.final_window_days, school.no_marks_grades) == (2, [1])
    assert not AuditEntry.objects.filter(field="school_rules").exists()


def test_the_director_changes_them_only_with_a_reason_and_the_change_is_audited(small_school):
    """D7, D9, D16."""
    director, school = small_school.director.user, small_school.school
    with pytest.raises(DiaryValidationError) as refused:
        school_rules_change(actor=director, school=school, no_marks_grades=[1, 2, 3], reason=" ")
    assert "reason" in refused.value.fields
    assert School.objects.get(pk=school.pk).no_marks_grades == [1]
    school_rules_change(actor=director, school=school, no_marks_grades=[1, 2, 3], reason="Жаңы стандарт")
    assert School.objects.get(pk=school.pk).no_marks_grades == [1, 2, 3]
    entry = AuditEntry.objects.get(field="school_rules")
    assert (entry.by, entry.reason) == (director, "Жаңы стандарт")
    assert entry.old["no_marks_grades"] == [1] and entry.new["no_marks_grades"] == [1, 2, 3]


@pytest.mark.parametrize("persona", ["director", "deputy", "admin"])
def test_the_admin_screen_does_not_offer_the_fixed_rules(client, small_school, persona):
    """D7, D9: the school settings screen has no field for the window's length or the mark-free grade levels, and
    a posted value for them changes nothing."""
    user = small_school.user(persona)
    administration_access_grant(user)
    client.force_login(user)
    url = f"/admin/diary/school/edit/{small_school.school.pk}/"
    page = client.get(url).content.decode()
    assert 'name="final_window_days"' not in page and 'name="no_marks_grades"' not in page
    client.post(url, {"final_window_days": "30", "no_marks_grades": "[]"})
    school = School.objects.get(pk=small_school.school.pk)
    assert (school.final_window_days, school.no_marks_grades) == (2, [1])
