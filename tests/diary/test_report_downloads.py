"""D14 + D15: report summaries and files per viewer — administration all, a teacher their journals, a homeroom
teacher their class; files rendered for a cut-down viewer from what they may see; the PDF in the viewer's language."""

import io

import pytest
from openpyxl import load_workbook

from diary.models import LoginEvent
from tests.diary import test_reports
from tests.diary.test_reports import built, pdf_text

quarter = test_reports.quarter  # the hand-computed first quarter, as a fixture of this module too

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1/reports/"


def test_the_administration_reads_the_whole_report_and_downloads_both_files(api, quarter):
    run = built(quarter, "progress", period=quarter.q1)
    report = api("director").get(f"{BASE}{run.pk}/").json()
    assert {row["class"] for row in report["summary"]["rows"]} == {"5А", "5Б", "1А"}
    xlsx = api("director").get(report["files"]["xlsx"])
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    assert "no-store" in xlsx["Cache-Control"]
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert {row[0] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)} == {"5А", "5Б", "1А"}
    pdf = api("director").get(report["files"]["pdf"] + "?lang=ru")
    assert (pdf.status_code, pdf["Content-Type"], pdf["Content-Language"]) == (200, "application/pdf", "ru")
    assert "5Б" in pdf_text(pdf.content)


def test_the_pdf_follows_the_viewers_language(api, quarter):
    run = built(quarter, "progress", period=quarter.q1)
    assert api("director", "ru").get(f"{BASE}{run.pk}/files/pdf/")["Content-Language"] == "ru"
    assert api("director", "ky").get(f"{BASE}{run.pk}/files/pdf/")["Content-Language"] == "ky"


def test_a_teacher_sees_only_their_journals_in_the_summary_and_the_files(api, quarter):
    run = built(quarter, "progress", period=quarter.q1)
    report = api("other_teacher").get(f"{BASE}{run.pk}/").json()
    # other_teacher teaches 5Б and leads 1А and 5Б.
    assert {row["class"] for row in report["summary"]["rows"]} == {"5Б", "1А"}
    assert report["summary"]["attendance"]["months"] == []
    content = api("other_teacher").get(report["files"]["xlsx"]).content
    classes = {
        row[0] for row in load_workbook(io.BytesIO(content)).worksheets[1].iter_rows(min_row=2, values_only=True)
    }
    assert classes == {"5Б", "1А"}
    assert "Мирланов" not in pdf_text(api("other_teacher").get(report["files"]["pdf"]).content)


def test_a_homeroom_teacher_sees_their_class(api, quarter):
    run = built(quarter, "progress", period=quarter.q1)
    summary = api("homeroom").get(f"{BASE}{run.pk}/").json()["summary"]
    assert {row["class"] for row in summary["rows"]} == {"5А"}
    assert {row["class"] for row in summary["classes"]} == {"5А"}
    assert {row["class"] for row in summary["students"]} == {"5А"}
    assert summary["attendance"]["missed"] == 3


def test_a_teacher_sees_only_their_own_compliance_row(api, quarter):
    run = built(quarter, "compliance", period=quarter.q1)
    rows = api("teacher").get(f"{BASE}{run.pk}/").json()["summary"]["rows"]
    assert [row["teacher_id"] for row in rows] == [quarter.teacher.pk]
    sheet = load_workbook(io.BytesIO(api("teacher").get(f"{BASE}{run.pk}/files/xlsx/").content)).worksheets[0]
    assert sheet.max_row == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher", 403), ("homeroom", 403), ("student", 404), ("parent", 404), ("stranger", 404), ("anonymous", 401)],
)
def test_only_the_administration_reads_the_activity_report(api, quarter, persona, status):
    run = built(quarter, "activity", month="2026-09")
    assert api(persona).get(f"{BASE}{run.pk}/").status_code == status
    assert api(persona).get(f"{BASE}{run.pk}/files/pdf/").status_code == status
    assert api("admin").get(f"{BASE}{run.pk}/files/pdf/").status_code == 200


def test_a_report_not_built_yet_has_no_files(api, quarter):
    from diary.services.reports import report_request

    run = report_request(actor=quarter.director.user, school=quarter.school, kind="compliance", period=quarter.q2)
    run.status = "pending"
    run.save()
    assert api("director").get(f"{BASE}{run.pk}/").json()["files"] == {"xlsx": None, "pdf": None}
    response = api("director").get(f"{BASE}{run.pk}/files/xlsx/")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "report_not_ready")


def test_an_unknown_file_format_is_not_found(api, quarter):
    run = built(quarter, "progress", period=quarter.q1)
    assert api("director").get(f"{BASE}{run.pk}/files/docx/").status_code == 404


def test_the_list_hides_what_a_teacher_may_not_see(api, quarter):
    built(quarter, "activity", month="2026-09")
    built(quarter, "progress", period=quarter.q1)
    assert {report["kind"] for report in api("teacher").get(BASE).json()} == {"progress"}
    assert {report["kind"] for report in api("director").get(BASE).json()} == {"progress", "activity"}


def test_an_api_login_is_recorded_for_the_activity_report(small_school):
    from rest_framework.test import APIClient

    user = small_school.teacher.user
    user.set_password("a-long-password-1")
    user.save()
    response = APIClient().post(
        "/api/diary/v1/auth/login/", {"username": user.username, "password": "a-long-password-1"}, format="json"
    )
    assert response.status_code == 200
    assert list(LoginEvent.objects.values_list("user", "channel")) == [(user.pk, "api")]


def test_the_diary_download_follows_the_pages_language_and_d15(client, quarter):
    run = built(quarter, "activity", month="2026-09")
    assert client.get(f"/ky/diary/reports/{run.pk}/files/pdf/").status_code == 302  # to the login page
    client.force_login(quarter.director.user)
    for language in ("ky", "ru"):
        response = client.get(f"/{language}/diary/reports/{run.pk}/files/pdf/")
        assert (response.status_code, response["Content-Language"]) == (200, language)
        assert response.content.startswith(b"%PDF")
    xlsx = client.get(f"/ru/diary/reports/{run.pk}/files/xlsx/")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
    client.force_login(quarter.teacher.user)
    assert client.get(f"/ky/diary/reports/{run.pk}/files/pdf/").status_code == 403
    client.force_login(quarter.stranger.user)
    assert client.get(f"/ky/diary/reports/{run.pk}/files/pdf/").status_code == 404
