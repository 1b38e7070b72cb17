"""Output serializers of the diary API (INTERFACES.md §3): the JSON of the journal, its grid and saves, a student's
week and grades, field by field, so that the OpenAPI schema describes every answer.

The serializers are fed with what the selectors return (model rows read with `.only()`, `GridCell` tuples,
dataclasses), never with querysets they would walk themselves. Those repeated once per row of an answer (a grid has
hundreds of cells, a week about thirty lessons) write their `to_representation()` out, field for field as declared:
DRF's generic loop over the declared fields costs tens of microseconds per row, several times the rest of the
request on a large grid. The declared fields stay what the schema shows and what the tests compare against.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from diary.api.serializers import FinalValueField, final_value
from diary.models import Attendance


class StudentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="full_name")

    def to_representation(self, student):
        return student_json(student)


def student_json(student) -> dict:
    return {"id": student.pk, "code": student.code, "name": student.full_name}


class JournalOutput(serializers.Serializer):
    """A journal: its class, subject, subgroup (or null) and teacher."""

    id = serializers.IntegerField()
    subject = serializers.CharField(source="subject.name")
    subgroup = serializers.CharField(source="subgroup.name", allow_null=True)
    teacher = serializers.CharField(source="teacher.short_name")

    def get_fields(self):
        fields = super().get_fields()
        # "class" is a Python keyword: declared here, in the contract's order.
        return {
            "id": fields["id"],
            "class": serializers.CharField(source="school_class.code"),
            **{name: fields[name] for name in ("subject", "subgroup", "teacher")},
        }


class LessonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    lesson_no = serializers.IntegerField()
    topic = serializers.CharField(allow_blank=True)
    homework = serializers.CharField(allow_blank=True)
    conducted_by = serializers.CharField(source="conducted_by.short_name", allow_null=True)

    def to_representation(self, lesson):
        return lesson_json(lesson)


def lesson_json(lesson) -> dict:
    return {
        "id": lesson.pk,
        "date": lesson.date.isoformat(),
        "lesson_no": lesson.lesson_no,
        "topic": lesson.topic,
        "homework": lesson.homework,
        "conducted_by": lesson.conducted_by.short_name if lesson.conducted_by_id else None,
    }


class CellOutput(serializers.Serializer):
    """One cell (a `Mark` or a `GridCell`): its grades, attendance, comment, version and whether it was late (D5)."""

    lesson = serializers.IntegerField(source="lesson_id")
    student = serializers.IntegerField(source="student_id")
    grades = serializers.ListField(child=serializers.IntegerField(), max_length=2)
    attendance = serializers.ChoiceField(choices=Attendance.values)
    comment = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    late = serializers.BooleanField(source="is_late")

    def to_representation(self, cell):
        return cell_json(cell)


def cell_json(cell) -> dict:
    return {
        "lesson": cell.lesson_id,
        "student": cell.student_id,
        "grades": cell.grades,
        "attendance": cell.attendance,
        "comment": cell.comment,
        "version": cell.version,
        "late": cell.is_late,
    }


class FinalOutput(serializers.Serializer):
    """A student's final grade of a period: a number, "na", "exempt", or null when none is set."""

    student = serializers.IntegerField()
    period = serializers.CharField()
    value = FinalValueField(allow_null=True)


class SuggestedFinalOutput(serializers.Serializer):
    student = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True)


def finals_rows(finals, period_key: str) -> list[dict]:
    """(student id, FinalGrade) pairs as FinalOutput's rows."""
    return [{"student": student_id, "period": period_key, "value": final_value(final)} for student_id, final in finals]


