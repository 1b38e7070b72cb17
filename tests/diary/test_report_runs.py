"""D14: a report run knows the state of the data it was built from; previews before the final-grade window closed,
the sweep's official run after it (and again after a reopened window); counts on the school's scale; roll-ups."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from diary.models import ReportRun
from diary.permissions import ReportScope
from diary.services.finals import FinalChange, final_window_reopen, finals_set
from diary.services.marks import CellChange, marks_save
from diary.services.reports import report_build, report_file, report_request, report_summary_scoped
from diary.services.sweep import sweep_run
from tests import factories

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+06:00")


def ask(school, kind: str = "progress", **where) -> ReportRun:
    where = where or {"period": school.q1}
    return report_request(actor=school.director.user, school=school.school, kind=kind, **where)


def build(run: ReportRun) -> ReportRun:
    report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def save_grade(school, lesson, student, grades, moment):
    marks_save(
        actor=school.teacher.user,
        journal=school.journal,
        at=moment,
        changes=[CellChange(lesson.pk, student.pk, None, grades)],
    )


def test_asking_again_after_the_data_changed_builds_a_new_run_and_asking_twice_unchanged_is_one(small_school):
    """D14: a run built mid-quarter is not the answer once a mark was entered after it; unchanged data, one run."""
    s = small_school
    with time_machine.travel(at("2026-09-10"), tick=False):
        save_grade(s, s.lessons[0], s.students[0], [5], at("2026-09-10"))
        first = build(ask(s))
        assert ask(s).pk == first.pk
        save_grade(s, s.lessons[1], s.students[1], [3], at("2026-09-10", 13))
        second = ask(s)
        assert second.pk != first.pk
        assert ask(s).pk == second.pk
        second = build(second)
    row = next(row for row in second.summary["rows"] if row["class"] == "5А")
    assert row["average"] == 4.0  # the 5 and the later 3
    first.refresh_from_db()
    assert next(row for row in first.summary["rows"] if row["class"] == "5А")["average"] == 5.0  # nothing lost
    assert ReportRun.objects.filter(kind="progress").count() == 2


def test_a_compliance_report_asked_on_a_later_day_of_a_running_quarter_is_a_new_run(small_school):
    """D14: while the quarter runs, the compliance report counts the lessons held so far: a new day, a new run."""
    with time_machine.travel(at("2026-09-08"), tick=False):
        first = ask(small_school, "compliance")
        assert ask(small_school, "compliance").pk == first.pk
    with time_machine.travel(at("2026-09-10"), tick=False):
        assert ask(small_school, "compliance").pk != first.pk


def test_a_run_built_before_the_window_closed_is_a_preview_on_screen_and_in_both_languages_files(small_school, client):
    """D14: a preview says so in its XLSX and PDF (ky and ru) and on the reports page; its API answer says so too."""
    with time_machine.travel(at("2026-11-01"), tick=False):  # Q1's final grades may be set until 2 November (D7)
        run = build(ask(small_school))
    assert (run.preview, run.official) == (True, False)
    assert "-preview" in run.xlsx.name
    workbook = load_workbook(run.xlsx.path)
    about = workbook.worksheets[0]
    assert about.title == "Бул отчет жөнүндө"
    assert about["A2"].value.startswith("Алдын ала нуска")
    assert "Алдын ала нуска" in workbook.worksheets[1].oddHeader.center.text
    assert "Алдын ала нуска" in pdf_text(run.pdf.read())
    scope = ReportScope(whole=True)
    russian_pdf, name = report_file(run=run, scope=scope, file_format="pdf", language="ru")
    assert "Предварительный отчёт" in pdf_text(russian_pdf) and name.endswith("-preview.pdf")
    russian_xlsx, _name = report_file(run=run, scope=scope, file_format="xlsx", language="ru")
    assert load_workbook(io.BytesIO(russian_xlsx)).worksheets[0]["A2"].value.startswith("Предварительный отчёт")
    client.force_login(small_school.director.user)
    page = client.get("/ky/diary/reports/").content.decode()
    assert f'data-run="{run.pk}"' in page and "data-preview" in page and "алдын ала нуска" in page
    russian_page = client.get("/ru/diary/reports/").content.decode()
    assert "предварительный" in russian_page


def test_a_run_built_after_the_window_closed_is_not_a_preview(small_school):
    """D14: once the final-grade window closed, a run asked for is no preview (and no official run either)."""
    with time_machine.travel(at("2026-11-03"), tick=False):
        run = build(ask(small_school))
    assert (run.preview, run.official) == (False, False)
    assert load_workbook(run.xlsx.path).worksheets[0].title != "Бул отчет жөнүндө"


def sweep_at(moment: dt.datetime, capture) -> list[str]:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return sweep_run()["queued"]


def official_runs(school, kind: str = "progress") -> list[ReportRun]:
    return list(ReportRun.objects.filter(school=school.school, kind=kind, official=True).order_by("pk"))


def test_the_sweep_builds_the_official_run_once_the_window_closed_and_again_after_a_reopened_window(
    small_school, django_capture_on_commit_callbacks
):
    """D14, D7: the official Q1 report is built after 2 November, not rebuilt while nothing reopens the window, and
    built again once a reopened window has closed, with the final grade set in it."""
    s = small_school
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(at("2026-11-01"), tick=False):
        finals_set(actor=s.teacher.user, journal=s.journal, period=s.q1, finals=[FinalChange(s.students[0].pk, 5)])
    sweep_at(at("2026-11-03", 1), capture)
    sweep_at(at("2026-11-04", 1), capture)
    (official,) = official_runs(s)
    assert (official.status, official.preview, official.summary["school"]["n"]) == ("done", False, 1)
    with time_machine.travel(at("2026-11-05"), tick=False):
        final_window_reopen(
            actor=s.director.user, journal=s.journal, period=s.q1, until=dt.date(2026, 11, 10), reason="Ооруп калган"
        )
        finals_set(actor=s.teacher.user, journal=s.journal, period=s.q1, finals=[FinalChange(s.students[1].pk, 4)])
    sweep_at(at("2026-11-10", 20), capture)
    assert len(official_runs(s)) == 1  # the reopened window is still open
    sweep_at(at("2026-11-11", 1), capture)
    first, rebuilt = official_runs(s)
    assert first.pk == official.pk and first.summary["school"]["n"] == 1  # the earlier official run is kept
    assert (rebuilt.status, rebuilt.preview, rebuilt.summary["school"]["n"]) == ("done", False, 2)
    sweep_at(at("2026-11-12", 1), capture)
    assert len(official_runs(s)) == 2
    with time_machine.travel(at("2026-11-12"), tick=False):
        assert ask(s).pk == rebuilt.pk  # asked for with nothing changed since: the official run


def test_the_api_says_whether_a_run_is_official_or_a_preview(api, small_school, django_capture_on_commit_callbacks):
    """D14: `POST reports/` → 202 {id, status, official}; `GET reports/{id}/` adds official and preview."""
    with time_machine.travel(at("2026-10-20"), tick=False):
        asked = api("director").post(
            "/api/diary/v1/reports/", {"kind": "progress", "period": "quarter-1"}, format="json"
        )
        assert asked.status_code == 202
        assert asked.json() == {"id": asked.json()["id"], "status": "pending", "official": False}
        build(ReportRun.objects.get(pk=asked.json()["id"]))
        shown = api("director").get(f"/api/diary/v1/reports/{asked.json()['id']}/").json()
    assert (shown["official"], shown["preview"]) == (False, True)
    sweep_at(at("2026-11-03", 1), django_capture_on_commit_callbacks)
    (official,) = official_runs(small_school)
    shown = api("director").get(f"/api/diary/v1/reports/{official.pk}/").json()
    assert (shown["status"], shown["official"], shown["preview"]) == ("done", True, False)


def test_counts_follow_the_schools_scale(small_school):
    """D14, D9: on a 1–5 scale a final 1 is counted (with the 2s as failing), and the files show a column per grade."""
    s = small_school
    s.school.scale_min = 1
    s.school.save()
    with time_machine.travel(at("2026-11-01"), tick=False):
        finals_set(
            actor=s.teacher.user,
            journal=s.journal,
            period=s.q1,
            finals=[
                FinalChange(s.students[0].pk, 5),
                FinalChange(s.students[1].pk, 1),
                FinalChange(s.students[2].pk, 2),
            ],
        )
        run = build(ask(s))
    row = next(row for row in run.summary["rows"] if row["class"] == "5А")
    assert (row["n"], row["n5"], row["n2"], row["progress"]) == (3, 1, 2, 33.3)
    assert row["grades"] == {"1": 1, "2": 1, "3": 0, "4": 0, "5": 1}
    assert run.summary["scale"] == [5, 4, 3, 2, 1]
    assert {student["value"] for student in run.summary["students"]} == {"1", "2"}
    subjects = load_workbook(run.xlsx.path)["Сабактар"]
    header = [cell.value for cell in subjects[1]]
    assert header[3:10] == ["N", "5", "4", "3", "2", "1", "н/а"]
    values = dict(zip(header, next(subjects.iter_rows(min_row=2, values_only=True)), strict=True))
    assert (values["1"], values["2"], values["5"]) == (1, 1, 1)


def test_the_school_report_rolls_up_per_teacher_and_per_subject(small_school):
    """D14: the progress report per teacher and per subject, with the rows' figures, in the summary and the files."""
    s = small_school
    other_subject = factories.JournalFactory(school_class=s.class_5a, teacher=s.other_teacher, subject__name="Тарых")
    lesson = factories.LessonFactory(journal=other_subject, date=dt.date(2026, 10, 26), lesson_no=3)
    with time_machine.travel(at("2026-11-01"), tick=False):
        finals_set(
            actor=s.teacher.user,
            journal=s.journal,
            period=s.q1,
            finals=[FinalChange(s.students[0].pk, 5), FinalChange(s.students[1].pk, 3)],
        )
        marks_save(
            actor=s.other_teacher.user,
            journal=other_subject,
            at=at("2026-10-26"),
            changes=[CellChange(lesson.pk, s.students[0].pk, None, [4])],
        )
        finals_set(
            actor=s.other_teacher.user, journal=other_subject, period=s.q1, finals=[FinalChange(s.students[0].pk, 4)]
        )
        run = build(ask(s))
    teachers = {row["teacher_id"]: row for row in run.summary["teachers"]}
    assert (teachers[s.teacher.pk]["n"], teachers[s.teacher.pk]["quality"]) == (2, 50.0)
    assert (teachers[s.other_teacher.pk]["n"], teachers[s.other_teacher.pk]["average"]) == (1, 4.0)
    subjects = {row["subject"]: row for row in run.summary["subjects"]}
    assert (subjects["Тарых"]["n"], subjects["Тарых"]["quality"], subjects["Тарых"]["journals"]) == (1, 100.0, 1)
    workbook = load_workbook(run.xlsx.path)
    by_teacher = {row[0]: row for row in workbook["Мугалимдер боюнча"].iter_rows(min_row=2, values_only=True)}
    assert by_teacher[s.teacher.short_name][2] == 2  # N
    by_subject = {row[0]: row for row in workbook["Сабактар боюнча"].iter_rows(min_row=2, values_only=True)}
    assert by_subject["Тарых"][2] == 1
    scope = ReportScope(whole=False, staff_id=s.other_teacher.pk, journal_ids=frozenset({other_subject.pk}))
    seen = report_summary_scoped(run=run, scope=scope)
    assert [row["teacher_id"] for row in seen["teachers"]] == [s.other_teacher.pk]
    assert [row["subject"] for row in seen["subjects"]] == ["Тарых"]
