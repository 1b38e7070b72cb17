"""Students' diaries (D3, D15), internal mail (D13) and report runs (D14) over the API."""

import datetime as dt

import pytest
from django.core import mail

from diary.models import Message, ReportRun
from diary.services.marks import CellChange, marks_save

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1"


@pytest.fixture
def graded(small_school):
    lesson = small_school.lessons[0]
    lesson.topic, lesson.homework = "Бөлчөктөр", "§ 4"
    lesson.save()
    marks_save(
        actor=small_school.teacher.user,
        journal=small_school.journal,
        at=dt.datetime(2026, 9, 8, tzinfo=dt.UTC),
        changes=[CellChange(lesson.pk, small_school.students[0].pk, None, grades=[5, 4])],
    )
    return small_school


@pytest.mark.parametrize("persona", ["student", "parent", "teacher", "homeroom", "director"])
def test_a_students_week_shows_lessons_topics_homework_and_grades(api, graded, persona):
    student = graded.students[0]
    response = api(persona).get(f"{BASE}/students/{student.pk}/diary/?week=2026-W37")
    assert response.status_code == 200
    body = response.json()
    assert body["week"] == "2026-W37"
    monday = body["days"][0]
    assert monday["date"] == "2026-09-07"
    assert monday["lessons"] == [
        {
            "subject": graded.journal.subject.name,
            "lesson_no": 2,
            "topic": "Бөлчөктөр",
            "homework": "§ 4",
            "grades": [5, 4],
            "attendance": "present",
        }
    ]


@pytest.mark.parametrize("persona", ["other_parent", "other_teacher", "stranger", "deactivated"])
def test_nobody_else_reads_a_students_diary(api, graded, persona):
    response = api(persona).get(f"{BASE}/students/{graded.students[0].pk}/diary/")
    assert response.status_code in (401, 404)
    assert graded.students[0].last_name not in response.content.decode()


def test_a_malformed_week_is_a_400(api, graded):
    response = api("parent").get(f"{BASE}/students/{graded.students[0].pk}/diary/?week=2026-W99")
    assert response.status_code == 400
    assert "week" in response.json()["error"]["fields"]


def test_period_grades_list_marks_average_and_final(api, graded):
    response = api("parent").get(f"{BASE}/students/{graded.students[0].pk}/grades/?period=quarter-1")
    assert response.status_code == 200
    subjects = response.json()["subjects"]
    # The contract's fields as they were; the dates of the marks are added beside them (`mark_details`).
    assert [{key: row[key] for key in ("subject", "marks", "average", "final")} for row in subjects] == [
        {"subject": graded.journal.subject.name, "marks": [5, 4], "average": 4.5, "final": None}
    ]
    assert [(item["grade"], item["date"]) for item in subjects[0]["mark_details"]] == [
        (5, "2026-09-07"),
        (4, "2026-09-07"),
    ]


def test_me_lists_a_guardians_children(api, graded):
    children = api("parent").get(f"{BASE}/me/").json()["children"]
    assert children == [
        {
            "id": graded.students[0].pk,
            "code": graded.students[0].code,
            "name": graded.students[0].full_name,
            "class": "5А",
        }
    ]


def start_thread(api, persona, to, body="Саламатсызбы!"):
    return api(persona).post(f"{BASE}/threads/", {"to": to, "subject": "Үй тапшырмасы", "body": body}, format="json")


def test_a_parent_writes_to_their_childs_teacher_and_the_teacher_replies(
    api, graded, django_capture_on_commit_callbacks
):
    teacher = graded.teacher.user
    teacher.email = "teacher@example.kg"
    teacher.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = start_thread(api, "parent", [teacher.pk])
    assert response.status_code == 201
    assert mail.outbox[0].to == ["teacher@example.kg"]
    thread_id = response.json()["id"]
    assert len(mail.outbox) == 1
    inbox = api("teacher").get(f"{BASE}/threads/").json()
    assert [(t["id"], t["unread"]) for t in inbox] == [(thread_id, 1)]
    thread = api("teacher").get(f"{BASE}/threads/{thread_id}/").json()
    assert thread["messages"][0]["body"] == "Саламатсызбы!"
    assert api("teacher").get(f"{BASE}/threads/").json()[0]["unread"] == 0
    reply = api("teacher").post(f"{BASE}/threads/{thread_id}/messages/", {"body": "Рахмат"}, format="json")
    assert reply.status_code == 201
    assert api("parent").get(f"{BASE}/threads/").json()[0]["unread"] == 1


