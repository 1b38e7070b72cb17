"""D11, D12, D18 in the reports: weekly grading and attendance per teacher, the homeroom teacher's mail to parents per
month, the director's and deputies' monthly journal inspections (and their reminder)."""

import datetime as dt

import pytest
import time_machine
from openpyxl import load_workbook

from diary.models import Reminder
from diary.services.inspections import inspection_record
from diary.services.marks import CellChange, marks_save
from diary.services.messaging import thread_start
from diary.services.report_activity import activity_summary
from diary.services.report_compliance import compliance_summary
from diary.services.reports import report_build, report_request
from diary.services.sweep import reminders_send

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+06:00")


def compliance_rows(school, day: str = "2026-11-20") -> dict:
    with time_machine.travel(at(day), tick=False):
        summary = compliance_summary(period=school.q1)
    return {row["teacher_id"]: row for row in summary["rows"]} | {"inspectors": summary["inspectors"]}


def grade(school, lesson, student, moment: str, grades=None, attendance=None):
    marks_save(
        actor=school.teacher.user,
        journal=school.journal,
        at=at(moment),
        changes=[CellChange(lesson.pk, student.pk, None, grades, attendance)],
    )


def test_a_week_of_lessons_without_any_grade_or_entry_is_counted_against_the_teacher(small_school):
    """D18: the week of 7 September was graded; the week of 26 October has lessons with nothing entered."""
    s = small_school
    grade(s, s.lessons[0], s.students[0], "2026-09-07", grades=[5])
    teacher = compliance_rows(s)[s.teacher.pk]
    assert (teacher["weeks"], teacher["weeks_without_grades"], teacher["weeks_without_attendance"]) == (2, 1, 1)
    assert {"weeks_without_grades", "weeks_without_attendance"} <= set(teacher["reasons"])
    assert teacher["eligible"] is False


def test_attendance_alone_is_an_entry_but_not_a_grade(small_school):
    """D18: an absence marked in the week of 26 October counts as attendance marked, not as grading."""
    s = small_school
    grade(s, s.lessons[0], s.students[0], "2026-09-07", grades=[5])
    grade(s, s.lessons[2], s.students[1], "2026-10-26", attendance="absent")
    teacher = compliance_rows(s)[s.teacher.pk]
    assert (teacher["weeks_without_grades"], teacher["weeks_without_attendance"]) == (1, 0)


def test_a_week_is_counted_only_once_its_monday_deadline_passed(small_school):
    """D18, D5: the week of 7 September is due on Monday 14 September; it counts from the Tuesday."""
    s = small_school
    assert compliance_rows(s, "2026-09-14")[s.teacher.pk]["weeks"] == 0
    teacher = compliance_rows(s, "2026-09-15")[s.teacher.pk]
    assert (teacher["weeks"], teacher["weeks_without_grades"]) == (1, 1)


def test_the_homeroom_teachers_mail_to_parents_is_measured_per_month(small_school):
    """D11: a message to a parent of 5А in September; in October only one to a colleague: October is missed."""
    s = small_school
    with time_machine.travel(at("2026-09-18"), tick=False):
        thread_start(sender=s.homeroom.user, recipient_ids=[s.parent.user_id], subject="Жыйналыш", body="Жума күнү")
    with time_machine.travel(at("2026-10-18"), tick=False):
        thread_start(sender=s.homeroom.user, recipient_ids=[s.teacher.user_id], subject="Сабак", body="Суроо")
    homeroom = compliance_rows(s)[s.homeroom.pk]
    assert homeroom["parent_mail"] == [{"month": "2026-09", "messages": 1}, {"month": "2026-10", "messages": 0}]
    assert homeroom["months_without_parent_mail"] == 1
    assert "months_without_parent_mail" in homeroom["reasons"] and homeroom["eligible"] is False
    assert compliance_rows(s)[s.teacher.pk]["months_without_parent_mail"] == 0  # leads no class


