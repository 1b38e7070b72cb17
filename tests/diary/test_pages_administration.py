"""The administration's pages (D6, D7, D12, D14, D16): school setup, substitutions, journal inspection, reopening
a final-grade window, a journal's audit trail, reports. Everyone outside the administration is refused (D15)."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from diary.models import AuditEntry, FinalWindowReopening, Inspection, ReportRun, Substitution
from diary.services.inspections import inspection_record
from diary.services.marks import CellChange, marks_save
from tests import factories

NOW = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.UTC)
ADMINISTRATION = ["director", "deputy", "admin"]
OUTSIDERS = ["teacher", "homeroom", "substitute", "student", "parent"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client_for(small_school):
    def make(persona: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="ky")
        user = small_school.user(persona)
        if user is not None:
            client.force_login(user)
        return client

    return make


def pages(small_school) -> list[str]:
    return [
        "/ky/diary/administration/",
        "/ky/diary/administration/substitutions/",
        "/ky/diary/administration/inspections/",
        "/ky/diary/administration/final-windows/",
        f"/ky/diary/journals/{small_school.journal.pk}/history/",
    ]


@pytest.mark.parametrize("persona", ADMINISTRATION)
def test_administration_opens_every_administration_page(small_school, client_for, persona):
    client = client_for(persona)
    for url in pages(small_school):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"admin-nav" in response.content or url.endswith("/history/"), url


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_everyone_else_is_refused_every_administration_page(small_school, client_for, persona):
    client = client_for(persona)
    # A journal's history is not the administration's alone (tests/diary/test_journal_history_access.py).
    for url in [url for url in pages(small_school) if not url.endswith("/history/")]:
        assert client.get(url).status_code == 403, url
    assert client.post("/ky/diary/administration/inspections/", {"journal": small_school.journal.pk}).status_code == 403
    assert not Inspection.objects.exists()


def test_another_schools_director_sees_no_journal_history(small_school, client_for):
    response = client_for("stranger").get(f"/ky/diary/journals/{small_school.journal.pk}/history/")
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_login(small_school, client_for):
    response = client_for("anonymous").get("/ky/diary/administration/")
    assert response.status_code == 302
    assert "/ky/diary/login/" in response["Location"]


def test_overview_shows_periods_with_final_windows_classes_and_counts(small_school, client_for):
    page = client_for("director").get("/ky/diary/administration/").content.decode()
    assert 'data-count="students">4<' in page
    assert 'data-count="classes">2<' in page
    assert 'data-period="quarter-1"' in page
    assert 'data-finals-close="2026-11-02"' in page  # D7: two days after 31 October
    assert f'data-class="{small_school.class_5a.code}"' in page
    assert small_school.teacher.full_name in page


def test_substitution_is_assigned_from_the_form(small_school, client_for):
    before = Substitution.objects.count()
    response = client_for("director").post(
        "/ky/diary/administration/substitutions/",
        {
            "journal": small_school.journal.pk, "teacher": small_school.other_teacher.pk,
            "date_from": "2026-11-16", "date_to": "2026-11-20",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert Substitution.objects.count() == before + 1
    substitution = Substitution.objects.latest("pk")
    assert substitution.teacher == small_school.other_teacher
    assert AuditEntry.objects.filter(field=AuditEntry.Field.SUBSTITUTION, journal=small_school.journal).count() == 2
    page = client_for("director").get("/ky/diary/administration/substitutions/").content.decode()
    assert f'data-teacher="{small_school.other_teacher.code}"' in page


def test_substitution_with_dates_backwards_is_refused_beside_the_field(small_school, client_for):
    before = Substitution.objects.count()
    response = client_for("admin").post(
        "/ky/diary/administration/substitutions/",
        {
            "journal": small_school.journal.pk, "teacher": small_school.other_teacher.pk,
            "date_from": "2026-11-20", "date_to": "2026-11-16",
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert b'data-field-errors="date_to"' in response.content
    assert Substitution.objects.count() == before


def test_substitution_form_rejects_garbage_without_a_crash(small_school, client_for):
    response = client_for("director").post(
        "/ky/diary/administration/substitutions/", {"journal": "x", "teacher": "999999", "date_from": "soon"}
    )
    assert response.status_code == 400
    assert b'data-field-errors="journal"' in response.content


def test_director_records_an_inspection_and_the_journal_leaves_the_pending_list(small_school, client_for):
    client = client_for("director")
    page = client.get("/ky/diary/administration/inspections/").content.decode()
    assert f'data-journal="{small_school.journal.pk}"' in page
    response = client.post(
        "/ky/diary/administration/inspections/",
        {"journal": small_school.journal.pk, "remarks": "Темалар толук жазылган."},
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.journal, inspection.inspector) == (small_school.journal, small_school.director)
    assert inspection.remarks == "Темалар толук жазылган."
    assert inspection.at == NOW
    page = client.get("/ky/diary/administration/inspections/").content.decode()
    assert f'<tr data-journal="{small_school.journal.pk}">' not in page
    assert f'data-inspection="{inspection.pk}"' in page
    assert "Темалар толук жазылган." in page


def test_deputy_records_an_inspection(small_school, client_for):
    response = client_for("deputy").post(
        "/ky/diary/administration/inspections/", {"journal": small_school.journal_1a.pk, "remarks": ""}
    )
    assert response.status_code == 302
    assert Inspection.objects.get().inspector == small_school.deputy


def test_diary_administrator_sees_inspections_but_cannot_record_one(small_school, client_for):
    client = client_for("admin")
    page = client.get("/ky/diary/administration/inspections/").content.decode()
    assert 'id="inspection-form"' not in page
    assert 'id="inspectors-only"' in page
    response = client.post("/ky/diary/administration/inspections/", {"journal": small_school.journal.pk})
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_an_inspection_last_month_leaves_the_journal_pending(small_school, client_for):
    inspection_record(
        actor=small_school.director.user, journal=small_school.journal, remarks="", at=NOW.replace(month=10)
    )
    page = client_for("director").get("/ky/diary/administration/inspections/").content.decode()
    assert f'<tr data-journal="{small_school.journal.pk}">' in page


def test_inspections_page_queries_stay_constant(small_school, client_for, django_assert_max_num_queries):
    client = client_for("director")
    client.get("/ky/diary/administration/inspections/")
    with django_assert_max_num_queries(8):
        assert client.get("/ky/diary/administration/inspections/").status_code == 200
    for _index in range(10):
        journal = factories.JournalFactory(school_class=small_school.class_5a, teacher=small_school.teacher)
        inspection_record(actor=small_school.deputy.user, journal=journal, remarks="ok", at=NOW)
        factories.JournalFactory(school_class=small_school.class_1a, teacher=small_school.other_teacher)
    with django_assert_max_num_queries(8):
        assert client.get("/ky/diary/administration/inspections/").status_code == 200


def test_reopening_a_closed_final_window_is_audited(small_school, client_for):
    response = client_for("admin").post(
        "/ky/diary/administration/final-windows/",
        {
            "journal": small_school.journal.pk,
            "period": small_school.q1.pk,
            "until": "2026-11-20",
            "reason": "ооруп калды",
        },
    )
    assert response.status_code == 302
    reopening = FinalWindowReopening.objects.get()
    assert (reopening.journal, reopening.period, reopening.until) == (
        small_school.journal, small_school.q1, dt.date(2026, 11, 20),
    )  # fmt: skip
    entry = AuditEntry.objects.get(field=AuditEntry.Field.FINAL_WINDOW)
    assert (entry.by, entry.new, entry.reason) == (small_school.admin.user, "2026-11-20", "ооруп калды")
    page = client_for("admin").get("/ky/diary/administration/final-windows/").content.decode()
    assert 'data-until="2026-11-20"' in page


def test_reopening_without_a_reason_or_into_the_past_is_refused(small_school, client_for):
    client = client_for("director")
    url = "/ky/diary/administration/final-windows/"
    base = {"journal": small_school.journal.pk, "period": small_school.q1.pk}
    response = client.post(url, {**base, "until": "2026-11-20", "reason": ""})
    assert response.status_code == 400
    assert b'data-field-errors="reason"' in response.content
    response = client.post(url, {**base, "until": "2026-11-01", "reason": "кеч"})
    assert response.status_code == 400
    assert b'data-field-errors="until"' in response.content
    assert not FinalWindowReopening.objects.exists()
    assert not AuditEntry.objects.filter(field=AuditEntry.Field.FINAL_WINDOW).exists()


@pytest.fixture
def history(small_school):
    """Three audited changes of 5А's journal: two by its teacher in September, one by the director in October."""
    journal, lessons, students = small_school.journal, small_school.lessons, small_school.students
    marks_save(
        actor=small_school.teacher.user, journal=journal,
        changes=[CellChange(lesson_id=lessons[0].pk, student_id=students[0].pk, version=None, grades=[5])],
        at=dt.datetime(2026, 9, 7, 10, tzinfo=dt.UTC),
    )  # fmt: skip
    marks_save(
        actor=small_school.teacher.user, journal=journal,
        changes=[CellChange(lesson_id=lessons[1].pk, student_id=students[1].pk, version=None, attendance="absent")],
        at=dt.datetime(2026, 9, 9, 10, tzinfo=dt.UTC),
    )  # fmt: skip
    marks_save(
        actor=small_school.director.user, journal=journal,
        changes=[CellChange(lesson_id=lessons[2].pk, student_id=students[0].pk, version=None, grades=[4])],
        at=dt.datetime(2026, 10, 26, 10, tzinfo=dt.UTC), reason="түзөтүү",
    )  # fmt: skip
    return journal


