"""lesson_update (D8): topics and homework, by whoever may write the journal, audited (D16)."""

import datetime as dt

import pytest
import time_machine

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, Lesson
from diary.services.lessons import lesson_update
from diary.services.staffing import substitution_create

pytestmark = pytest.mark.django_db
ON_TIME = dt.datetime(2026, 9, 8, 10, tzinfo=dt.UTC)


def test_teacher_records_topic_and_homework(small_school):
    lesson = small_school.lessons[0]
    lesson_update(actor=small_school.teacher.user, lesson=lesson, topic="Бөлчөктөр", homework="№ 12, 13", at=ON_TIME)
    lesson.refresh_from_db()
    assert (lesson.topic, lesson.homework, lesson.conducted_by) == ("Бөлчөктөр", "№ 12, 13", small_school.teacher)
    assert set(AuditEntry.objects.filter(lesson=lesson).values_list("field", "new")) == {
        ("topic", "Бөлчөктөр"),
        ("homework", "№ 12, 13"),
    }


@time_machine.travel(ON_TIME, tick=False)
def test_a_substitute_who_records_the_lesson_conducted_it(small_school):
    """D6: while the cover and its grace period last."""
    lesson = small_school.lessons[0]
    substitution_create(
        actor=small_school.director.user,
        journal=small_school.journal,
        teacher=small_school.other_teacher,
        date_from=lesson.date,
        date_to=lesson.date,
    )
    lesson_update(actor=small_school.other_teacher.user, lesson=lesson, topic="Пропорция", at=ON_TIME)
    assert Lesson.objects.get(pk=lesson.pk).conducted_by == small_school.other_teacher


def test_another_teacher_cannot_record_the_topic(small_school):
    with pytest.raises(DiaryPermissionDenied):
        lesson_update(actor=small_school.other_teacher.user, lesson=small_school.lessons[0], topic="X", at=ON_TIME)
    assert Lesson.objects.get(pk=small_school.lessons[0].pk).topic == ""


def test_an_overlong_topic_is_refused_and_nothing_changes(small_school):
    with pytest.raises(DiaryValidationError) as refused:
        lesson_update(
            actor=small_school.teacher.user, lesson=small_school.lessons[0], topic="т" * 501, homework="ok", at=ON_TIME
        )
    assert "topic" in refused.value.fields
    assert Lesson.objects.get(pk=small_school.lessons[0].pk).homework == ""
    assert not AuditEntry.objects.filter(lesson=small_school.lessons[0]).exists()


def test_saving_the_same_topic_again_writes_no_audit_row(small_school):
    lesson = small_school.lessons[0]
    lesson_update(actor=small_school.teacher.user, lesson=lesson, topic="Бөлчөктөр", at=ON_TIME)
    lesson_update(actor=small_school.teacher.user, lesson=lesson, topic="Бөлчөктөр", at=ON_TIME)
    assert AuditEntry.objects.filter(lesson=lesson).count() == 1
