"""D14 acceptance: hand-computed figures of a small school, asserted in the summaries, the XLSX cells and the PDF text.

The first quarter (1 September – 31 October, finals until 2 November) of `small_school`, plus:
- Mirlan, who was in 5Б until 14 October and in 5А from 15 October (he has a 3 in 5Б and a final 2 in 5А);
- Nurlan, who stays in 5Б and never gets a final (other_teacher's finals missing);
- 1А, a no-marks grade level (D9): attendance only.

5А math finals: students[0] = 5, students[1] = n/a, students[2] = exempt, Mirlan = 2 (set late, after a reopening).
→ N = 3 (exempt left out), n5 = 1, n2 = 1, na = 1; progress = quality = 1/3 = 33.3 %;
  СОУ = (100 + 16 + 7) / 3 = 41.0; 5А marks 5, 4, 3 → average 4.0; grade 5 (5А + 5Б's 3) → 15 / 4 = 3.75.
Missed lessons: 5А absent (unexcused), excused, sick (excused); 1А absent → 4 missed, 2 excused, 2 unexcused;
September: 2 unexcused; October: 2 excused.
"""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from diary.models import ReportRun
from diary.services.data_checks import data_check_record
from diary.services.finals import FinalChange, final_window_reopen, finals_set
from diary.services.inspections import inspection_record
from diary.services.lessons import lesson_update
from diary.services.marks import CellChange, marks_save
from diary.services.messaging import thread_start
from diary.services.report_files import cell_safe, report_xlsx
from diary.services.reports import report_build, report_request
from diary.services.staffing import student_move
from tests import factories

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+06:00")


@pytest.fixture
def quarter(small_school):
    s = small_school
    class_5b = factories.SchoolClassFactory(year=s.q1.year, code="5Б", grade=5, homeroom_teacher=s.other_teacher)
    mover = factories.EnrolmentFactory(school_class=class_5b, student__last_name="Мирланов").student
    stayer = factories.EnrolmentFactory(school_class=class_5b, student__last_name="Нурланов").student
    journal_5b = factories.JournalFactory(school_class=class_5b, teacher=s.other_teacher, subject=s.journal.subject)
    lesson_5b = factories.LessonFactory(journal=journal_5b, date=dt.date(2026, 9, 8), lesson_no=1)
    marks_save(
        actor=s.other_teacher.user,
        journal=journal_5b,
        at=at("2026-09-08"),
        changes=[CellChange(lesson_5b.pk, mover.pk, None, grades=[3])],
    )
    student_move(actor=s.director.user, student=mover, to_class=s.class_5a, on_date=dt.date(2026, 10, 15))
    s0, s1, s2 = s.students
    l0, l1, l2, l3 = s.lessons
    teacher = s.teacher.user
    marks_save(actor=teacher, journal=s.journal, at=at("2026-09-08"), changes=[CellChange(l0.pk, s0.pk, None, [5, 4])])
    marks_save(
        actor=teacher, journal=s.journal, at=at("2026-09-10"), changes=[CellChange(l1.pk, s1.pk, None, None, "absent")]
    )
    marks_save(
        actor=teacher,
        journal=s.journal,
        at=at("2026-10-28"),
        changes=[CellChange(l2.pk, s2.pk, None, None, "excused"), CellChange(l3.pk, mover.pk, None, None, "sick")],
    )
    # D5: the lesson of Monday 26 October was due by Monday 2 November; this entry is late.
    marks_save(actor=teacher, journal=s.journal, at=at("2026-11-05"), changes=[CellChange(l2.pk, s0.pk, None, [3])])
    marks_save(
        actor=teacher,
        journal=s.journal_1a,
        at=at("2026-09-07"),
        changes=[CellChange(s.lesson_1a.pk, s.first_grader.pk, None, None, "absent")],
    )
    for lesson in (l0, l1, l2):
        lesson_update(actor=teacher, lesson=lesson, topic="Бөлчөктөр", at=at(str(lesson.date)))
    finals_set(
        actor=teacher,
        journal=s.journal,
        period=s.q1,
        finals=[FinalChange(s0.pk, 5), FinalChange(s1.pk, "na"), FinalChange(s2.pk, "exempt")],
        at=at("2026-11-01"),
    )
    final_window_reopen(
        actor=s.director.user,
        journal=s.journal,
        period=s.q1,
        until=dt.date(2026, 11, 10),
        reason="Мирлан",
        at=at("2026-11-05"),
    )
    finals_set(actor=teacher, journal=s.journal, period=s.q1, finals=[FinalChange(mover.pk, 2)], at=at("2026-11-05"))
    data_check_record(actor=s.homeroom.user, school_class=s.class_5a, on=dt.date(2026, 9, 15))
    data_check_record(actor=s.homeroom.user, school_class=s.class_5a, on=dt.date(2026, 10, 10))
    inspection_record(actor=s.director.user, journal=s.journal, remarks="", at=at("2026-10-05"))
    # D11: the homeroom teacher writes to a parent of 5А in both months of the quarter.
    for day in ("2026-09-18", "2026-10-16"):
        with time_machine.travel(at(day), tick=False):
            thread_start(sender=s.homeroom.user, recipient_ids=[s.parent.user_id], subject="Жетишкендиктер", body="…")
    s.mover, s.stayer, s.class_5b = mover, stayer, class_5b
    return s


