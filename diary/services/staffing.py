"""Substitutions (D6), subgroup splits (D10) and class moves: who teaches whom, and when."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.calendar import local_date
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import (
    AuditEntry,
    Enrolment,
    Journal,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    StaffMember,
    Student,
    Subgroup,
    SubgroupMembership,
    Subject,
    Substitution,
)
from diary.permissions import is_administration, may_move_student, may_split_class
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.freshness import school_changed

# D10 (interpretation): "at the start of each period" = up to a week after the period starts.
SUBGROUP_SPLIT_GRACE_DAYS = 7


@transaction.atomic
def substitution_create(
    *, actor, journal: Journal, teacher: StaffMember, date_from: dt.date, date_to: dt.date,
    at: dt.datetime | None = None,
) -> Substitution:  # fmt: skip
    """D6: the administration assigns a substitute teacher to a journal for a range of dates."""
    at = at or timezone.now()
    if not is_administration(actor, journal.school):
        raise DiaryPermissionDenied(_("Only the administration assigns substitute teachers."))
    errors = {}
    if teacher.school_id != journal.school_id or teacher.archived_at is not None or not teacher.has_role("teacher"):
        errors["teacher"] = [_("Choose an active teacher of this school.")]
    elif teacher.pk == journal.teacher_id:
        errors["teacher"] = [_("A teacher cannot substitute in their own journal.")]
    if date_to < date_from:
        errors["date_to"] = [_("The end date is before the start date.")]
    year = journal.school_class.year
    if not (year.start <= date_from <= year.end and year.start <= date_to <= year.end):
        errors["date_from"] = [_("The dates must lie inside the academic year.")]
    if errors:
        raise DiaryValidationError(_("The substitution was not saved."), fields=errors)
    substitution = Substitution(
        school=journal.school, journal=journal, teacher=teacher, date_from=date_from, date_to=date_to,
        created_by=actor,
    )  # fmt: skip
    substitution.full_clean()
    substitution.save()
    audit_entries_add(
        [
            audit_entry(
                school_id=journal.school_id, at=at, by=actor, field=AuditEntry.Field.SUBSTITUTION, old=None,
                new={"teacher": teacher.code, "from": date_from.isoformat(), "to": date_to.isoformat()},
                journal_id=journal.pk,
            )
        ]
    )  # fmt: skip
    return substitution


@dataclass(frozen=True)
class SubgroupSpec:
    name: str
    teacher: StaffMember
    student_ids: Sequence[int]


@transaction.atomic
def subgroups_split(
    *, actor, school_class: SchoolClass, subject: Subject, period: Period, groups: Sequence[SubgroupSpec],
    at: dt.datetime | None = None,
) -> list[Journal]:  # fmt: skip
    """D10: at a period's start, split a class into subgroups for a subject, each with its own journal.

    Every student of the class is in exactly one subgroup. The class journal's lessons in the period move to
    the subgroup journals (same dates and numbers); lessons that already hold marks stay where they are.
    """
    at = at or timezone.now()
    school = school_class.school
    class_journal = Journal.objects.filter(school_class=school_class, subject=subject, subgroup__isnull=True).first()
    if not may_split_class(actor, school_class, class_journal):
        raise DiaryPermissionDenied(
            _("Only the homeroom teacher, the subject's teacher or the administration may split a class.")
        )
    today = timezone.localdate(at)
    if today > period.start + dt.timedelta(days=SUBGROUP_SPLIT_GRACE_DAYS) or period.school_id != school.pk:
        raise DiaryValidationError(
            _("A class is split into subgroups at the start of a period, before %(date)s.")
            % {"date": local_date(period.start + dt.timedelta(days=SUBGROUP_SPLIT_GRACE_DAYS))},
            code="subgroup_split_too_late",
        )
    class_students = set(
        Enrolment.objects.filter(school_class=school_class, date_from__lte=period.start)
        .exclude(date_to__lt=period.start)
        .values_list("student_id", flat=True)
    )
    errors: dict[str, list[str]] = {}
    placed: list[int] = [student_id for group in groups for student_id in group.student_ids]
    names = [group.name.strip() for group in groups]
    if len(groups) < 2 or len(set(names)) != len(names) or not all(names):
        errors["groups"] = [_("Give at least two subgroups with different names.")]
    if len(placed) != len(set(placed)):
        errors["students"] = [_("Each student belongs to exactly one subgroup.")]
    elif set(placed) != class_students:
        errors["students"] = [_("Every student of the class, and nobody else, must be in a subgroup.")]
    for group in groups:
        if group.teacher.school_id != school.pk or not group.teacher.has_role("teacher"):
            errors.setdefault("teacher", []).append(_("Choose an active teacher of this school."))
    if Subgroup.objects.filter(school_class=school_class, subject=subject, period=period).exists():
        errors["groups"] = [_("This class is already split for this subject in this period.")]
    if errors:
        raise DiaryValidationError(_("The class was not split."), fields=errors)

    lesson_slots = []
    if class_journal is not None:
        lessons = Lesson.objects.filter(
            journal=class_journal, date__gte=period.start, date__lte=period.end, archived_at__isnull=True
        )
        with_marks = set(Mark.objects.filter(lesson__in=lessons).values_list("lesson_id", flat=True))
        movable = [lesson for lesson in lessons if lesson.pk not in with_marks]
        lesson_slots = [(lesson.date, lesson.lesson_no) for lesson in movable]
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in movable]).update(archived_at=at)

    journals = []
    for group, name in zip(groups, names, strict=True):
        subgroup = Subgroup.objects.create(
            school=school, school_class=school_class, subject=subject, period=period, name=name
        )
        SubgroupMembership.objects.bulk_create(
            SubgroupMembership(school=school, subgroup=subgroup, student_id=student_id)
            for student_id in group.student_ids
        )
        journal = Journal.objects.create(
            school=school, school_class=school_class, subject=subject, subgroup=subgroup, teacher=group.teacher
        )
        Lesson.objects.bulk_create(
            Lesson(school=school, journal=journal, date=date, lesson_no=number) for date, number in lesson_slots
        )
        journals.append(journal)
    audit_entries_add(
        [
            audit_entry(
                school_id=school.pk, at=at, by=actor, field=AuditEntry.Field.SUBGROUPS, old=None,
                new={"class": school_class.code, "subject": subject.code, "period": period.key, "groups": names},
                journal_id=class_journal.pk if class_journal else None, period_id=period.pk,
            )
        ]
    )  # fmt: skip
    school_changed(school_id=school.pk)
    return journals


@transaction.atomic
def student_move(
    *, actor, student: Student, to_class: SchoolClass, on_date: dt.date, at: dt.datetime | None = None
) -> Enrolment:
    """Moves a student to another class of their school from a date, by the administration; the old enrolment is
    closed, never removed (history kept), and the move joins the audit trail (D16). Refused, with nothing changed:
    another school's class, the class the student is already in, a class of an academic year the date is not in,
    an anonymised student, a date before the student joined their current class, a student with a later move or
    enrolment already entered (the two would overlap)."""
    if not may_move_student(actor, student):
        raise DiaryPermissionDenied(_("Only the administration moves students between classes."))
    if to_class.school_id != student.school_id:
        raise DiaryValidationError(
            _("Choose a class of this school."),
            code="unknown_class",
            fields={"class": [_("Choose a class of this school.")]},
        )
    if student.anonymised_at is not None:
        raise DiaryValidationError(_("This student's data are anonymised: they cannot be moved."), code="anonymised")
    year = to_class.year
    if not year.start <= on_date <= year.end:
        raise DiaryValidationError(
            _("Class %(class)s is of the academic year %(year)s, and the date of the move is outside it.")
            % {"class": to_class.code, "year": year},
            code="inactive_year",
            fields={"date": [_("The date is outside the class's academic year.")]},
        )
    current = (
        Enrolment.objects.select_for_update()
        .select_related("school_class")
        .filter(student=student, date_from__lte=on_date)
        .exclude(date_to__lt=on_date)
        .first()
    )
    # D16: one class at a time. A move already planned after this date would overlap the new enrolment.
    if Enrolment.objects.filter(student=student, date_from__gt=on_date).exists():
        raise DiaryValidationError(
            _("The student already has a later move or enrolment: change that one first."),
            code="later_enrolment",
            fields={"date": [_("The student already has a later move or enrolment: change that one first.")]},
        )
    if current is not None and current.school_class_id == to_class.pk:
        raise DiaryValidationError(
            _("The student is already in this class."),
            code="same_class",
            fields={"class": [_("The student is already in this class.")]},
        )
    if current is not None:
        if current.date_from >= on_date:
            raise DiaryValidationError(
                _("The move must come after the student joined the current class."), code="before_enrolment",
                fields={"date": [_("The move must come after the student joined the current class.")]},
            )  # fmt: skip
        # The new class keeps the end the current enrolment had (a pupil leaving the school on a known day).
        until = current.date_to
        current.date_to = on_date - dt.timedelta(days=1)
        current.save(update_fields=["date_to", "updated_at"])
    else:
        until = None
    enrolment = Enrolment(
        school=student.school, student=student, school_class=to_class, date_from=on_date, date_to=until
    )
    enrolment.full_clean()
    enrolment.save()
    # D16: who moved the student, from which class to which, from when.
    audit_entries_add(
        [
            audit_entry(
                school_id=student.school_id, at=at or timezone.now(), by=actor, field=AuditEntry.Field.CLASS_MOVE,
                old={"class": current.school_class.code} if current is not None else None,
                new={"class": to_class.code, "from": on_date.isoformat()}, student_id=student.pk,
            )
        ]
    )  # fmt: skip
    school_changed(school_id=student.school_id)
    return enrolment
