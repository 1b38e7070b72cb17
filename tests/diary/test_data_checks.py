"""D11: the homeroom teacher's monthly data check is recorded with its date; others are refused."""

import datetime as dt

import pytest

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import DataCheck
from diary.selectors.homeroom import data_check_due
from diary.services.data_checks import data_check_record


def test_homeroom_records_a_dated_check_and_it_is_no_longer_due(small_school):
    day = dt.date(2026, 11, 16)
    assert data_check_due(small_school.class_5a, today=day)
    check = data_check_record(
        actor=small_school.homeroom.user, school_class=small_school.class_5a, corrections=" phone fixed ", on=day
    )
    assert (check.checked_on, check.checked_by, check.corrections) == (day, small_school.homeroom, "phone fixed")
    assert not data_check_due(small_school.class_5a, today=dt.date(2026, 11, 30))
    assert data_check_due(small_school.class_5a, today=dt.date(2026, 12, 1))


@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "parent", "stranger"])
def test_only_the_homeroom_teacher_or_administration_checks_a_class(small_school, persona):
    with pytest.raises(DiaryPermissionDenied):
        data_check_record(actor=small_school.user(persona), school_class=small_school.class_5a)
    assert not DataCheck.objects.exists()


def test_overlong_corrections_are_refused(small_school):
    with pytest.raises(DiaryValidationError):
        data_check_record(actor=small_school.director.user, school_class=small_school.class_5a, corrections="x" * 5001)
    assert not DataCheck.objects.exists()
