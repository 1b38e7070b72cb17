"""D15: who may see and do what in the diary. Every view, API endpoint, selector and service asks here."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from diary.models import Journal, School, StaffMember, Substitution
from diary.models.people import ADMINISTRATION_ROLES

User = AbstractBaseUser | AnonymousUser


def staff_member_of(user: User, school: School | None = None) -> StaffMember | None:
    """The active staff record linked to this account (in this school, when given).

    Remembered on the user object, which lives for one request or one task.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache = user.__dict__.setdefault("_mektep_staff", {})
    key = school.pk if school is not None else None
    if key not in cache:
        staff = StaffMember.objects.filter(user=user, archived_at__isnull=True).select_related("school")
        if school is not None:
            staff = staff.filter(school=school)
        cache[key] = staff.first()
    return cache[key]


def is_administration(user: User, school: School) -> bool:
    """D1: director, deputy director or diary administrator of this school."""
    staff = staff_member_of(user, school)
    return staff is not None and bool(ADMINISTRATION_ROLES.intersection(staff.roles))


def is_inspector(user: User, school: School) -> bool:
    """D12: the director and deputies inspect journals."""
    staff = staff_member_of(user, school)
    return staff is not None and bool({"director", "deputy"}.intersection(staff.roles))


def may_write_journal(user: User, journal: Journal, on_date: dt.date) -> bool:
    """D6, D15: the journal's teacher, a substitute covering that date, or the school's administration."""
    staff = staff_member_of(user, journal.school)
    if staff is None:
        return False
    if staff.pk == journal.teacher_id or ADMINISTRATION_ROLES.intersection(staff.roles):
        return True
    return Substitution.objects.filter(
        journal=journal, teacher=staff, date_from__lte=on_date, date_to__gte=on_date, cancelled_at__isnull=True
    ).exists()


def covered_dates(user: User, journal: Journal) -> list[tuple[dt.date, dt.date]]:
    """The date ranges in which this user substitutes in this journal (D6)."""
    staff = staff_member_of(user, journal.school)
    if staff is None:
        return []
    return list(
        Substitution.objects.filter(journal=journal, teacher=staff, cancelled_at__isnull=True).values_list(
            "date_from", "date_to"
        )
    )


def journals_visible_to(user: User) -> QuerySet[Journal]:
    """D15: administration sees the school's journals; teachers their own, the ones they cover, their class's."""
    staff = staff_member_of(user)
    if staff is None:
        return Journal.objects.none()
    journals = Journal.objects.filter(school=staff.school, archived_at__isnull=True)
    if ADMINISTRATION_ROLES.intersection(staff.roles):
        return journals
    return journals.filter(
        Q(teacher=staff)
        | Q(substitutions__teacher=staff, substitutions__cancelled_at__isnull=True)
        | Q(school_class__homeroom_teacher=staff)
    ).distinct()


def administered_school_ids(user: User) -> list[int]:
    """The schools whose administration this account belongs to (for the Wagtail admin's diary screens)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [
        staff.school_id
        for staff in StaffMember.objects.filter(user=user, archived_at__isnull=True)
        if ADMINISTRATION_ROLES.intersection(staff.roles)
    ]
