"""Reminders of the sweep (D5, D7, D11), each sent once, with time frozen around their boundaries (Asia/Bishkek)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from diary.models import Message, Reminder, ThreadParticipant
from diary.services.data_checks import data_check_record
from diary.services.finals import FinalChange, finals_set
from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from diary.services.sweep import DUE_WORK_FINDERS, reminders_send

pytestmark = pytest.mark.django_db
BISHKEK = zoneinfo.ZoneInfo("Asia/Bishkek")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BISHKEK)


def remind_at(school, moment: dt.datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return reminders_send(school)


def reminded(staff) -> list[str]:
    """The kinds of reminders a staff member has in their diary mail."""
    return list(Reminder.objects.filter(user=staff.user).order_by("pk").values_list("kind", flat=True))


def inbox(staff) -> int:
    threads = ThreadParticipant.objects.filter(user=staff.user).values("thread")
    return Message.objects.filter(thread__in=threads).exclude(sender=staff.user).count()


def test_the_sweep_runs_the_reminders():
    assert reminders_send in DUE_WORK_FINDERS


def test_a_teacher_with_last_weeks_lessons_unfilled_is_reminded_on_monday_morning_once(
    small_school, django_capture_on_commit_callbacks
):
    """The lessons of 7 and 9 September have no topic and nothing entered; Monday is 14 September."""
    small_school.teacher.email = "teacher@mektep.kg"
    small_school.teacher.save()
    school = small_school.school
    assert remind_at(school, local(2026, 9, 14, 7, 59)) == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = remind_at(school, local(2026, 9, 14, 8, 0))
    assert sent == [f"weekly:{school.pk}:{small_school.teacher.pk}:2026-09-07"]
    assert reminded(small_school.teacher) == ["weekly_entries"]
    assert inbox(small_school.teacher) == 1
    assert [message.to for message in mail.outbox] == [["teacher@mektep.kg"]]
    assert "14.09.2026" in mail.outbox[0].body
    assert remind_at(school, local(2026, 9, 14, 8, 15)) == []
    assert remind_at(school, local(2026, 9, 15, 8, 0)) == []  # a Tuesday
    assert inbox(small_school.teacher) == 1 and len(mail.outbox) == 1


def test_a_teacher_whose_week_is_complete_is_not_reminded(small_school):
    teacher = small_school.teacher.user
    week = [*small_school.lessons[:2], small_school.lesson_1a]
    for lesson in week:
        lesson_update(actor=teacher, lesson=lesson, topic="Тема", at=local(2026, 9, 9, 15))
        student = small_school.first_grader if lesson == small_school.lesson_1a else small_school.students[0]
        marks_save(
            actor=teacher,
            journal=lesson.journal,
            at=local(2026, 9, 9, 15),
            changes=[CellChange(lesson.pk, student.pk, None, None, "absent")],
        )
    assert remind_at(small_school.school, local(2026, 9, 14, 9)) == []
    assert inbox(small_school.teacher) == 0


def test_missing_finals_are_reminded_on_the_last_two_days_of_the_window_once(small_school):
    """Q1 ends on Saturday 31 October; the D7 window closes on 2 November."""
    school, teacher = small_school.school, small_school.teacher
    assert [key for key in remind_at(school, local(2026, 10, 31, 12)) if key.startswith("finals")] == []
    sent = [key for key in remind_at(school, local(2026, 11, 1, 9)) if key.startswith("finals")]
    assert sent == [f"finals:{school.pk}:{teacher.pk}:{small_school.q1.pk}"]
    assert [key for key in remind_at(school, local(2026, 11, 2, 9)) if key.startswith("finals")] == []
    assert reminded(teacher).count("finals") == 1


def test_a_teacher_with_every_final_set_gets_no_finals_reminder(small_school):
    finals_set(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        period=small_school.q1,
        finals=[FinalChange(student.pk, 4) for student in small_school.students],
        at=local(2026, 10, 30, 12),
    )
    sent = remind_at(small_school.school, local(2026, 11, 2, 9))
    assert [key for key in sent if key.startswith("finals")] == []  # 1А has no marks (D9): no finals expected


def test_homeroom_teachers_without_this_months_data_check_are_reminded_from_the_20th(small_school):
    school = small_school.school
    data_check_record(actor=small_school.homeroom.user, school_class=small_school.class_5a, on=dt.date(2026, 11, 5))
    assert [key for key in remind_at(school, local(2026, 11, 19, 23, 59)) if key.startswith("data_check")] == []
    sent = [key for key in remind_at(school, local(2026, 11, 20, 0, 1)) if key.startswith("data_check")]
    # 5А was checked on 5 November; 1А (other_teacher's class) was not.
    assert sent == [f"data_check:{school.pk}:{small_school.class_1a.pk}:2026-11"]
    assert reminded(small_school.other_teacher) == ["data_check"] and reminded(small_school.homeroom) == []
    assert [key for key in remind_at(school, local(2026, 11, 30, 23)) if key.startswith("data_check")] == []
    december = [key for key in remind_at(school, local(2026, 12, 20, 8)) if key.startswith("data_check")]
    assert len(december) == 2  # a new month: both classes are due again


def test_reminders_come_from_the_schools_system_account_nobody_can_log_in_to(small_school):
    remind_at(small_school.school, local(2026, 11, 20, 9))
    message = Message.objects.select_related("sender").first()
    assert message.sender.username == f"system.{small_school.school.code}"
    assert not message.sender.is_active and not message.sender.has_usable_password()


def test_one_failing_finder_does_not_stop_the_sweep(small_school, monkeypatch, caplog):
    from diary.services import sweep

    def broken(school):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(sweep, "DUE_WORK_FINDERS", [broken, reminders_send])
    with time_machine.travel(local(2026, 11, 20, 9), tick=False):
        result = sweep.sweep_run()
    assert any(key.startswith("data_check:") for key in result["queued"])
    assert "mail server down" in caplog.text
