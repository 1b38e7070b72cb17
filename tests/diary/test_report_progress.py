"""D14: the progress and quality report — the formulas of DOMAIN.md, one build per run, due runs found by the sweep."""

import datetime as dt

import pytest
import time_machine

from diary.models import FinalGrade, ReportRun
from diary.services.marks import CellChange, marks_save
from diary.services.report_progress import progress_summary, rates
from diary.services.reports import due_report_runs, report_build, report_request
from diary.services.sweep import sweep_run

pytestmark = pytest.mark.django_db
IN_THE_SECOND_QUARTER = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


def test_the_rates_follow_the_formulas():
    # N = 10: n5 = 2, n4 = 3, n3 = 3, n2 = 1, na = 1.
    # СОУ = (100·2 + 64·3 + 36·3 + 16·1 + 7·1) / 10 = 523 / 10
    assert rates({"n5": 2, "n4": 3, "n3": 3, "n2": 1, "na": 1}) == {
        "n": 10,
        "progress": 80.0,
        "quality": 50.0,
        "sou": 52.3,
    }


def test_rates_of_nobody_are_empty():
    assert rates({"n5": 0, "n4": 0, "n3": 0, "n2": 0, "na": 0})["progress"] is None


def test_rates_round_half_up_to_a_tenth():
    # 2 of 3 → 66.666… → 66.7; 1 of 8 → 12.5 stays 12.5; 1 of 16 → 6.25 → 6.3 (half up, not to even)
    assert rates({"n5": 2, "n4": 0, "n3": 0, "n2": 1, "na": 0})["quality"] == 66.7
    assert rates({"n5": 1, "n4": 0, "n3": 0, "n2": 15, "na": 0})["quality"] == 6.3


def finals(school, values):
    for student, value in zip(school.students, values, strict=True):
        FinalGrade.objects.create(
            school=school.school,
            student=student,
            subject=school.journal.subject,
            period=school.q1,
            journal=school.journal,
            value=str(value),
            grade=value if isinstance(value, int) else None,
        )


def test_the_summary_counts_each_journals_finals_and_averages_its_marks(small_school):
    finals(small_school, [5, "na", "exempt"])
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        at=dt.datetime(2026, 9, 8, tzinfo=dt.UTC),
        changes=[CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[5, 4])],
    )
    summary = progress_summary(period=small_school.q1)
    (row,) = summary["rows"]
    assert (row["class"], row["n"], row["n5"], row["na"]) == ("5А", 2, 1, 1)
    assert (row["progress"], row["quality"], row["sou"], row["average"]) == (50.0, 50.0, 53.5, 4.5)
    assert summary["school"]["n"] == 2


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_summary_reads_four_queries_and_names_the_subject_in_the_language(
    small_school, language, django_assert_num_queries
):
    from django.utils import translation

    finals(small_school, [5, 4, 3])
    subject = small_school.journal.subject
    subject.name_ky, subject.name_ru = "Математика", "Математика (ru)"
    subject.save()
    with (
        translation.override(language),
        django_assert_num_queries(4),
    ):  # finals, marks, journals, struggling: no column read later one by one
        summary = progress_summary(period=small_school.q1)
    (row,) = summary["rows"]
    expected = "Математика" if language == "ky" else "Математика (ru)"
    assert (row["subject"], row["teacher"], row["class"]) == (expected, small_school.teacher.short_name, "5А")
    assert [group["class"] for group in summary["classes"]] == ["5А"]


def test_a_run_is_built_once(small_school):
    finals(small_school, [5, 4, 3])
    run = report_request(
        actor=small_school.director.user, school=small_school.school, kind="progress", period=small_school.q1
    )
    assert report_build(run_id=run.pk).status == "done"
    assert report_build(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.summary["school"]["quality"] == 66.7


def test_the_sweep_finds_reports_that_are_due_once(small_school):
    """Q1 ended on 31 October; its D7 window closed on 2 November; Q2 is not over."""
    due = due_report_runs(school=small_school.school, today=dt.date(2026, 11, 20))
    assert [run.period for run in due if run.kind == "progress"] == [small_school.q1]
    assert {run.kind for run in due if run.period_id} == {"progress", "compliance"}
    on_the_last_day = due_report_runs(school=small_school.school, today=dt.date(2026, 11, 2))
    assert [run.kind for run in on_the_last_day] == ["activity", "activity"]
    assert ReportRun.objects.filter(kind="progress").count() == 1


def test_the_sweep_builds_due_reports(small_school, django_capture_on_commit_callbacks):
    with time_machine.travel(IN_THE_SECOND_QUARTER), django_capture_on_commit_callbacks(execute=True):
        result = sweep_run()
    run = ReportRun.objects.get(kind="progress")
    assert run.key in result["queued"]
    run.refresh_from_db()
    assert run.status == "done"  # tasks run in-process in the test settings


def test_a_report_asked_for_over_the_api_is_built_and_readable(api, small_school, django_capture_on_commit_callbacks):
    finals(small_school, [5, 4, 3])
    with django_capture_on_commit_callbacks(execute=True):
        response = api("director").post(
            "/api/diary/v1/reports/", {"kind": "progress", "period": "quarter-1"}, format="json"
        )
    assert response.status_code == 202
    report = api("director").get(f"/api/diary/v1/reports/{response.json()['id']}/").json()
    assert report["status"] == "done"
    assert report["summary"]["rows"][0]["class"] == "5А"
    assert report["summary"]["school"]["progress"] == 100.0


def test_build_reports_due_builds_each_due_report_once(small_school):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    with time_machine.travel(IN_THE_SECOND_QUARTER):
        call_command("build_reports", "--due", stdout=out)
        call_command("build_reports", "--due", stdout=out)
    # Q1's progress and compliance reports, and the activity of September and October: each built once.
    assert out.getvalue().count("→ done") == 4
    assert set(ReportRun.objects.values_list("status", flat=True)) == {"done"}