class JournalGridOutput(serializers.Serializer):
    """GET journals/{id}/?period=: the journal, its students, lessons, filled cells, finals and suggested finals."""

    period = serializers.CharField(source="period.key")
    students = StudentOutput(many=True)
    lessons = LessonOutput(many=True)
    cells = CellOutput(many=True)
    finals = FinalOutput(many=True)
    suggested_finals = SuggestedFinalOutput(many=True)

    def get_fields(self):
        # The journal's own fields first, as in JournalOutput.
        return {**JournalOutput().get_fields(), **super().get_fields()}

    def to_representation(self, grid):
        key = grid.period.key
        journal = grid.journal
        return {
            "id": journal.pk,
            "class": journal.school_class.code,
            "subject": journal.subject.name,
            "subgroup": journal.subgroup.name if journal.subgroup_id else None,
            "teacher": journal.teacher.short_name,
            "period": key,
            "students": [student_json(student) for student in grid.students],
            "lessons": [lesson_json(lesson) for lesson in grid.lessons],
            "cells": [cell_json(cell) for cell in grid.cells.values()],
            "finals": finals_rows(grid.finals.items(), key),
            "suggested_finals": [
                {"student": student_id, "value": value} for student_id, value in grid.suggested_finals.items()
            ],
        }


class MarksSavedOutput(serializers.Serializer):
    """POST journals/{id}/marks/: how many cells were saved and every saved cell with its new version."""

    saved = serializers.IntegerField()
    cells = CellOutput(many=True)


class FinalsSavedOutput(serializers.Serializer):
    saved = serializers.IntegerField()
    finals = FinalOutput(many=True)


class WeekLessonOutput(serializers.Serializer):
    """A lesson of a student's week with the student's grades and attendance (null: nothing entered)."""

    subject = serializers.CharField()
    lesson_no = serializers.IntegerField()
    topic = serializers.CharField(allow_blank=True)
    homework = serializers.CharField(allow_blank=True)
    grades = serializers.ListField(child=serializers.IntegerField(), max_length=2)
    attendance = serializers.ChoiceField(choices=Attendance.values, allow_null=True)

    def to_representation(self, item):
        return week_lesson_json(item)


def week_lesson_json(item) -> dict:
    mark = item.mark
    return {
        "subject": item.subject,
        "lesson_no": item.lesson_no,
        "topic": item.topic,
        "homework": item.homework,
        "grades": mark.grades if mark else [],
        "attendance": mark.attendance if mark else None,
    }


class WeekDayOutput(serializers.Serializer):
    date = serializers.DateField()
    lessons = WeekLessonOutput(many=True)


class StudentWeekOutput(serializers.Serializer):
    """GET students/{id}/diary/?week=: Monday to Saturday of a student's week."""

    student = StudentOutput()
    week = serializers.CharField()
    days = WeekDayOutput(many=True)

    def to_representation(self, week):
        return {
            "student": student_json(week["student"]),
            "week": week["week"],
            "days": [
                {"date": day.date.isoformat(), "lessons": [week_lesson_json(item) for item in day.lessons]}
                for day in week["days"]
            ],
        }


class MarkDetailOutput(serializers.Serializer):
    """A grade with its lesson's date, number and topic and whether it is the lesson's first or second grade."""

    grade = serializers.IntegerField()
    date = serializers.DateField()
    lesson_no = serializers.IntegerField()
    topic = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=["first", "second"])


@extend_schema_field({"type": "number", "format": "double", "nullable": True})
class AverageField(serializers.Field):
    """A subject's average, a decimal written as a JSON number (2 places), or null without marks."""

    def to_representation(self, value):
        return float(value)


class FinalGradeField(FinalValueField):
    """A FinalGrade written as its value: a number, "na" or "exempt"."""

    def to_representation(self, value):
        return final_value(value)


class SubjectGradesOutput(serializers.Serializer):
    subject = serializers.CharField(source="subject_name")
    marks = serializers.ListField(child=serializers.IntegerField())
    average = AverageField(allow_null=True)
    final = FinalGradeField(allow_null=True)
    mark_details = MarkDetailOutput(many=True, source="grades")


class StudentGradesOutput(serializers.Serializer):
    """GET students/{id}/grades/?period=: each subject's marks, average, final and the marks' details."""

    student = StudentOutput()
    period = serializers.CharField()
    subjects = SubjectGradesOutput(many=True)