@pytest.mark.parametrize(
    ("persona", "recipient"),
    [("parent", "other_parent"), ("parent", "other_teacher"), ("student", "other_parent"), ("stranger", "teacher")],
)
def test_writing_to_someone_d15_does_not_allow_is_403(api, graded, persona, recipient):
    response = start_thread(api, persona, [graded.user(recipient).pk])
    assert response.status_code == 403
    assert Message.objects.count() == 0


def test_others_cannot_read_or_join_a_thread(api, graded):
    thread_id = start_thread(api, "parent", [graded.teacher.user.pk]).json()["id"]
    assert api("other_parent").get(f"{BASE}/threads/{thread_id}/").status_code == 404
    joined = api("other_parent").post(f"{BASE}/threads/{thread_id}/messages/", {"body": "x"}, format="json")
    assert joined.status_code == 404


def test_an_empty_message_is_refused(api, graded):
    response = start_thread(api, "parent", [graded.teacher.user.pk], body="   ")
    assert response.status_code == 400
    assert Message.objects.count() == 0


def test_asking_for_the_same_report_twice_is_one_run(api, graded):
    first = api("director").post(f"{BASE}/reports/", {"kind": "progress", "period": "quarter-1"}, format="json")
    second = api("director").post(f"{BASE}/reports/", {"kind": "progress", "period": "quarter-1"}, format="json")
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json() == second.json() == {"id": first.json()["id"], "status": "pending", "official": False}
    assert ReportRun.objects.count() == 1
    run = api("director").get(f"{BASE}/reports/{first.json()['id']}/").json()
    assert (run["kind"], run["period"], run["status"], run["official"]) == ("progress", "quarter-1", "pending", False)


def test_reports_are_for_staff_and_the_activity_report_for_the_administration(api, graded):
    assert (
        api("parent").post(f"{BASE}/reports/", {"kind": "progress", "period": "quarter-1"}, format="json").status_code
        == 403
    )
    assert (
        api("teacher").post(f"{BASE}/reports/", {"kind": "activity", "month": "2026-10"}, format="json").status_code
        == 403
    )
    bad_month = api("director").post(f"{BASE}/reports/", {"kind": "activity", "month": "2026-13"}, format="json")
    assert bad_month.status_code == 400


def test_the_homeroom_teacher_writes_to_all_guardians_of_the_class(api, graded):
    response = api("homeroom").post(
        f"{BASE}/threads/",
        {"to_class": "5А", "subject": "Ата-энелер чогулушу", "body": "Жума күнү саат 18:00дө."},
        format="json",
    )
    assert response.status_code == 201
    # The teacher who is also a parent of 5А is one of its guardians too.
    assert sorted(response.json()["participants"]) == ["homeroom", "other_parent", "parent", "teacher_parent"]
    assert api("parent").get(f"{BASE}/threads/").json()[0]["unread"] == 1


def test_a_subject_teacher_cannot_write_to_the_whole_class(api, graded):
    response = api("teacher").post(f"{BASE}/threads/", {"to_class": "5А", "subject": "…", "body": "…"}, format="json")
    assert response.status_code == 403
    assert Message.objects.count() == 0


def test_to_and_to_class_together_are_refused(api, graded):
    response = api("homeroom").post(
        f"{BASE}/threads/",
        {"to": [graded.parent.user.pk], "to_class": "5А", "subject": "…", "body": "…"},
        format="json",
    )
    assert response.status_code == 400
    assert "to" in response.json()["error"]["fields"]
