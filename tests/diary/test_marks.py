"""marks_save (D5, D6, D9, D15, D16): all or nothing, audited, versioned, late entries flagged."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from diary.exceptions import DiaryConflict, DiaryPermissionDenied, DiaryValidationError
from diary.models import AuditEntry, Mark
from diary.services.marks import CellChange, marks_save
from diary.services.staffing import substitution_create

pytestmark = pytest.mark.django_db

ON_TIME = dt.datetime(2026, 9, 10, 15, 0, tzinfo=dt.UTC)


def save(school, actor, changes, **kwargs):
    return marks_save(actor=actor.user, journal=school.journal, changes=changes, at=kwargs.pop("at", ON_TIME), **kwargs)


def test_teacher_saves_grades_and_attendance_for_several_students_at_once(small_school):
    lesson = small_school.lessons[0]
    first, second, third = small_school.students
    result = save(
        small_school,
        small_school.teacher,
        [
            CellChange(lesson.pk, first.pk, None, grades=[5, 4]),
            CellChange(lesson.pk, second.pk, None, attendance="sick"),
            CellChange(lesson.pk, third.pk, None, grades=[3], comment="Үй тапшырмасы жок"),
        ],
    )
    assert result.saved == 3
    cells = {mark.student_id: mark for mark in Mark.objects.filter(lesson=lesson)}
    assert cells[first.pk].grades == [5, 4]
    assert cells[second.pk].attendance == "sick"
    assert cells[second.pk].grades == []
    assert cells[third.pk].comment == "Үй тапшырмасы жок"
    assert all(mark.version == 1 for mark in cells.values())


def test_editing_several_cells_writes_each_its_own_values_and_next_version_in_one_update(
    small_school, django_assert_num_queries
):
    first_lesson, second_lesson = small_school.lessons[0], small_school.lessons[1]
    first, second, third = small_school.students
    save(
        small_school,
        small_school.teacher,
        [CellChange(lesson.pk, pupil.pk, None, grades=[3]) for lesson in (first_lesson, second_lesson)
         for pupil in (first, second, third)],
    )  # fmt: skip
    save(small_school, small_school.teacher, [CellChange(first_lesson.pk, first.pk, 1, grades=[4])])
    edits = [
        CellChange(first_lesson.pk, first.pk, 2, grades=[5, 4], comment="Жакшы"),
        CellChange(first_lesson.pk, second.pk, 1, grades=[], attendance="sick"),
        CellChange(first_lesson.pk, third.pk, 1, grades=[4]),
        CellChange(second_lesson.pk, first.pk, 1, attendance="late"),
    ]
    with django_assert_num_queries(9) as captured:
        result = save(small_school, small_school.teacher, edits)
    assert result.saved == 4
    mark_updates = [
        query["sql"] for query in captured.captured_queries if query["sql"].startswith('UPDATE "diary_mark"')
    ]
    assert len(mark_updates) == 1
    cells = {(mark.lesson_id, mark.student_id): mark for mark in Mark.objects.all()}
    shown = {
        key: (mark.grades, mark.attendance, mark.comment, mark.version)
        for key, mark in cells.items()
        if key in {(change.lesson_id, change.student_id) for change in edits}
    }
    assert shown == {
        (first_lesson.pk, first.pk): ([5, 4], "present", "Жакшы", 3),
        (first_lesson.pk, second.pk): ([], "sick", "", 2),
        (first_lesson.pk, third.pk): ([4], "present", "", 2),
        (second_lesson.pk, first.pk): ([3], "late", "", 2),
    }
    assert [cell.version for cell in result.cells] == [3, 2, 2, 2]
    untouched = [cells[(second_lesson.pk, pupil.pk)] for pupil in (second, third)]
    assert [(mark.grades, mark.version) for mark in untouched] == [([3], 1), ([3], 1)]
    assert {mark.updated_at for mark in cells.values() if mark.version > 1} == {ON_TIME}


def test_one_invalid_change_saves_nothing_and_names_the_change(small_school):
    lesson = small_school.lessons[0]
    first, second, _third = small_school.students
    with pytest.raises(DiaryValidationError) as refused:
        save(
            small_school,
            small_school.teacher,
            [
                CellChange(lesson.pk, first.pk, None, grades=[5]),
                CellChange(lesson.pk, second.pk, None, grades=[7]),
            ],
        )
    assert list(refused.value.fields) == ["1"]
    assert Mark.objects.count() == 0
    assert not AuditEntry.objects.filter(lesson=lesson).exists()


@pytest.mark.parametrize(
    ("grades", "attendance"),
    [([1], None), ([6], None), ([5, 5, 5], None), (["5"], None), ([True], None), (None, "holiday")],
)
def test_values_off_the_scale_or_unknown_are_refused(small_school, grades, attendance):
    lesson, student = small_school.lessons[0], small_school.students[0]
    with pytest.raises(DiaryValidationError):
        save(
            small_school,
            small_school.teacher,
            [CellChange(lesson.pk, student.pk, None, grades=grades, attendance=attendance)],
        )
    assert Mark.objects.count() == 0


def test_grade_one_gets_no_marks_but_keeps_attendance(small_school):
    """D9."""
    lesson, pupil = small_school.lesson_1a, small_school.first_grader
    journal = small_school.journal_1a
    with pytest.raises(DiaryValidationError) as refused:
        marks_save(
            actor=small_school.teacher.user,
            journal=journal,
            at=ON_TIME,
            changes=[CellChange(lesson.pk, pupil.pk, None, grades=[5])],
        )
    assert "1" in str(refused.value.fields["0"][0])
    marks_save(
        actor=small_school.teacher.user,
        journal=journal,
        at=ON_TIME,
        changes=[CellChange(lesson.pk, pupil.pk, None, attendance="absent")],
    )
    assert Mark.objects.get(lesson=lesson, student=pupil).attendance == "absent"


def test_a_student_of_another_class_is_refused(small_school):
    with pytest.raises(DiaryValidationError):
        save(
            small_school,
            small_school.teacher,
            [CellChange(small_school.lessons[0].pk, small_school.first_grader.pk, None, grades=[4])],
        )


def test_a_lesson_of_another_journal_is_refused(small_school):
    with pytest.raises(DiaryValidationError):
        save(
            small_school,
            small_school.teacher,
            [CellChange(small_school.lesson_1a.pk, small_school.students[0].pk, None, grades=[4])],
        )


@pytest.mark.parametrize("persona", ["other_teacher", "homeroom"])
def test_teachers_of_other_journals_cannot_write_this_one(small_school, persona):
    """D15: the homeroom teacher reads the class's journals but writes only their own."""
    with pytest.raises(DiaryPermissionDenied):
        save(
            small_school,
            getattr(small_school, persona),
            [CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[4])],
        )
    assert Mark.objects.count() == 0