def history_rows(response) -> int:
    return response.content.decode().count("<tr data-entry=")


def test_journal_history_lists_every_change_and_filters_them(small_school, client_for, history):
    client = client_for("deputy")
    url = f"/ky/diary/journals/{history.pk}/history/"
    everything = client.get(url)
    total = AuditEntry.objects.filter(journal=history).count()
    assert history_rows(everything) == total
    assert "түзөтүү" in everything.content.decode()
    by_student = client.get(url, {"student": small_school.students[1].pk})
    assert history_rows(by_student) == 1
    assert 'data-field="attendance"' in by_student.content.decode()
    assert history_rows(client.get(url, {"field": "grades"})) == 2
    by_director = client.get(url, {"by": small_school.director.user.pk})
    director_entries = AuditEntry.objects.filter(journal=history, by=small_school.director.user)
    assert history_rows(by_director) == director_entries.count() < total
    assert director_entries.filter(field=AuditEntry.Field.SUBSTITUTION).exists()
    assert 'data-by="teacher"' not in by_director.content.decode()
    assert history_rows(client.get(url, {"date_from": "2026-09-08", "date_to": "2026-09-30"})) == 1


def test_journal_history_refuses_a_bad_filter_with_400(small_school, client_for, history):
    response = client_for("director").get(f"/ky/diary/journals/{history.pk}/history/", {"date_from": "yesterday"})
    assert response.status_code == 400
    assert b'data-field-errors="date_from"' in response.content


