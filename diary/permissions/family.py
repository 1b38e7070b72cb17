"""Whose diary a person sees, and who exports or anonymises a student's data (D15, personal data)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from diary.models import (
    Enrolment,
    Guardian,
    SchoolClass,
    Student,
)
from diary.permissions.journal import journals_visible_to
from diary.permissions.people import User, account_active, children_of, is_administration, staff_member_of, student_of


def _own_student_ids(user: User) -> list[int]:
    """The account's own student record and its children."""
    return [student.pk for student in [*children_of(user), *filter(None, [student_of(user)])]]


def students_visible_to(user: User) -> QuerySet[Student]:
    """D15: a student themself; a guardian's children; the students of a teacher's journals and homeroom class;
    the whole school for the administration."""
    if not account_active(user):
        return Student.objects.none()
    # D15: visibility is the union of what each of the person's roles allows (a teacher who is also a parent sees
    # her own child, whatever her staff roles show).
    own = Q(pk__in=_own_student_ids(user))
    staff = staff_member_of(user)
    if staff is None:
        return Student.objects.filter(own)
    if staff.is_administration:
        return Student.objects.filter(Q(school=staff.school) | own)
    classes = journals_visible_to(user).values("school_class_id")
    taught = Enrolment.objects.filter(school=staff.school, school_class_id__in=classes).values("student_id")
    return Student.objects.filter(Q(pk__in=taught) | own)


def visible_student(user: User, pk: int) -> Student | None:
    """D15 for one student, with their school: the same answer as `students_visible_to`, taken without a query
    from the account's own records for students and guardians (their diary pages are the busiest)."""
    if not account_active(user):
        return None
    own = next(
        (student for student in [*children_of(user), *filter(None, [student_of(user)])] if student.pk == pk), None
    )
    if own is not None or staff_member_of(user) is None:
        return own
    return students_visible_to(user).filter(pk=pk).select_related("school").first()


def student_journals_shown(user: User, student: Student) -> frozenset[int] | None:
    """D15: whose cells of a student's diary a viewer (who may see the student) reads. None: every subject, for
    the student themself, their guardians, the homeroom teacher of a class of theirs and the school's
    administration. Otherwise the ids of the viewer's own journals and those they cover: a subject teacher sees
    their own journals' cells, not the pupil's other subjects."""
    if student.pk in _own_student_ids(user):
        return None
    staff = staff_member_of(user, student.school)
    if staff is None:
        return frozenset()
    if staff.is_administration:
        return None
    if Enrolment.objects.filter(student=student, school_class__homeroom_teacher=staff).exists():
        return None
    return frozenset(journals_visible_to(user).values_list("pk", flat=True))


def current_class(student: Student, on: dt.date | None = None) -> SchoolClass | None:
    on = on or timezone.localdate()
    enrolment = (
        Enrolment.objects.filter(student=student, date_from__lte=on)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=on))
        .select_related("school_class")
        .first()
    )
    return enrolment.school_class if enrolment else None


def is_adult(student: Student, on: dt.date | None = None) -> bool:
    """Personal data: from MEKTEP_ADULT_AGE a student exercises their data rights themself."""
    from django.conf import settings

    if student.birth_date is None:
        return False
    on = on or timezone.localdate()
    born = student.birth_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age >= settings.MEKTEP_ADULT_AGE


def may_export_student(user: User, student: Student) -> bool:
    """Personal data: a guardian of the student, or the student themself once adult, downloads all data held."""
    if not account_active(user) or student.anonymised_at is not None:
        return False
    if student.user_id == user.pk:
        return is_adult(student)
    return Guardian.objects.filter(user=user, links__student=student).exists()


def may_administer_privacy(user: User, student: Student) -> bool:
    """Personal data: the school's administration reads the access log and anonymises students who left."""
    return is_administration(user, student.school)
