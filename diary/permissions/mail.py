"""Whom a person may write to (D13, D15)."""

from django.db.models import Q

from diary.models import (
    Enrolment,
    Guardian,
    Journal,
    SchoolClass,
    StaffMember,
    Student,
)
from diary.permissions.family import students_visible_to
from diary.permissions.people import User, children_of, school_of, staff_member_of, student_of


def message_recipients(user: User):
    """D13 + D15: the accounts this user may write to.

    Administration: anyone of the school. A teacher: colleagues, and the students and guardians of the classes
    they teach or lead. A guardian: their children's teachers, homeroom teachers and the administration.
    A student: their teachers, homeroom teacher and the administration.
    """
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.filter(is_active=True).exclude(pk=getattr(user, "pk", None))
    school = school_of(user)
    if school is None:
        return accounts.none()
    staff_users = StaffMember.objects.filter(school=school, archived_at__isnull=True, user__isnull=False)
    staff = staff_member_of(user, school)
    if staff is not None:
        if staff.is_administration:
            return accounts.filter(
                Q(pk__in=staff_users.values("user"))
                | Q(pk__in=Student.objects.filter(school=school).values("user"))
                | Q(pk__in=Guardian.objects.filter(school=school).values("user"))
            )
        pupils = students_visible_to(user)
        return accounts.filter(
            Q(pk__in=staff_users.values("user"))
            | Q(pk__in=pupils.values("user"))
            | Q(pk__in=Guardian.objects.filter(links__student__in=pupils).values("user"))
        )
    pupils = [student.pk for student in children_of(user)]
    if (student := student_of(user)) is not None:
        pupils.append(student.pk)
    classes = Enrolment.objects.filter(student_id__in=pupils).values("school_class_id")
    teachers = Journal.objects.filter(school_class_id__in=classes, archived_at__isnull=True).values("teacher_id")
    homerooms = SchoolClass.objects.filter(pk__in=classes).values("homeroom_teacher_id")
    admins = [s.pk for s in staff_users if s.is_administration]
    return accounts.filter(
        pk__in=staff_users.filter(Q(pk__in=teachers) | Q(pk__in=homerooms) | Q(pk__in=admins)).values("user")
    )