def built(school, kind: str, **where) -> ReportRun:
    run = report_request(actor=school.director.user, school=school.school, kind=kind, **where)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_progress_figures_per_journal_class_grade_level_and_school(quarter):
    summary = built(quarter, "progress", period=quarter.q1).summary
    row_5a = next(row for row in summary["rows"] if row["class"] == "5А")
    assert {key: row_5a[key] for key in ("n", "n5", "n4", "n3", "n2", "na")} == {
        "n": 3, "n5": 1, "n4": 0, "n3": 0, "n2": 1, "na": 1
    }  # fmt: skip
    assert (row_5a["progress"], row_5a["quality"], row_5a["sou"], row_5a["average"]) == (33.3, 33.3, 41.0, 4.0)
    row_5b = next(row for row in summary["classes"] if row["class"] == "5Б")
    assert (row_5b["n"], row_5b["progress"], row_5b["average"]) == (0, None, 3.0)
    grade_5, grade_1 = (next(g for g in summary["grades"] if g["grade"] == level) for level in (5, 1))
    assert (grade_5["n"], grade_5["sou"], grade_5["average"]) == (3, 41.0, 3.75)
    assert (grade_1["n"], grade_1["progress"], grade_1["average"]) == (0, None, None)
    assert {key: summary["school"][key] for key in ("n", "progress", "quality", "sou", "average")} == {
        "n": 3, "progress": 33.3, "quality": 33.3, "sou": 41.0, "average": 3.75
    }  # fmt: skip
    attendance = summary["attendance"]
    assert (attendance["missed"], attendance["excused"], attendance["unexcused"]) == (4, 2, 2)
    assert [(m["month"], m["excused"], m["unexcused"]) for m in attendance["months"]] == [
        ("2026-09", 0, 2),
        ("2026-10", 2, 0),
    ]
    assert {(row["class"], row["missed"]) for row in attendance["classes"]} == {("5А", 3), ("1А", 1)}
    assert sorted((row["student"].split()[0], row["value"]) for row in summary["students"]) == [
        ("Мирланов", "2"),
        (quarter.students[1].last_name, "na"),
    ]