def test_administration_may_correct_any_journal(small_school):
    save(
        small_school,
        small_school.director,
        [CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[4])],
        reason="Ката",
    )
    entry = AuditEntry.objects.get(field="grades")
    assert entry.by == small_school.director.user
    assert entry.reason == "Ката"


@time_machine.travel(ON_TIME, tick=False)
def test_a_substitute_writes_only_the_lessons_of_the_days_they_cover(small_school):
    """D6: while the cover and its grace period last (10 September)."""
    first_day, second_day = small_school.lessons[0], small_school.lessons[1]
    substitution_create(
        actor=small_school.director.user,
        journal=small_school.journal,
        teacher=small_school.other_teacher,
        date_from=first_day.date,
        date_to=first_day.date,
    )
    student = small_school.students[0]
    save(small_school, small_school.other_teacher, [CellChange(first_day.pk, student.pk, None, grades=[5])])
    with pytest.raises(DiaryValidationError):
        save(small_school, small_school.other_teacher, [CellChange(second_day.pk, student.pk, None, grades=[5])])
    assert Mark.objects.filter(lesson=first_day).count() == 1
    assert Mark.objects.filter(lesson=second_day).count() == 0


def test_a_stale_version_is_a_conflict_and_changes_nothing(small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, None, grades=[3])])
    save(small_school, small_school.director, [CellChange(lesson.pk, student.pk, 1, grades=[4])], reason="Ката")
    with pytest.raises(DiaryConflict) as conflict:
        save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, 1, grades=[5])])
    assert conflict.value.details[0].grades == [4]
    mark = Mark.objects.get(lesson=lesson, student=student)
    assert (mark.grades, mark.version) == ([4], 2)
    assert AuditEntry.objects.filter(field="grades").count() == 2