def test_journal_history_is_paginated(small_school, client_for, history, settings):
    from diary.views import history as history_views

    history_views.HISTORY_PAGE_SIZE, old = 2, history_views.HISTORY_PAGE_SIZE
    try:
        client = client_for("director")
        url = f"/ky/diary/journals/{history.pk}/history/"
        first = client.get(url, {"field": ""})
        assert history_rows(first) == 2
        assert b'rel="next"' in first.content
        second = client.get(url, {"field": "", "page": 2})
        assert history_rows(second) == min(2, AuditEntry.objects.filter(journal=history).count() - 2)
        assert b'rel="prev"' in second.content
    finally:
        history_views.HISTORY_PAGE_SIZE = old


def test_journal_history_of_an_unknown_journal_is_not_found(small_school, client_for):
    assert client_for("director").get("/ky/diary/journals/999999/history/").status_code == 404


def test_reports_page_asks_for_a_report_once(small_school, client_for, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = client_for("director")
    assert b'id="no-reports"' in client.get("/ky/diary/reports/").content
    data = {"kind": "activity", "month": "2026-10", "period": ""}
    assert client.post("/ky/diary/reports/", data).status_code == 302
    assert client.post("/ky/diary/reports/", data).status_code == 302
    run = ReportRun.objects.get()
    assert (run.kind, run.month) == ("activity", "2026-10")
    page = client.get("/ky/diary/reports/").content.decode()
    assert f'data-run="{run.pk}"' in page


def test_reports_page_shows_status_duration_error_and_download_links(small_school, client_for):
    done = ReportRun.objects.create(
        school=small_school.school, kind="progress", period=small_school.q1, key="s5:progress:quarter-1",
        status="done", summary={"rows": []}, started_at=NOW - dt.timedelta(seconds=3), finished_at=NOW,
    )  # fmt: skip
    failed = ReportRun.objects.create(
        school=small_school.school, kind="activity", month="2026-10", key="s5:activity:2026-10", status="failed",
        error="ZeroDivisionError", attempts=2,
    )  # fmt: skip
    page = client_for("director").get("/ky/diary/reports/").content.decode()
    assert f'data-run="{done.pk}" data-kind="progress" data-status="done"' in page
    assert re.search(rf'href="[^"]*/reports/{done.pk}/files/xlsx/" data-download="xlsx"', page)
    assert re.search(rf'href="[^"]*/reports/{done.pk}/files/pdf/" data-download="pdf"', page)
    assert re.search(r"<td data-duration>3,0 ", page)  # a decimal comma, in Kyrgyz as in Russian
    assert f'data-run="{failed.pk}" data-kind="activity" data-status="failed"' in page
    assert "ZeroDivisionError" in page


def test_a_teacher_sees_progress_reports_but_not_the_activity_report(small_school, client_for):
    ReportRun.objects.create(
        school=small_school.school, kind="progress", period=small_school.q1, key="s5:progress:quarter-1"
    )
    ReportRun.objects.create(school=small_school.school, kind="activity", month="2026-10", key="s5:activity:2026-10")
    page = client_for("teacher").get("/ky/diary/reports/").content.decode()
    assert 'data-kind="progress"' in page
    assert 'data-kind="activity"' not in page
    response = client_for("teacher").post("/ky/diary/reports/", {"kind": "activity", "month": "2026-11"})
    assert response.status_code == 400
    assert ReportRun.objects.count() == 2


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_guardians_are_refused_reports(small_school, client_for, persona):
    assert client_for(persona).get("/ky/diary/reports/").status_code == 403


def test_report_without_its_period_is_refused_beside_the_field(small_school, client_for):
    response = client_for("director").post("/ky/diary/reports/", {"kind": "progress", "period": ""})
    assert response.status_code == 400
    assert b'data-field-errors="period"' in response.content
    assert not ReportRun.objects.exists()


def test_too_long_inspection_remarks_are_refused_beside_the_field(small_school, client_for):
    response = client_for("director").post(
        "/ky/diary/administration/inspections/", {"journal": small_school.journal.pk, "remarks": "x" * 5001}
    )
    assert response.status_code == 400
    assert b'data-field-errors="remarks"' in response.content
    assert not Inspection.objects.exists()


def test_inspection_of_a_journal_of_another_school_is_refused(small_school, client_for):
    elsewhere = factories.JournalFactory()
    response = client_for("director").post(
        "/ky/diary/administration/inspections/", {"journal": elsewhere.pk, "remarks": ""}
    )
    assert response.status_code == 400
    assert b'data-field-errors="journal"' in response.content
    assert not Inspection.objects.exists()


def test_reports_form_garbage_is_refused_without_a_crash(small_school, client_for):
    response = client_for("director").post("/ky/diary/reports/", {"kind": "salary", "period": "x", "month": "2026-13"})
    assert response.status_code == 400
    assert b'data-field-errors="kind"' in response.content
    assert not ReportRun.objects.exists()


def test_reopen_form_shows_a_date_the_browser_understands(small_school, client_for):
    page = client_for("director").get("/ky/diary/administration/final-windows/").content.decode()
    assert 'value="2026-11-15"' in page


def test_reopen_form_opens_filled_in_for_a_journal_and_period(small_school, client_for):
    url = f"/ky/diary/administration/final-windows/?journal={small_school.journal.pk}&period={small_school.q1.pk}"
    page = client_for("director").get(url).content.decode()
    assert f'<option value="{small_school.journal.pk}" selected>' in page
    assert f'<option value="{small_school.q1.pk}" selected>' in page