def test_compliance_figures_and_the_bonus_verdict(quarter):
    summary = built(quarter, "compliance", period=quarter.q1).summary
    rows = {row["teacher_id"]: row for row in summary["rows"]}
    teacher = rows[quarter.teacher.pk]
    # 4 lessons of 5А and one of 1А, topics on three; the late 3 of 5 November; Mirlan's final after the window.
    assert {key: teacher[key] for key in ("lessons", "lessons_without_topic", "late_entries", "finals_late")} == {
        "lessons": 5, "lessons_without_topic": 2, "late_entries": 1, "finals_late": 1
    }  # fmt: skip
    assert (teacher["finals_missing"], teacher["data_checks_missed"], teacher["journals_inspected"]) == (0, 0, 1)
    assert teacher["eligible"] is False
    assert set(teacher["reasons"]) == {"lessons_without_topic", "late_entries", "finals_late"}
    other = rows[quarter.other_teacher.pk]
    # Nurlan (5Б) has no final; 1А and 5Б had no data check in September or October.
    assert (other["finals_missing"], other["data_checks_missed"], other["eligible"]) == (1, 4, False)
    homeroom = rows[quarter.homeroom.pk]
    assert (homeroom["homeroom_classes"], homeroom["data_checks_missed"], homeroom["eligible"]) == (["5А"], 0, True)
    assert summary["months"] == ["2026-09", "2026-10"]


def test_activity_counts_logins_entries_and_messages_per_user_and_role(quarter, client):
    with_login = quarter.teacher.user
    with time_machine.travel(at("2026-11-03")):
        client.force_login(with_login)
        thread_start(sender=with_login, recipient_ids=[quarter.homeroom.user_id], subject="Салам", body="Жолугалы")
    summary = built(quarter, "activity", month="2026-11").summary
    rows = {row["user"]: row for row in summary["rows"]}
    teacher = rows[with_login.username]
    # November: the late 3 (grades) and the late final of Mirlan are audit entries; the login; one message.
    assert (teacher["logins"], teacher["marks"], teacher["late_entries"], teacher["messages"]) == (1, 1, 1, 1)
    assert teacher["role"] == "teacher"
    assert rows["director"]["role"] == "administration"
    assert summary["roles"]["teacher"]["logins"] == 1
    assert summary["roles"]["student"]["users"] == 1  # students[0] has the only student account
    september = built(quarter, "activity", month="2026-09").summary
    september_rows = {row["user"]: row for row in september["rows"]}
    assert september_rows[with_login.username]["marks"] == 1  # the 5 and 4 of 7 September, one cell
    assert september_rows[with_login.username]["attendance"] == 2  # 5А absent, 1А absent


def test_the_xlsx_has_one_sheet_per_view_with_the_same_figures_set_up_for_printing(quarter):
    run = built(quarter, "progress", period=quarter.q1)
    workbook = load_workbook(run.xlsx.path)
    assert len(workbook.sheetnames) == 9
    subjects = workbook.worksheets[1]
    header = [cell.value for cell in subjects[1]]
    values = {row[0]: dict(zip(header, row, strict=True)) for row in subjects.iter_rows(min_row=2, values_only=True)}
    row_5a = values["5А"]
    assert [row_5a[label] for label in ("N", "5", "2")] == [3, 1, 1]
    assert 33.3 in row_5a.values() and 41.0 in row_5a.values()
    school = workbook.worksheets[3]
    assert [cell.value for cell in school[2]][:1] == [3]
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.freeze_panes == "A2"
        assert sheet.print_title_rows in ("1:1", "$1:$1")


def test_the_pdf_shows_the_figures_and_draws_the_charts(quarter):
    run = built(quarter, "progress", period=quarter.q1)
    content = run.pdf.read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    # Decimal commas, as Kyrgyz writes them.
    assert "5А" in text and "33,3" in text and "41,0" in text and "3,75" in text
    assert "Мирланов" in text
    compliance = built(quarter, "compliance", period=quarter.q1)
    assert quarter.teacher.last_name in pdf_text(compliance.pdf.read())


def test_the_pdf_charts_are_inline_svg(quarter):
    from diary.services.report_views import report_views

    summary = built(quarter, "progress", period=quarter.q1).summary
    charts = [view.chart for view in report_views("progress", summary) if view.chart]
    assert len(charts) == 2 and all(chart.startswith("<svg") for chart in charts)
    assert "5Б" in charts[0] and "октябрь 2026" in charts[1]


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(text):
    assert cell_safe(text) == "'" + text
    assert cell_safe(-2) == -2 and cell_safe("5А") == "5А"