def test_creating_a_cell_someone_else_just_created_is_a_conflict(small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, None, grades=[3])])
    with pytest.raises(DiaryConflict):
        save(small_school, small_school.director, [CellChange(lesson.pk, student.pk, None, grades=[5])])


def test_a_replayed_save_changes_nothing(small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    change = CellChange(lesson.pk, student.pk, None, grades=[5])
    save(small_school, small_school.teacher, [change])
    with pytest.raises(DiaryConflict):
        save(small_school, small_school.teacher, [change])
    assert Mark.objects.get().version == 1
    assert AuditEntry.objects.filter(field="grades").count() == 1


def test_fields_left_out_are_kept_and_empty_grades_clear(small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, None, grades=[5], comment="Жакшы")])
    save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, 1, attendance="late")])
    mark = Mark.objects.get()
    assert (mark.grades, mark.comment, mark.attendance) == ([5], "Жакшы", "late")
    save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, 2, grades=[])])
    assert Mark.objects.get().grades == []


def test_a_changed_cell_keeps_every_field_it_was_given_and_who_changed_it_when(small_school):
    lesson, student = small_school.lessons[0], small_school.students[0]
    save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, None, grades=[5])])
    at = dt.datetime(2026, 9, 30, 9, 15, tzinfo=dt.UTC)  # after the Monday deadline of 7 September's lesson
    marks_save(
        actor=small_school.director.user,
        journal=small_school.journal,
        at=at,
        changes=[CellChange(lesson.pk, student.pk, 1, grades=[3, 4], attendance="excused", comment="Ооруп калды")],
        reason="Справка",
    )
    mark = Mark.objects.get()
    assert (mark.grade_1, mark.grade_2, mark.attendance, mark.comment) == (3, 4, "excused", "Ооруп калды")
    assert (mark.version, mark.is_late, mark.updated_by, mark.updated_at) == (2, True, small_school.director.user, at)


@pytest.mark.parametrize(
    ("entered", "late"),
    [
        (dt.datetime(2026, 9, 14, 23, 0, tzinfo=timezone.get_fixed_timezone(360)), False),  # the Monday: on time
        (dt.datetime(2026, 9, 15, 0, 30, tzinfo=timezone.get_fixed_timezone(360)), True),  # Tuesday: late
    ],
)
def test_marks_entered_after_the_following_monday_are_saved_but_flagged_late(small_school, entered, late):
    """D5: lessons of 7–11 September are due by Monday 14 September (Bishkek time)."""
    lesson, student = small_school.lessons[1], small_school.students[0]
    with time_machine.travel(entered, tick=False):
        marks_save(
            actor=small_school.teacher.user,
            journal=small_school.journal,
            changes=[CellChange(lesson.pk, student.pk, None, grades=[4])],
        )
    assert Mark.objects.get().is_late is late
    assert AuditEntry.objects.get(field="grades").is_late is late


def test_the_audit_trail_replays_to_the_current_value_of_every_cell(small_school):
    """D16."""
    lesson = small_school.lessons[0]
    first, second, _ = small_school.students
    save(
        small_school,
        small_school.teacher,
        [
            CellChange(lesson.pk, first.pk, None, grades=[3]),
            CellChange(lesson.pk, second.pk, None, attendance="absent"),
        ],
    )
    save(
        small_school,
        small_school.teacher,
        [
            CellChange(lesson.pk, first.pk, 1, grades=[3, 5], comment="Түзөттү"),
            CellChange(lesson.pk, second.pk, 1, attendance="excused"),
        ],
    )
    save(small_school, small_school.director, [CellChange(lesson.pk, first.pk, 2, grades=[4])], reason="Ката")
    replayed: dict = {}
    for entry in AuditEntry.objects.filter(lesson__isnull=False).order_by("at", "pk"):
        replayed.setdefault((entry.lesson_id, entry.student_id), {})[entry.field] = entry.new
    for mark in Mark.objects.all():
        state = replayed[(mark.lesson_id, mark.student_id)]
        assert state.get("grades", []) == mark.grades
        assert state["attendance"] == mark.attendance
        assert state.get("comment", "") == mark.comment