def test_a_month_still_running_is_not_a_missed_month_of_mail(small_school):
    """D11: on 20 October only September has ended."""
    s = small_school
    with time_machine.travel(at("2026-09-18"), tick=False):
        thread_start(sender=s.homeroom.user, recipient_ids=[s.parent.user_id], subject="Жыйналыш", body="Жума күнү")
    assert compliance_rows(s, "2026-10-20")[s.homeroom.pk]["months_without_parent_mail"] == 0


def test_the_compliance_report_lists_each_inspectors_months(small_school):
    """D12: the director inspected in October only; the deputy never; the diary administrator is no inspector."""
    s = small_school
    inspection_record(actor=s.director.user, journal=s.journal, remarks="Темалар толук", at=at("2026-10-05"))
    inspectors = {row["inspector_id"]: row for row in compliance_rows(s)["inspectors"]}
    assert set(inspectors) == {s.director.pk, s.deputy.pk}
    director = inspectors[s.director.pk]
    assert director["months"] == [{"month": "2026-09", "inspections": 0}, {"month": "2026-10", "inspections": 1}]
    assert (director["inspections"], director["months_without_inspection"]) == (1, 1)
    assert inspectors[s.deputy.pk]["months_without_inspection"] == 2


def test_the_compliance_files_show_the_new_measures_and_the_inspections(small_school):
    """D11, D12, D18: the XLSX carries the weekly and mail columns and a sheet of inspections."""
    s = small_school
    inspection_record(actor=s.director.user, journal=s.journal, remarks="", at=at("2026-10-05"))
    with time_machine.travel(at("2026-11-20"), tick=False):
        run = report_request(actor=s.director.user, school=s.school, kind="compliance", period=s.q1)
        report_build(run_id=run.pk)
    run.refresh_from_db()
    workbook = load_workbook(run.xlsx.path)
    header = [cell.value for cell in workbook["Мугалимдер"][1]]
    assert {"баа коюлбаган жумалар", "ата-энелерге кат жазылбаган айлар"} <= set(header)
    inspections = list(workbook["Журналды текшерүүлөр"].iter_rows(values_only=True))
    assert inspections[0][:3] == ("текшерүүчү", "сентябрь 2026", "октябрь 2026")
    assert (s.director.short_name, 0, 1, 1, 1) in {row[:5] for row in inspections[1:]}


def test_the_monthly_activity_report_counts_and_lists_the_inspections(small_school):
    """D12: October's activity report: the director's inspection, who, when, which journal, remarks."""
    s = small_school
    inspection_record(actor=s.director.user, journal=s.journal, remarks="Темалар толук", at=at("2026-10-05"))
    summary = activity_summary(school=s.school, month="2026-10")
    rows = {row["user"]: row for row in summary["rows"]}
    assert (rows["director"]["inspections"], rows["deputy"]["inspections"]) == (1, 0)
    assert summary["roles"]["administration"]["inspections"] == 1
    (listed,) = summary["inspections"]
    assert (listed["inspector"], listed["journal"], listed["remarks"]) == (
        s.director.short_name,
        str(s.journal),
        "Темалар толук",
    )
    assert activity_summary(school=s.school, month="2026-09")["inspections"] == []


def test_an_inspector_without_an_inspection_this_month_is_reminded_from_the_20th_once(small_school):
    """D12: on 20 October the deputy, who inspected nothing, is reminded once; the director inspected already."""
    s = small_school
    inspection_record(actor=s.director.user, journal=s.journal, remarks="", at=at("2026-10-05"))
    with time_machine.travel(at("2026-10-19"), tick=False):
        assert not [key for key in reminders_send(s.school) if key.startswith("inspection:")]
    with time_machine.travel(at("2026-10-20"), tick=False):
        sent = [key for key in reminders_send(s.school) if key.startswith("inspection:")]
    assert sent == [f"inspection:{s.school.pk}:{s.deputy.pk}:2026-10"]
    assert list(Reminder.objects.filter(kind="inspection").values_list("user_id", flat=True)) == [s.deputy.user_id]
    with time_machine.travel(at("2026-10-21"), tick=False):
        assert not [key for key in reminders_send(s.school) if key.startswith("inspection:")]