def test_a_teachers_name_that_looks_like_a_formula_is_exported_as_text(quarter):
    quarter.teacher.last_name = "=cmd|' /C calc'!A0"
    quarter.teacher.save()
    run = built(quarter, "compliance", period=quarter.q1)
    sheet = load_workbook(run.xlsx.path).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    cell = next(cell for cell in cells if str(cell.value).startswith("=cmd"))
    # Shown as typed, without a visible apostrophe, and stored as text with the quote prefix, so it never runs.
    assert cell.value == "=cmd|' /C calc'!A0 Бакыт"
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_of_an_empty_report_still_has_its_sheets():
    content = report_xlsx(kind="compliance", summary={"rows": []}, title="=x", language="ru")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.worksheets[0].max_row == 1
    assert workbook.worksheets[0].oddHeader.center.text == "'=x"


def test_building_twice_keeps_one_run_and_one_set_of_files(quarter):
    run = built(quarter, "progress", period=quarter.q1)
    files = (run.xlsx.name, run.pdf.name)
    assert report_build(run_id=run.pk) is None
    again = report_request(actor=quarter.director.user, school=quarter.school, kind="progress", period=quarter.q1)
    again.refresh_from_db()
    assert again.pk == run.pk and (again.xlsx.name, again.pdf.name) == files and again.attempts == 1
    assert again.started_at <= again.finished_at


def test_a_failed_build_records_its_error_and_attaches_no_file(quarter, monkeypatch):
    from diary.services import reports

    def broken(run):
        raise RuntimeError("disk full")

    monkeypatch.setitem(reports.BUILDERS, "progress", broken)
    run = report_request(actor=quarter.director.user, school=quarter.school, kind="progress", period=quarter.q1)
    with pytest.raises(RuntimeError):
        report_build(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.xlsx.name, run.pdf.name) == ("failed", "", "")
    assert "disk full" in run.error


def test_a_run_left_running_by_a_dead_worker_is_taken_over_after_the_timeout(quarter, settings):
    from diary.services.reports import ReportRunBusy, report_run_claim

    settings.REPORT_ABANDONED_SECONDS = 600
    run = report_request(actor=quarter.director.user, school=quarter.school, kind="progress", period=quarter.q1)
    with time_machine.travel(at("2026-11-20", 10), tick=False):
        assert report_run_claim(run_id=run.pk).attempts == 1  # this worker dies here
    with time_machine.travel(at("2026-11-20", 10) + dt.timedelta(minutes=5), tick=False), pytest.raises(ReportRunBusy):
        report_build(run_id=run.pk)
    with time_machine.travel(at("2026-11-20", 10) + dt.timedelta(minutes=11), tick=False):
        assert report_build(run_id=run.pk).status == "done"
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("done", 2)


def sweep_at(moment: dt.datetime, capture) -> list[str]:
    from diary.services.sweep import sweep_run

    with time_machine.travel(moment, tick=False), capture(execute=True):
        return sweep_run()["queued"]