def test_audit_entries_cannot_be_edited_or_deleted(small_school):
    save(
        small_school,
        small_school.teacher,
        [CellChange(small_school.lessons[0].pk, small_school.students[0].pk, None, grades=[5])],
    )
    entry = AuditEntry.objects.get(field="grades")
    entry.new = [2]
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).new == [5]


@pytest.mark.parametrize("change", [{"grades": [5]}, {"attendance": "absent"}, {"comment": "Эртеңки сабак"}])
def test_marks_and_attendance_for_a_lesson_after_today_are_refused_and_nothing_is_saved(small_school, change):
    """D5: a lesson that has not taken place yet (26 October, seen on 10 September) takes no entry."""
    future, student = small_school.lessons[2], small_school.students[0]
    with pytest.raises(DiaryValidationError) as refused:
        save(small_school, small_school.teacher, [CellChange(future.pk, student.pk, None, **change)])
    assert refused.value.code == "lesson_in_future"
    assert "26.10.2026" in refused.value.fields["0"][0]
    assert not Mark.objects.exists()
    assert not AuditEntry.objects.filter(lesson=future).exists()


def test_a_lesson_of_today_takes_marks(small_school):
    """D5: the refusal starts after today; today's lesson is entered as usual."""
    lesson, student = small_school.lessons[1], small_school.students[0]
    at = dt.datetime(2026, 9, 9, 12, tzinfo=dt.UTC)
    assert save(small_school, small_school.teacher, [CellChange(lesson.pk, student.pk, None, grades=[4])], at=at).saved


def test_the_administration_correcting_a_journal_must_say_why_and_the_reason_is_kept(small_school):
    """D16: an entry by anyone but the journal's teacher or its current substitute needs a reason."""
    lesson, student = small_school.lessons[0], small_school.students[0]
    with pytest.raises(DiaryValidationError) as refused:
        save(small_school, small_school.director, [CellChange(lesson.pk, student.pk, None, grades=[4])])
    assert refused.value.code == "reason_required"
    assert not Mark.objects.exists()
    save(small_school, small_school.director, [CellChange(lesson.pk, student.pk, None, grades=[4])], reason="Ката")
    assert AuditEntry.objects.get(field="grades", lesson=lesson).reason == "Ката"


def test_an_edit_after_the_monday_deadline_needs_a_reason_but_a_late_first_entry_does_not(small_school):
    """D16, D5: on 16 September the week of 7 September is past its deadline; entering a missing grade is a late
    entry, changing one already entered needs a reason."""
    lesson, first, second = small_school.lessons[0], small_school.students[0], small_school.students[1]
    save(small_school, small_school.teacher, [CellChange(lesson.pk, first.pk, None, grades=[3])])
    late = dt.datetime(2026, 9, 16, 9, tzinfo=dt.UTC)
    save(small_school, small_school.teacher, [CellChange(lesson.pk, second.pk, None, grades=[4])], at=late)
    with pytest.raises(DiaryValidationError) as refused:
        save(small_school, small_school.teacher, [CellChange(lesson.pk, first.pk, 1, grades=[5])], at=late)
    assert refused.value.code == "reason_required"
    assert Mark.objects.get(lesson=lesson, student=first).grades == [3]
    save(small_school, small_school.teacher, [CellChange(lesson.pk, first.pk, 1, grades=[5])], at=late, reason="Ката")
    assert Mark.objects.get(lesson=lesson, student=first).grades == [5]
