"""Every change shows at once in the journal grid and a student's week: they are read fresh on every request, and
the services raise the data versions (diary/services/freshness.py) that the school's periods, its public fragments
and its reports' staleness depend on."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache

from diary.models import Journal, Period, School, Student, Subject
from diary.selectors.family import student_week
from diary.selectors.journal import journal_grid
from diary.services.staffing import student_move
from tests.diary.test_school_import import SHEETS, import_folder, with_changes, write_csv_folder

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1"
DURING_Q1 = dt.datetime(2026, 9, 10, 12, tzinfo=dt.UTC)
WEEK = "2026-W37"  # lessons[0] on Monday 7 and lessons[1] on Wednesday 9 September


@pytest.fixture(autouse=True)
def in_the_first_quarter():
    with time_machine.travel(DURING_Q1, tick=False):
        yield


def grid(api, school, persona="teacher", journal=None):
    journal = journal or school.journal
    response = api(persona).get(f"{BASE}/journals/{journal.pk}/?period=quarter-1")
    assert response.status_code == 200
    return response.json()


def monday(api, student, persona="parent"):
    response = api(persona).get(f"{BASE}/students/{student.pk}/diary/?week={WEEK}")
    assert response.status_code == 200
    return response.json()["days"][0]["lessons"]


def cell_grades(body, lesson, student):
    return next((c["grades"] for c in body["cells"] if (c["lesson"], c["student"]) == (lesson.pk, student.pk)), None)


def test_a_saved_mark_shows_at_once_in_the_cached_grid_and_week(api, small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    assert cell_grades(grid(api, small_school), lesson, student) is None
    assert monday(api, student)[0]["grades"] == []
    for version, grades in ((None, [4]), (1, [5, 3])):
        change = {"lesson": lesson.pk, "student": student.pk, "grades": grades, "version": version}
        saved = api("teacher").post(
            f"{BASE}/journals/{small_school.journal.pk}/marks/", {"changes": [change]}, format="json"
        )
        assert saved.status_code == 200
        assert cell_grades(grid(api, small_school), lesson, student) == grades
        assert monday(api, student)[0]["grades"] == grades


def test_a_refused_save_leaves_the_cached_grid_as_it_was(api, small_school):
    before = grid(api, small_school)
    change = {"lesson": small_school.lessons[0].pk, "student": small_school.students[0].pk, "grades": [9]}
    refused = api("teacher").post(
        f"{BASE}/journals/{small_school.journal.pk}/marks/", {"changes": [{**change, "version": None}]}, format="json"
    )
    assert refused.status_code == 400
    assert grid(api, small_school) == before


def test_a_lesson_topic_shows_at_once_in_the_grid_and_in_every_students_week(api, small_school):
    lesson = small_school.lessons[0]
    first, second = small_school.students[0], small_school.students[1]
    grid(api, small_school), monday(api, first), monday(api, second, "other_parent")
    response = api("teacher").patch(
        f"{BASE}/lessons/{lesson.pk}/", {"topic": "Жай бөлчөктөр", "homework": "§ 5"}, format="json"
    )
    assert response.status_code == 200
    shown = next(x for x in grid(api, small_school)["lessons"] if x["id"] == lesson.pk)
    assert (shown["topic"], shown["homework"]) == ("Жай бөлчөктөр", "§ 5")
    for student, persona in ((first, "parent"), (second, "other_parent")):
        assert monday(api, student, persona)[0]["topic"] == "Жай бөлчөктөр"


def test_a_final_grade_shows_at_once_in_the_cached_grid(api, small_school):
    student = small_school.students[0]
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        assert grid(api, small_school)["finals"] == []
        response = api("teacher").post(
            f"{BASE}/journals/{small_school.journal.pk}/finals/",
            {"period": "quarter-1", "finals": [{"student": student.pk, "value": 5}]},
            format="json",
        )
        assert response.status_code == 200
        assert grid(api, small_school)["finals"] == [{"student": student.pk, "period": "quarter-1", "value": 5}]


def test_a_student_renamed_in_the_admin_shows_at_once(api, small_school):
    student = small_school.students[0]
    grid(api, small_school), monday(api, student)
    record = Student.objects.get(pk=student.pk)
    record.last_name = "Жаңыбаева"
    record.save()  # what the Wagtail admin's edit form does
    names = {row["id"]: row["name"] for row in grid(api, small_school)["students"]}
    assert names[student.pk].startswith("Жаңыбаева")


def test_a_student_moved_to_another_class_shows_in_its_journal_at_once(api, small_school):
    moved = small_school.students[2]
    assert moved.pk not in {row["id"] for row in grid(api, small_school, journal=small_school.journal_1a)["students"]}
    student_move(actor=small_school.director.user, student=moved, to_class=small_school.class_1a,
                 on_date=dt.date(2026, 9, 10))  # fmt: skip
    assert moved.pk in {row["id"] for row in grid(api, small_school, journal=small_school.journal_1a)["students"]}


def test_a_subject_renamed_in_the_admin_shows_at_once_in_the_week(api, small_school):
    student = small_school.students[0]
    assert monday(api, student)[0]["subject"] == small_school.journal.subject.name
    subject = Subject.objects.get(pk=small_school.journal.subject_id)
    subject.name_ky = "Алгебра"
    subject.save()
    assert monday(api, student)[0]["subject"] == "Алгебра"


def test_an_emptied_cache_gives_the_same_answers(api, small_school):
    before = grid(api, small_school), monday(api, small_school.students[0])
    cache.clear()
    assert (grid(api, small_school), monday(api, small_school.students[0])) == before


def test_a_reimport_shows_at_once_and_raises_the_school_version_once(tmp_path: Path):
    import_folder(write_csv_folder(tmp_path / "first", SHEETS))
    school = School.objects.get(code="s7")
    student = Student.objects.select_related("school").get(school=school, code="S1")
    before = student_week(student=student, day=dt.date(2026, 9, 7))
    assert [x.subject for x in before[0].lessons] == ["Математика"]
    renamed = [["code", "name_ky", "name_ru"], ["math", "Алгебра", "Алгебра"], ["english", "Англис тили", "Английский"]]
    import_folder(write_csv_folder(tmp_path / "second", with_changes(subjects=renamed)))
    student = Student.objects.select_related("school").get(pk=student.pk)
    # Every row the import saved was one change of the school: its version rose once, not once per row.
    assert student.school.data_version == school.data_version + 1
    after = student_week(student=student, day=dt.date(2026, 9, 7))
    assert [x.subject for x in after[0].lessons] == ["Алгебра"]


def test_a_reimport_that_only_adds_lessons_shows_them_at_once(tmp_path: Path):
    import_folder(write_csv_folder(tmp_path / "first", SHEETS))
    journal = Journal.objects.select_related("school").get(school_class__code="5А", subject__code="math")
    period = Period.objects.get(school=journal.school, kind="quarter", number=1)
    before = len(journal_grid(journal=journal, period=period).lessons)
    timetable = [*SHEETS["timetable"], ["5А", "math", "", "5", "4"]]  # one more math lesson a week, on Fridays
    import_folder(write_csv_folder(tmp_path / "second", with_changes(timetable=timetable)))
    journal = Journal.objects.select_related("school").get(pk=journal.pk)
    assert len(journal_grid(journal=journal, period=period).lessons) > before


def test_raising_versions_raises_exactly_the_rows_named_once_in_one_statement(small_school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diary.services.freshness import journals_changed, students_changed

    journals = {j.pk: j.data_version for j in Journal.objects.all()}
    students = {s.pk: s.data_version for s in Student.objects.all()}
    chosen = [small_school.students[0].pk, small_school.students[2].pk]
    with CaptureQueriesContext(connection) as captured:
        journals_changed(journal_ids=[small_school.journal.pk, small_school.journal.pk])
        students_changed(student_ids=iter(chosen))
        journals_changed(journal_ids=[])
        students_changed(student_ids=set())
    assert len(captured) == 2  # one each; nothing named, nothing sent
    assert {j.pk: j.data_version for j in Journal.objects.all()} == {
        pk: version + (pk == small_school.journal.pk) for pk, version in journals.items()
    }
    assert {s.pk: s.data_version for s in Student.objects.all()} == {
        pk: version + (pk in chosen) for pk, version in students.items()
    }
