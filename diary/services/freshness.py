"""Versions of what the diary's screens show, kept in the database beside the data they describe.

A journal, a student and a school carry a `data_version` that every service changing what their screens show
raises in the same transaction as the change (the public staff and leadership fragments are keyed by the school's):

- marks, lesson topics and homework, final grades: the journal and the students concerned;
- everything else that shapes the screens (classes, enrolments, subgroups, students' names, subjects, periods,
  the grading scale, imports, anonymisation): the whole school, from the service itself or, for single rows saved
  elsewhere (the Wagtail admin), from the `post_save` receivers below.
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection
from django.db.models import F
from django.db.models.signals import post_save

from diary.models import (
    AcademicYear,
    Enrolment,
    Holiday,
    Journal,
    Period,
    School,
    SchoolClass,
    StaffMember,
    Student,
    Subgroup,
    SubgroupMembership,
    Subject,
)

_state = threading.local()


def _versions_raise(model, ids: Iterable[int]) -> None:
    """Raises the data version of each row named, once, in one UPDATE."""
    ids = {int(pk) for pk in ids}
    if ids:
        model.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)


def journals_changed(*, journal_ids: Iterable[int]) -> None:
    """The grids of these journals changed (marks, lessons, finals)."""
    _versions_raise(Journal, journal_ids)


def students_changed(*, student_ids: Iterable[int]) -> None:
    """What these students' weeks show changed (their marks, finals)."""
    _versions_raise(Student, student_ids)


def class_students_changed(*, school_class_id: int) -> None:
    """Every student ever enrolled in the class sees a change (a lesson's topic or homework)."""
    enrolled = Enrolment.objects.filter(school_class_id=school_class_id).values("student_id")
    Student.objects.filter(pk__in=enrolled).update(data_version=F("data_version") + 1)


def school_changed(*, school_id: int) -> None:
    """The school's structure changed: every cached grid and week of the school is stale."""
    if getattr(_state, "deferred", None) is not None:
        _state.deferred.add(school_id)
        return
    School.objects.filter(pk=school_id).update(data_version=F("data_version") + 1)


@contextmanager
def school_changes_deferred():
    """Inside a bulk service (an import saves thousands of rows one by one), the school's version is raised once,
    when the block ends without an error, instead of once per saved row; the caller's transaction holds both."""
    if getattr(_state, "deferred", None) is not None:
        yield
        return
    _state.deferred = set()
    try:
        yield
        schools = _state.deferred
    finally:
        _state.deferred = None
    if connection.in_atomic_block and connection.needs_rollback:
        return  # a dry run or a refusal: nothing of it will be kept
    for school_id in sorted(schools):
        school_changed(school_id=school_id)


# Rows whose change reshapes the school's grids or weeks; marks, lessons and finals are written by services only,
# which raise the journal and student versions themselves.
STRUCTURE = (
    AcademicYear,
    Enrolment,
    Holiday,
    Journal,
    Period,
    SchoolClass,
    StaffMember,
    Student,
    Subgroup,
    SubgroupMembership,
    Subject,
)


def _structure_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    if update_fields is not None and set(update_fields) <= {"user", "updated_at"}:
        return  # an account linked to a person (D4): nothing a grid or a week shows
    school_id = getattr(instance, "school_id", None)
    if school_id is not None:
        school_changed(school_id=school_id)


def _school_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        school_changed(school_id=instance.pk)


def receivers_connect() -> None:
    for model in STRUCTURE:
        post_save.connect(_structure_saved, sender=model, dispatch_uid=f"diary.freshness.{model.__name__}")
    post_save.connect(_school_saved, sender=School, dispatch_uid="diary.freshness.School")