def test_the_sweep_queues_a_months_activity_report_once_the_month_ended_in_bishkek(
    small_school, django_capture_on_commit_callbacks
):
    september = f"{small_school.school.pk}:activity:2026-09:official:0"
    assert september not in sweep_at(
        at("2026-09-30", 23) + dt.timedelta(minutes=59), django_capture_on_commit_callbacks
    )
    # 00:01 on 1 October in Bishkek is still 30 September in UTC.
    assert september in sweep_at(at("2026-10-01", 0) + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert ReportRun.objects.get(key=september).status == "done"
    assert september not in sweep_at(at("2026-10-01", 0) + dt.timedelta(minutes=16), django_capture_on_commit_callbacks)


def test_the_sweep_queues_the_quarters_reports_once_the_final_grade_window_closed(
    small_school, django_capture_on_commit_callbacks
):
    """Q1 ends on 31 October; finals may be set until 2 November (D7)."""
    keys = {f"{small_school.school.pk}:{kind}:2026-quarter-1:official:0" for kind in ("progress", "compliance")}
    last_minute = sweep_at(at("2026-11-02", 23) + dt.timedelta(minutes=59), django_capture_on_commit_callbacks)
    assert keys.isdisjoint(last_minute)
    assert keys <= set(sweep_at(at("2026-11-03", 0) + dt.timedelta(minutes=1), django_capture_on_commit_callbacks))
    assert set(ReportRun.objects.filter(key__in=keys).values_list("status", flat=True)) == {"done"}
    assert keys.isdisjoint(sweep_at(at("2026-11-03", 6), django_capture_on_commit_callbacks))


def add_classes(small_school, count: int) -> None:
    """More classes, each with a teacher, a journal, a lesson, a mark, a final and a data check."""
    from diary.models import DataCheck, FinalGrade, Mark

    for _ in range(count):
        school_class = factories.SchoolClassFactory(year=small_school.q1.year, grade=6)
        student = factories.EnrolmentFactory(school_class=school_class).student
        journal = factories.JournalFactory(school_class=school_class)
        lesson = factories.LessonFactory(journal=journal, date=dt.date(2026, 9, 8), lesson_no=1)
        Mark.objects.create(school=lesson.school, lesson=lesson, student=student, grade_1=4, attendance="absent")
        FinalGrade.objects.create(
            school=lesson.school, student=student, subject=journal.subject, period=small_school.q1,
            journal=journal, value="4", grade=4,
        )  # fmt: skip
        DataCheck.objects.create(
            school=lesson.school, school_class=school_class, checked_by=school_class.homeroom_teacher,
            checked_on=dt.date(2026, 9, 10),
        )  # fmt: skip


@pytest.mark.parametrize("kind", ["progress", "compliance", "activity"])
def test_a_summary_takes_the_same_number_of_queries_however_big_the_school(small_school, kind):
    """B7: the summaries aggregate in the database; more classes, teachers and marks add no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diary.services.reports import BUILDERS

    run = report_request(
        actor=small_school.director.user,
        school=small_school.school,
        kind=kind,
        **({"month": "2026-09"} if kind == "activity" else {"period": small_school.q1}),
    )
    counts = []
    for more in (1, 4):
        add_classes(small_school, more)
        with CaptureQueriesContext(connection) as queries:
            summary = BUILDERS[kind](run)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert summary["rows"]


def test_a_report_that_keeps_failing_is_no_longer_queued_by_the_sweep(small_school, monkeypatch):
    from diary.services import reports

    def broken(run):
        raise RuntimeError("bad data")

    monkeypatch.setitem(reports.BUILDERS, "compliance", broken)
    key = f"{small_school.school.pk}:compliance:2026-quarter-1:official:0"
    for attempt in range(1, reports.MAX_ATTEMPTS + 1):
        (run,) = [
            r for r in reports.due_report_runs(school=small_school.school, today=dt.date(2026, 11, 20)) if r.key == key
        ]
        with pytest.raises(RuntimeError):
            report_build(run_id=run.pk)
        run.refresh_from_db()
        assert (run.status, run.attempts) == ("failed", attempt)
    assert key not in [r.key for r in reports.due_report_runs(school=small_school.school, today=dt.date(2026, 11, 20))]


def test_the_compliance_xlsx_and_pdf_carry_the_same_figures(quarter):
    run = built(quarter, "compliance", period=quarter.q1)
    sheet = load_workbook(run.xlsx.path).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    # teacher, homeroom class, journals, lessons, without topic, late entries, finals late, finals missing, ...
    assert rows[quarter.teacher.short_name][2:9] == (2, 5, 2, 1, 1, 0, 0)
    assert rows[quarter.other_teacher.short_name][1] == "1А, 5Б"
    text = pdf_text(run.pdf.read())
    assert quarter.homeroom.short_name.split()[0] in text and "5А" in text


def test_a_compliance_report_asked_for_mid_quarter_counts_only_the_lessons_held(small_school):
    from diary.services.report_compliance import compliance_summary

    with time_machine.travel(at("2026-09-08"), tick=False):
        rows = {row["teacher_id"]: row for row in compliance_summary(period=small_school.q1)["rows"]}
    assert (rows[small_school.teacher.pk]["lessons"], rows[small_school.teacher.pk]["lessons_without_topic"]) == (2, 2)
