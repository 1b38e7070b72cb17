"""D16: audit rows are written in one statement and read back exactly as they were given."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary.models import AuditEntry
from diary.services.audit import audit_entries_add, audit_entry

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 10, 5, 9, 30, 15, 123456, tzinfo=dt.UTC)


def test_every_value_of_an_entry_is_kept(small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    period = small_school.q1
    common = {"school_id": small_school.school.pk, "at": AT, "journal_id": small_school.journal.pk}
    entries = [
        audit_entry(**common, by=small_school.teacher.user, field="grades", old=None, new=[5, 4],
                    lesson_id=lesson.pk, student_id=student.pk, reason="Түзөтүү: «ката»", is_late=True),
        audit_entry(**common, by=None, field="attendance", old="present", new="sick", lesson_id=lesson.pk,
                    student_id=student.pk),
        audit_entry(**common, by=small_school.director.user, field="final_window", old={"closed": True},
                    new={"closed": False, "until": "2026-10-07"}, period_id=period.pk),
    ]  # fmt: skip
    before = set(AuditEntry.objects.values_list("pk", flat=True))  # the school's own history (a substitution)
    with CaptureQueriesContext(connection) as queries:
        assert audit_entries_add(entries) == 3
    assert len(queries) == 1

    rows = list(AuditEntry.objects.exclude(pk__in=before).order_by("pk"))
    assert [(row.field, row.old, row.new) for row in rows] == [
        ("grades", None, [5, 4]),
        ("attendance", "present", "sick"),
        ("final_window", {"closed": True}, {"closed": False, "until": "2026-10-07"}),
    ]
    assert [row.by_id for row in rows] == [small_school.teacher.user.pk, None, small_school.director.user.pk]
    assert [row.at for row in rows] == [AT] * 3
    assert [(row.reason, row.is_late) for row in rows] == [("Түзөтүү: «ката»", True), ("", False), ("", False)]
    assert [(row.lesson_id, row.student_id) for row in rows[:2]] == [(lesson.pk, student.pk)] * 2
    assert [row.period_id for row in rows] == [None, None, period.pk]
    assert all(row.school_id == small_school.school.pk and row.journal_id == small_school.journal.pk for row in rows)
    assert all(row.created_at is not None and row.updated_at is not None for row in rows)
    # None is no value (SQL NULL), as the model's JSONField stores it, not the JSON text "null".
    assert [row.pk for row in rows if row.old is None] == list(
        AuditEntry.objects.exclude(pk__in=before).filter(old__isnull=True).values_list("pk", flat=True)
    )


def test_nothing_to_record_sends_no_statement(small_school):
    count = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert audit_entries_add([]) == 0
    assert len(queries) == 0
    assert AuditEntry.objects.count() == count
