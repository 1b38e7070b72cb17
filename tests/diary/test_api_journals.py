"""The journal API (INTERFACES.md §3): grid, bulk marks (400, 409), lessons, finals (D7), history, inspections."""

import datetime as dt

import pytest
import time_machine

from diary.models import AuditEntry, Inspection, Mark

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1"
DURING_Q1 = dt.datetime(2026, 9, 10, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def in_the_first_quarter():
    with time_machine.travel(DURING_Q1, tick=False):
        yield


def post_marks(client, school, changes):
    return client.post(f"{BASE}/journals/{school.journal.pk}/marks/", {"changes": changes}, format="json")


def test_the_teacher_lists_their_journals(api, small_school):
    response = api("teacher").get(f"{BASE}/journals/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()} == {small_school.journal.pk, small_school.journal_1a.pk}
    assert response.json()[0].keys() == {"id", "class", "subject", "subgroup", "teacher"}


def test_the_grid_has_students_lessons_cells_and_finals(api, small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    post_marks(
        api("teacher"), small_school, [{"lesson": lesson.pk, "student": student.pk, "grades": [5], "version": None}]
    )
    response = api("teacher").get(f"{BASE}/journals/{small_school.journal.pk}/?period=quarter-1")
    body = response.json()
    assert response.status_code == 200
    assert body["period"] == "quarter-1"
    assert [s["id"] for s in body["students"]] == [
        s.pk for s in sorted(small_school.students, key=lambda s: s.last_name)
    ]
    assert [x["date"] for x in body["lessons"]] == ["2026-09-07", "2026-09-09", "2026-10-26", "2026-10-28"]
    assert body["cells"] == [
        {
            "lesson": lesson.pk,
            "student": student.pk,
            "grades": [5],
            "attendance": "present",
            "comment": "",
            "version": 1,
            "late": False,
        }
    ]
    assert body["finals"] == []


def test_an_unknown_period_is_a_400_naming_the_field(api, small_school):
    response = api("teacher", "ru").get(f"{BASE}/journals/{small_school.journal.pk}/?period=quarter-9")
    assert response.status_code == 400
    assert "period" in response.json()["error"]["fields"]


def test_bulk_marks_are_saved_together(api, small_school):
    lesson = small_school.lessons[0]
    changes = [
        {"lesson": lesson.pk, "student": student.pk, "grades": [4], "version": None}
        for student in small_school.students
    ]
    response = post_marks(api("teacher"), small_school, changes)
    assert response.status_code == 200
    assert response.json()["saved"] == 3
    assert Mark.objects.filter(lesson=lesson).count() == 3


def test_one_bad_change_is_a_400_with_per_change_errors_and_nothing_is_saved(api, small_school):
    lesson = small_school.lessons[0]
    first, second, _ = small_school.students
    response = post_marks(
        api("teacher", "ru"),
        small_school,
        [
            {"lesson": lesson.pk, "student": first.pk, "grades": [5], "version": None},
            {"lesson": lesson.pk, "student": second.pk, "grades": [9], "version": None},
        ],
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["1"]
    assert Mark.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        "not a list",
        [{"lesson": "x", "student": 1, "version": None}],
        [{"lesson": 1, "student": 1}],
        [{"lesson": 1, "student": 1, "grades": [5, 5, 5], "version": None}],
        [{"lesson": 1, "student": 1, "attendance": "holiday", "version": None}],
        [],
    ],
)
def test_malformed_changes_are_a_400_and_change_nothing(api, small_school, changes):
    response = post_marks(api("teacher"), small_school, changes)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert Mark.objects.count() == 0


def test_a_stale_version_is_a_409_with_the_current_cell(api, small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    cell = {"lesson": lesson.pk, "student": student.pk, "grades": [3], "version": None}
    post_marks(api("teacher"), small_school, [cell])
    director = api("director")
    url = f"{BASE}/journals/{small_school.journal.pk}/marks/"
    director.post(url, {"changes": [{**cell, "grades": [4], "version": 1}], "reason": "Ката"}, format="json")
    response = post_marks(api("teacher"), small_school, [{**cell, "grades": [5], "version": 1}])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["cells"][0]["grades"] == [4]
    assert Mark.objects.get().grades == [4]


def test_the_homeroom_teacher_reads_but_cannot_write_the_class_journal(api, small_school):
    assert api("homeroom").get(f"{BASE}/journals/{small_school.journal.pk}/").status_code == 200
    response = post_marks(
        api("homeroom"),
        small_school,
        [
            {
                "lesson": small_school.lessons[0].pk,
                "student": small_school.students[0].pk,
                "grades": [5],
                "version": None,
            }
        ],
    )
    assert response.status_code == 403


def test_lesson_topic_and_homework_are_patched(api, small_school):
    lesson = small_school.lessons[0]
    response = api("teacher").patch(
        f"{BASE}/lessons/{lesson.pk}/", {"topic": "Бөлчөктөр", "homework": "§ 4"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["topic"], response.json()["homework"]) == ("Бөлчөктөр", "§ 4")
    too_long = api("teacher").patch(f"{BASE}/lessons/{lesson.pk}/", {"topic": "т" * 501}, format="json")
    assert too_long.status_code == 400


def finals(api, persona, school, value):
    return api(persona).post(
        f"{BASE}/journals/{school.journal.pk}/finals/",
        {"period": "quarter-1", "finals": [{"student": school.students[0].pk, "value": value}]},
        format="json",
    )


def test_finals_before_the_last_lesson_are_refused_with_final_too_early(api, small_school):
    response = finals(api, "teacher", small_school, 5)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "final_too_early"


def test_finals_inside_the_window_are_saved(api, small_school):
    with time_machine.travel(dt.datetime(2026, 10, 30, 10, tzinfo=dt.UTC), tick=False):
        response = finals(api, "teacher", small_school, "na")
    assert response.status_code == 200
    assert response.json()["finals"] == [{"student": small_school.students[0].pk, "period": "quarter-1", "value": "na"}]


def test_finals_after_the_window_are_refused_with_final_window_closed(api, small_school):
    with time_machine.travel(dt.datetime(2026, 11, 5, 10, tzinfo=dt.UTC), tick=False):
        response = finals(api, "teacher", small_school, 4)
    assert response.json()["error"]["code"] == "final_window_closed"


def test_the_history_lists_every_change(api, small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    post_marks(
        api("teacher"), small_school, [{"lesson": lesson.pk, "student": student.pk, "grades": [5], "version": None}]
    )
    history = api("director").get(f"{BASE}/journals/{small_school.journal.pk}/history/").json()
    grades = [entry for entry in history if entry["field"] == "grades"]
    assert grades == [
        {
            "at": grades[0]["at"],
            "by": "teacher",
            "lesson": lesson.pk,
            "student": student.pk,
            "field": "grades",
            "old": [],
            "new": [5],
            "reason": "",
            "late": False,
        }
    ]


def test_the_director_records_an_inspection_and_a_teacher_cannot(api, small_school):
    url = f"{BASE}/journals/{small_school.journal.pk}/inspections/"
    assert api("director").post(url, {"remarks": "Темалар толук"}, format="json").status_code == 201
    assert api("admin").post(url, {"remarks": "…"}, format="json").status_code == 403
    assert api("teacher").post(url, {"remarks": "…"}, format="json").status_code == 403
    assert Inspection.objects.get().remarks == "Темалар толук"


def test_substitutions_are_assigned_by_the_administration(api, small_school):
    body = {
        "journal": small_school.journal.pk,
        "teacher": small_school.other_teacher.code,
        "date_from": "2026-09-09",
        "date_to": "2026-09-09",
    }
    assert api("director").post(f"{BASE}/substitutions/", body, format="json").status_code == 201
    assert api("teacher").post(f"{BASE}/substitutions/", body, format="json").status_code == 403
    unknown = api("director").post(f"{BASE}/substitutions/", {**body, "teacher": "NOPE"}, format="json")
    assert unknown.status_code == 400
    assert AuditEntry.objects.filter(field="substitution").count() == 2


def test_marks_for_a_lesson_after_today_are_a_400_with_a_stable_code_and_nothing_is_saved(api, small_school):
    """D5: on 10 September the lesson of 26 October has not taken place; the refusal is in the asker's language."""
    future, student = small_school.lessons[2], small_school.students[0]
    change = {"lesson": future.pk, "student": student.pk, "grades": [5], "version": None}
    response = post_marks(api("teacher", "ru"), small_school, [change])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "lesson_in_future"
    assert "26.10.2026" in response.json()["error"]["fields"]["0"][0]
    assert not Mark.objects.exists()
