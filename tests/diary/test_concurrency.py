"""Concurrency and faults around marks (D16): two teachers on the same cell, a save interrupted half-way, a save sent
twice. One wins, the other is told (409) and shown the winner's cell; nothing is half-written; nothing is lost.

On PostgreSQL the two teachers really save at the same time (two threads, two connections); SQLite serialises every
write anyway, so there they save one after the other with the same version, which is the same race for the service.
"""

import datetime as dt
import threading
from unittest import mock

import pytest
import time_machine
from django.db import connection, connections
from rest_framework.test import APIClient

from diary.models import AuditEntry, Mark
from diary.services import marks as marks_service
from diary.services.marks import CellChange, marks_save
from tests.figures import changed_tables, table_checksums

# The day of the second lesson (D5: no entries for a lesson that has not taken place).
NOW = dt.datetime(2026, 9, 9, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def on_the_lesson_day():
    with time_machine.travel(NOW, tick=False):
        yield


def post_marks(small_school, persona: str, changes: list[dict]):
    client = APIClient()
    client.force_authenticate(small_school.user(persona))
    return client.post(f"/api/diary/v1/journals/{small_school.journal.pk}/marks/", {"changes": changes}, format="json")


def save_at_once(small_school, bodies: dict[str, list[dict]]) -> dict[str, object]:
    """Each persona posts its body; on PostgreSQL all at the same moment, each on its own connection."""
    if connection.vendor != "postgresql":
        return {persona: post_marks(small_school, persona, body) for persona, body in bodies.items()}
    barrier = threading.Barrier(len(bodies))
    answers: dict[str, object] = {}

    def save(persona, body):
        try:
            barrier.wait(timeout=10)
            answers[persona] = post_marks(small_school, persona, body)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=item) for item in bodies.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cell", ["empty", "filled"])
def test_two_teachers_saving_the_same_cell_one_wins_the_other_gets_409_and_nothing_is_lost(small_school, cell, figures):
    lesson, student = small_school.lessons[0], small_school.students[0]  # the substitute's day (D6)
    version = None
    if cell == "filled":
        first = post_marks(small_school, "teacher", [{"lesson": lesson.pk, "student": student.pk, "attendance": "late",
                                                      "version": None}])  # fmt: skip
        version = first.json()["cells"][0]["version"]
    audit_before = AuditEntry.objects.filter(lesson=lesson, student=student).count()
    change = {"lesson": lesson.pk, "student": student.pk, "version": version}
    answers = save_at_once(
        small_school, {"teacher": [{**change, "grades": [5]}], "substitute": [{**change, "grades": [3]}]}
    )
    statuses = sorted(answer.status_code for answer in answers.values())
    figures.add("concurrent saves", races=1, lost_updates=int(statuses != [200, 409]))
    assert statuses == [200, 409], {persona: answer.content[:200] for persona, answer in answers.items()}
    winner = next(persona for persona, answer in answers.items() if answer.status_code == 200)
    loser = answers["substitute" if winner == "teacher" else "teacher"]
    assert loser.json()["error"]["code"] == "conflict"
    mark = Mark.objects.get(lesson=lesson, student=student)
    assert mark.grades == ([5] if winner == "teacher" else [3])
    assert mark.updated_by == small_school.user(winner)
    # The loser is shown the winner's cell, to decide what to do with their own value.
    if cell == "filled":
        assert loser.json()["error"]["cells"][0]["grades"] == mark.grades
    new_audit = AuditEntry.objects.filter(lesson=lesson, student=student).count() - audit_before
    # One row for the winning change (a new cell also records its attendance, so that the trail replays).
    assert new_audit == (1 if cell == "filled" else 2)
    assert AuditEntry.objects.filter(lesson=lesson, student=student, field="grades").count() == 1


@pytest.mark.django_db
def test_a_bulk_save_interrupted_half_way_leaves_no_trace(small_school, figures):
    lesson = small_school.lessons[1]
    changes = [
        CellChange(lesson_id=lesson.pk, student_id=student.pk, version=None, grades=[4], attendance="present")
        for student in small_school.students
    ]
    before = table_checksums(apps_only=("diary",))
    written = []

    def audit_fails_on_the_third_row(entries):
        for entry in entries:
            if len(written) == 2:
                raise ConnectionError("the database went away")
            entry.save()
            written.append(entry)

    with (
        mock.patch.object(marks_service, "audit_entries_add", audit_fails_on_the_third_row),
        pytest.raises(ConnectionError),
    ):
        marks_save(actor=small_school.teacher.user, journal=small_school.journal, changes=changes)
    assert len(written) == 2  # the failure really came half-way, after marks and two audit rows were written
    unintended = changed_tables(before, table_checksums(apps_only=("diary",)))
    figures.add("interrupted saves", partial_states=len(unintended))
    assert unintended == []
    assert not Mark.objects.filter(lesson=lesson).exists()


@pytest.mark.django_db
def test_the_same_bulk_save_sent_twice_changes_nothing_the_second_time(small_school, figures):
    lesson = small_school.lessons[1]
    body = [
        {"lesson": lesson.pk, "student": student.pk, "grades": [5], "attendance": "present", "version": None}
        for student in small_school.students
    ]
    assert post_marks(small_school, "teacher", body).status_code == 200
    before = table_checksums()
    replay = post_marks(small_school, "teacher", body)
    unintended = changed_tables(before, table_checksums())
    figures.add("replayed saves", replays=1, changes=len(unintended))
    assert replay.status_code == 409
    assert replay.json()["error"]["code"] == "conflict"
    assert unintended == []
    assert AuditEntry.objects.filter(lesson=lesson, field="grades").count() == 3
