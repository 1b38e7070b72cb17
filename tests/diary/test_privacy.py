"""Personal data (law of the Kyrgyz Republic on personal data): the access log of who viewed a student's records,
the download of everything held about a student (JSON, PDF), and anonymisation after the retention period."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary.models import AuditEntry, Guardian, GuardianLink, Mark, Student, StudentAccessLog
from diary.services.finals import FinalChange, finals_set
from diary.services.marks import CellChange, marks_save
from diary.services.messaging import thread_start
from diary.services.report_progress import progress_summary

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1"


@pytest.fixture
def graded(small_school):
    """Marks and attendance for students[0] and [1] in Q1, and their Q1 finals."""
    s = small_school
    marks_save(
        actor=s.teacher.user,
        journal=s.journal,
        at=dt.datetime(2026, 9, 9, 12, tzinfo=dt.UTC),  # after both lessons (D5)
        changes=[
            CellChange(s.lessons[0].pk, s.students[0].pk, None, grades=[5, 4]),
            CellChange(s.lessons[0].pk, s.students[1].pk, None, grades=[3]),
            CellChange(s.lessons[1].pk, s.students[0].pk, None, attendance="sick"),
        ],
    )
    finals_set(
        actor=s.teacher.user,
        journal=s.journal,
        period=s.q1,
        finals=[FinalChange(s.students[0].pk, 5), FinalChange(s.students[1].pk, 3)],
        at=dt.datetime(2026, 10, 30, 10, tzinfo=dt.UTC),
    )
    return s


def log_of(student) -> list[tuple[str, str]]:
    return [(entry.viewer.username, entry.what) for entry in StudentAccessLog.objects.filter(student=student)]


# --- access log ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "username"), [("parent", "parent"), ("student", "student"), ("teacher", "teacher")]
)
def test_every_view_of_a_students_diary_and_grades_is_logged_with_who_looked(api, graded, persona, username):
    student = graded.students[0]
    assert api(persona).get(f"{BASE}/students/{student.pk}/diary/?week=2026-W37").status_code == 200
    assert api(persona).get(f"{BASE}/students/{student.pk}/grades/?period=quarter-1").status_code == 200
    assert sorted(log_of(student)) == [(username, "diary"), (username, "grades")]


def test_reopening_the_same_diary_page_soon_is_one_entry_and_an_export_is_always_one(
    api, graded, clock_cache, time_machine
):
    from diary.services.privacy import REPEATED_VIEW_SECONDS

    student = graded.students[0]
    time_machine.move_to(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False)
    for _ in range(3):
        assert api("parent").get(f"{BASE}/students/{student.pk}/diary/?week=2026-W37").status_code == 200
    assert api("parent").get(f"{BASE}/students/{student.pk}/grades/?period=quarter-1").status_code == 200
    assert api("teacher").get(f"{BASE}/students/{student.pk}/diary/?week=2026-W37").status_code == 200
    assert sorted(log_of(student)) == [("parent", "diary"), ("parent", "grades"), ("teacher", "diary")]
    time_machine.shift(dt.timedelta(seconds=REPEATED_VIEW_SECONDS + 1))  # the window is over: an entry of its own
    assert api("parent").get(f"{BASE}/students/{student.pk}/diary/?week=2026-W37").status_code == 200
    assert log_of(student).count(("parent", "diary")) == 2


def test_when_the_cache_cannot_say_every_view_is_logged(api, graded, monkeypatch):
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisConnectionError

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(cache, "add_or_raise", unreachable, raising=False)
    monkeypatch.setattr(cache, "add", unreachable)
    student = graded.students[0]
    for _ in range(2):
        assert api("parent").get(f"{BASE}/students/{student.pk}/diary/?week=2026-W37").status_code == 200
    assert log_of(student) == [("parent", "diary"), ("parent", "diary")]


def test_a_refused_or_malformed_request_logs_nothing(api, graded):
    student = graded.students[0]
    assert api("other_parent").get(f"{BASE}/students/{student.pk}/diary/").status_code == 404
    assert api("parent").get(f"{BASE}/students/{student.pk}/diary/?week=2026-W99").status_code == 400
    assert api("parent").get(f"{BASE}/students/{student.pk}/grades/?period=quarter-9").status_code == 400
    assert log_of(student) == []


@pytest.mark.parametrize("endpoint", ["diary/?week=2026-W37", "grades/?period=quarter-1"])
def test_logging_a_view_is_one_insert_per_request(api, graded, endpoint):
    client = api("parent")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"{BASE}/students/{graded.students[0].pk}/{endpoint}").status_code == 200
    inserts = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert "diary_studentaccesslog" in inserts[0]


def test_the_administration_reads_who_viewed_a_student(api, graded):
    student = graded.students[0]
    api("parent").get(f"{BASE}/students/{student.pk}/diary/?week=2026-W37")
    api("teacher").get(f"{BASE}/students/{student.pk}/grades/?period=quarter-1")
    response = api("director").get(f"{BASE}/students/{student.pk}/access-log/")
    assert response.status_code == 200
    rows = response.json()
    # Newest first; reading the log is itself recorded.
    assert [(row["viewer"], row["what"]) for row in rows] == [
        ("director", "access_log"),
        ("teacher", "grades"),
        ("parent", "diary"),
    ]
    assert [row["name"] for row in rows[1:]] == [graded.teacher.full_name, graded.parent.full_name]


@pytest.mark.parametrize(
    ("persona", "status"), [("parent", 403), ("teacher", 403), ("homeroom", 403), ("stranger", 404)]
)
def test_only_the_schools_administration_reads_the_access_log(api, graded, persona, status):
    response = api(persona).get(f"{BASE}/students/{graded.students[0].pk}/access-log/")
    assert response.status_code == status
    assert "parent" not in [row.get("viewer") for row in response.json()] if status == 200 else True


def test_the_access_log_is_append_only(api, graded):
    api("parent").get(f"{BASE}/students/{graded.students[0].pk}/diary/")
    entry = StudentAccessLog.objects.get()
    entry.what = "grades"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        StudentAccessLog.objects.all().delete()


def test_the_admin_lists_the_access_log_of_its_own_school_only(client, graded):
    from diary.services.accounts import administration_access_grant
    from diary.services.privacy import student_view_log
    from tests import factories

    student = graded.students[0]
    student_view_log(user=graded.parent.user, student=student, what="diary")
    elsewhere = factories.StudentFactory(last_name="Бөтөнов")
    student_view_log(user=graded.stranger.user, student=elsewhere, what="diary")
    administration_access_grant(graded.director.user)
    client.force_login(graded.director.user)
    response = client.get("/admin/diary/studentaccesslog/")
    assert response.status_code == 200
    html = response.content.decode()
    assert student.last_name in html
    assert "Бөтөнов" not in html
    assert client.get("/admin/diary/studentaccesslog/new/").status_code in (302, 403, 404)


# --- export --------------------------------------------------------------------------------------------------


def test_a_parent_downloads_everything_held_about_their_child(api, graded):
    student = graded.students[0]
    thread_start(
        sender=graded.parent.user, recipient_ids=[graded.homeroom.user.pk], subject="Суроо", body="Саламатсызбы"
    )
    api("teacher").get(f"{BASE}/students/{student.pk}/grades/?period=quarter-1")
    response = api("parent").get(f"{BASE}/students/{student.pk}/export/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["student"]["last_name"] == student.last_name
    assert data["student"]["code"] == student.code
    assert [row["class"] for row in data["enrolments"]] == ["5А"]
    assert [row["code"] for row in data["guardians"]] == [graded.parent.code]
    assert [row["grades"] for row in data["marks"]] == [[5, 4]]
    assert [row["attendance"] for row in data["attendance"]] == ["present", "sick"]
    assert data["finals"] == [{"period": "quarter-1", "subject": graded.journal.subject.name, "value": "5"}]
    assert [message["body"] for message in data["messages"]] == ["Саламатсызбы"]
    assert [(row["viewer"], row["what"]) for row in data["access_log"]] == [("teacher", "grades"), ("parent", "export")]
    text = response.content.decode()
    for other in graded.students[1:]:
        assert other.code not in text and other.last_name not in text


def test_the_export_is_also_a_pdf(api, graded):
    student = graded.students[0]
    response = api("parent", "ru").get(f"{BASE}/students/{student.pk}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    assert log_of(student) == [("parent", "export")]


def test_the_export_pdf_writes_values_and_dates_in_the_readers_language(api, graded):
    """The PDF is read by a person: attendance and periods by their names, dates as 07.09.2026; the JSON keeps its
    codes and ISO dates."""
    import io

    from pypdf import PdfReader

    student = graded.students[0]
    response = api("parent", "ru").get(f"{BASE}/students/{student.pk}/export.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "болел" in text and "четверть 1" in text and "07.09.2026" in text
    assert "sick" not in text and "quarter-1" not in text and "2026-09-07" not in text
    data = api("parent").get(f"{BASE}/students/{student.pk}/export/").json()
    assert ("2026-09-09", "sick") in {(row["date"], row["attendance"]) for row in data["attendance"]}
    assert data["finals"][0]["period"] == "quarter-1"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_parent", 403),
        ("teacher", 403),
        ("homeroom", 403),
        ("director", 403),
        ("stranger", 404),
        ("deactivated", 404),
    ],
)
@pytest.mark.parametrize("suffix", ["export/", "export.pdf"])
def test_nobody_else_downloads_a_childs_data(api, graded, persona, status, suffix):
    student = graded.students[0]
    response = api(persona).get(f"{BASE}/students/{student.pk}/{suffix}")
    assert response.status_code in (status, 401) if persona == "deactivated" else response.status_code == status
    assert student.last_name not in response.content.decode(errors="replace")
    assert log_of(student) == []


def test_a_student_downloads_their_own_data_only_once_adult(api, graded, settings):
    student = graded.students[0]
    student.birth_date = dt.date(2010, 3, 1)
    student.save()
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        response = api("student").get(f"{BASE}/students/{student.pk}/export/")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_adult"
        settings.MEKTEP_ADULT_AGE = 16
        assert api("student").get(f"{BASE}/students/{student.pk}/export/").status_code == 200
    with time_machine.travel(dt.datetime(2028, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        settings.MEKTEP_ADULT_AGE = 18
        assert api("student").get(f"{BASE}/students/{student.pk}/export/").status_code == 200
        assert api("student").get(f"{BASE}/students/{graded.students[1].pk}/export/").status_code == 403


# --- anonymisation -------------------------------------------------------------------------------------------

LEFT_ON = dt.date(2026, 12, 28)
AFTER_RETENTION = dt.datetime(2032, 1, 10, 10, tzinfo=dt.UTC)  # more than 5 years after LEFT_ON
BEFORE_RETENTION = dt.datetime(2031, 12, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def left(graded):
    """students[0] (with an account and a parent) left 5А at the end of the second quarter."""
    graded.students[0].enrolments.update(date_to=LEFT_ON)
    return graded


def test_the_administration_anonymises_a_student_who_left_after_the_retention_period(api, left):
    student, parent = left.students[0], left.parent
    summary_before = progress_summary(period=left.q1)
    marks_before = sorted(
        Mark.objects.filter(student=student).values_list("lesson_id", "grade_1", "grade_2", "attendance")
    )
    with time_machine.travel(AFTER_RETENTION, tick=False):
        response = api("director").post(f"{BASE}/students/{student.pk}/anonymise/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["guardians_anonymised"] == 1
    student.refresh_from_db()
    assert student.full_name == body["pseudonym"]
    assert "Токтогулова" not in student.full_name and student.birth_date is None
    assert student.anonymised_at is not None
    parent.refresh_from_db()
    assert parent.anonymised_at is not None
    assert (parent.phone, parent.email, parent.first_name) == ("", "", "")
    # Accounts closed, names gone from them, and they can no longer log in.
    for account in (student.user, parent.user):
        account.refresh_from_db()
        assert not account.is_active and not account.has_usable_password()
        assert account.username.startswith("anon-")
    assert (
        api("anonymous")
        .post(f"{BASE}/auth/login/", {"username": "parent", "password": "correct horse battery staple"}, format="json")
        .status_code
        == 401
    )
    # Marks, attendance and finals stay; the report of the quarter is the same as before.
    assert (
        sorted(Mark.objects.filter(student=student).values_list("lesson_id", "grade_1", "grade_2", "attendance"))
        == marks_before
    )
    assert progress_summary(period=left.q1) == summary_before
    entry = AuditEntry.objects.get(field="anonymisation")
    assert (entry.student_id, entry.by, entry.new["pseudonym"]) == (student.pk, left.director.user, body["pseudonym"])
    # The other students and their guardians are untouched.
    assert Student.objects.get(pk=left.students[1].pk).last_name == left.students[1].last_name
    assert Guardian.objects.get(pk=left.other_parent.pk).anonymised_at is None


def test_the_pseudonym_is_stable(left):
    from diary.services.privacy_anonymise import pseudonym

    assert pseudonym("student", left.students[0].pk) == pseudonym("student", left.students[0].pk)
    assert pseudonym("student", left.students[0].pk) != pseudonym("student", left.students[1].pk)


def test_a_guardian_with_another_child_at_the_school_keeps_their_data(api, left):
    GuardianLink.objects.create(school=left.school, guardian=left.parent, student=left.students[1])
    with time_machine.travel(AFTER_RETENTION, tick=False):
        response = api("director").post(f"{BASE}/students/{left.students[0].pk}/anonymise/")
    assert response.status_code == 200
    assert response.json()["guardians_anonymised"] == 0
    parent = Guardian.objects.get(pk=left.parent.pk)
    assert parent.anonymised_at is None and parent.last_name == left.parent.last_name
    parent.user.refresh_from_db()
    assert parent.user.is_active


def test_anonymising_before_the_retention_period_is_refused_and_changes_nothing(api, left):
    from tests.figures import changed_tables, table_checksums

    before = table_checksums()
    with time_machine.travel(BEFORE_RETENTION, tick=False):
        response = api("director").post(f"{BASE}/students/{left.students[0].pk}/anonymise/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "retention_not_over"
    assert changed_tables(before, table_checksums()) == []


def test_a_current_student_is_never_anonymised(api, left):
    with time_machine.travel(AFTER_RETENTION, tick=False):
        response = api("director").post(f"{BASE}/students/{left.students[1].pk}/anonymise/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "student_current"
    assert Student.objects.get(pk=left.students[1].pk).anonymised_at is None


def test_a_student_is_anonymised_once(api, left):
    with time_machine.travel(AFTER_RETENTION, tick=False):
        assert api("director").post(f"{BASE}/students/{left.students[0].pk}/anonymise/").status_code == 200
        response = api("admin").post(f"{BASE}/students/{left.students[0].pk}/anonymise/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "already_anonymised"
    assert AuditEntry.objects.filter(field="anonymisation").count() == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("parent", 403), ("teacher", 403), ("homeroom", 403), ("stranger", 404)]
)
def test_only_the_administration_anonymises(api, left, persona, status):
    with time_machine.travel(AFTER_RETENTION, tick=False):
        response = api(persona).post(f"{BASE}/students/{left.students[0].pk}/anonymise/")
    assert response.status_code == status
    assert Student.objects.get(pk=left.students[0].pk).anonymised_at is None


def test_the_command_lists_then_anonymises_the_eligible_students(left, settings):
    import io

    from django.core.management import call_command

    settings.MEKTEP_RETENTION_YEARS = 3
    with time_machine.travel(dt.datetime(2030, 1, 10, 10, tzinfo=dt.UTC), tick=False):
        out = io.StringIO()
        call_command("anonymise_students", school="s5", dry_run=True, stdout=out)
        assert left.students[0].code in out.getvalue()
        assert left.students[1].code not in out.getvalue()
        assert Student.objects.get(pk=left.students[0].pk).anonymised_at is None
        out = io.StringIO()
        call_command("anonymise_students", school="s5", stdout=out)
    assert "1 student(s) and 1 guardian(s)" in out.getvalue()
    student = Student.objects.get(pk=left.students[0].pk)
    assert student.anonymised_at is not None
    assert AuditEntry.objects.get(field="anonymisation").by is None
    student.user.refresh_from_db()
    assert not student.user.is_active


def test_an_anonymised_students_export_is_no_longer_offered(api, left):
    with time_machine.travel(AFTER_RETENTION, tick=False):
        api("director").post(f"{BASE}/students/{left.students[0].pk}/anonymise/")
    response = api("parent").get(f"{BASE}/students/{left.students[0].pk}/export/")
    assert response.status_code in (401, 403, 404)


# --- the diary page ------------------------------------------------------------------------------------------


def test_a_parent_finds_both_downloads_on_the_childs_data_page(client, graded):
    student = graded.students[0]
    client.force_login(graded.parent.user)
    page = client.get(f"/ky/diary/students/{student.pk}/data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-format="pdf"' in html and 'data-format="json"' in html
    assert log_of(student) == []
    download = client.get(f"/ky/diary/students/{student.pk}/data.json")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert download.json()["student"]["last_name"] == student.last_name
    pdf = client.get(f"/ru/diary/students/{student.pk}/data.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert log_of(student) == [("parent", "export"), ("parent", "export")]


@pytest.mark.parametrize(("persona", "status"), [("other_parent", 403), ("teacher", 403), ("stranger", 404)])
@pytest.mark.parametrize("suffix", ["data/", "data.json", "data.pdf"])
def test_nobody_else_opens_a_childs_data_page(client, graded, persona, status, suffix):
    student = graded.students[0]
    client.force_login(graded.user(persona))
    response = client.get(f"/ky/diary/students/{student.pk}/{suffix}")
    assert response.status_code == status
    assert student.last_name not in response.content.decode(errors="replace")
    assert log_of(student) == []


def test_the_data_page_asks_an_anonymous_visitor_to_log_in(client, graded):
    response = client.get(f"/ky/diary/students/{graded.students[0].pk}/data.json")
    assert response.status_code == 302
    assert "/diary/" in response["Location"]


def test_opening_a_students_record_in_the_admin_is_logged(client, graded):
    from diary.services.accounts import administration_access_grant

    student = graded.students[0]
    administration_access_grant(graded.director.user)
    client.force_login(graded.director.user)
    assert client.get(f"/admin/diary/student/inspect/{student.pk}/").status_code == 200
    assert log_of(student) == [("director", "detail")]


@pytest.mark.parametrize("suffix", ["data/", "data.json"])
def test_a_huge_student_number_in_the_address_is_not_found(client, graded, suffix):
    client.force_login(graded.parent.user)
    assert client.get(f"/ky/diary/students/{10**30}/{suffix}").status_code == 404


def test_the_administration_anonymises_from_its_personal_data_page(client, left):
    student = left.students[0]
    with time_machine.travel(AFTER_RETENTION, tick=False):
        client.force_login(left.director.user)
        page = client.get("/ky/diary/administration/personal-data/")
        assert page.status_code == 200
        html = page.content.decode()
        assert f'data-anonymise="{student.pk}"' in html
        assert f'data-anonymise="{left.students[1].pk}"' not in html
        response = client.post("/ky/diary/administration/personal-data/", {"student": student.pk})
        assert response.status_code == 302
        assert 'id="no-eligible"' in client.get("/ky/diary/administration/personal-data/").content.decode()
    assert Student.objects.get(pk=student.pk).anonymised_at is not None


def test_the_personal_data_page_refuses_a_current_student_and_other_people(client, left):
    with time_machine.travel(AFTER_RETENTION, tick=False):
        client.force_login(left.director.user)
        response = client.post("/ky/diary/administration/personal-data/", {"student": left.students[1].pk})
        assert response.status_code == 400
        assert client.post("/ky/diary/administration/personal-data/", {"student": "x"}).status_code == 404
        client.force_login(left.teacher.user)
        assert client.get("/ky/diary/administration/personal-data/").status_code == 403
        response = client.post("/ky/diary/administration/personal-data/", {"student": left.students[0].pk})
        assert response.status_code == 403
    assert not Student.objects.filter(anonymised_at__isnull=False).exists()


def test_a_parent_finds_the_personal_data_page_from_the_childrens_list(client, graded):
    client.force_login(graded.parent.user)
    html = client.get("/ky/diary/children/").content.decode()
    assert f'data-personal-data="{graded.students[0].pk}"' in html
    assert f"/ky/diary/students/{graded.students[0].pk}/data/" in html
