"""Who a signed-in person is in the diary: their staff record, their own student record and children, their
school and roles (D15)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from diary.models import (
    GuardianLink,
    School,
    StaffMember,
    Student,
)
from diary.models.people import ADMINISTRATION_ROLES

User = AbstractBaseUser | AnonymousUser


def account_active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _answers(user: User) -> dict:
    """Answers about one account are remembered on the user object, which lives for one request or task (set
    through `request.user`'s lazy object, they land on the account itself)."""
    answers = getattr(user, "diary_access_answers", None)
    if answers is None:
        answers = {}
        user.diary_access_answers = answers
    return answers


def _cached(user: User, key, compute):
    cache = _answers(user)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _staff_records(user_id: int):
    return StaffMember.objects.filter(user_id=user_id, archived_at__isnull=True).select_related("school")


def own_students_query(user_id: int):
    """The students an account sees as its own: the student it is, and the children it is a guardian of, by name.
    Every one of them but the account's own record is there as its child."""
    guarded = GuardianLink.objects.filter(guardian__user_id=user_id).values("student_id")
    # A union rather than `user_id = … OR pk IN (…)`: both halves use their index, where the OR read every student
    # of the table on PostgreSQL.
    own_or_guarded = Student.objects.filter(user_id=user_id).order_by().values("pk").union(guarded, all=True)
    return (
        Student.objects.filter(pk__in=own_or_guarded, archived_at__isnull=True)
        .select_related("school")
        .order_by("last_name", "first_name", "pk")
    )


def staff_member_of(user: User, school: School | None = None) -> StaffMember | None:
    """The active staff record linked to this account (in this school, when given)."""
    if not account_active(user):
        return None

    def compute():
        records = _staff_records(user.pk)
        if school is not None:
            records = records.filter(school_id=school.pk)
        return records.order_by("pk").first()

    if school is not None:
        # An account has one staff record per school: the unscoped answer, when already known and of this
        # school, is also the scoped one (a page asks both and spends one query).
        answers = _answers(user)
        known = answers.get(("staff", None))
        if known is not None and known.school_id == school.pk:
            return known
        if ("staff", None) in answers and known is None:
            return None  # no staff record at all, so none in this school
    return _cached(user, ("staff", school.pk if school else None), compute)


def _own_students(user: User) -> list[Student]:
    """The account's own student record and the students it is a guardian of, with their school, in one query:
    every page asks for both (school_of, the menu, D15 checks)."""
    return _cached(user, "own_students", lambda: list(own_students_query(user.pk)))


def student_of(user: User) -> Student | None:
    if not account_active(user):
        return None
    return next((student for student in _own_students(user) if student.user_id == user.pk), None)


def children_of(user: User) -> list[Student]:
    """The students whose guardian this account is."""
    if not account_active(user):
        return []
    return [student for student in _own_students(user) if student.user_id != user.pk]


def school_of(user: User) -> School | None:
    """The one school this account belongs to, whatever the role."""
    staff = staff_member_of(user)
    if staff is not None:
        return staff.school
    student = student_of(user)
    if student is not None:
        return student.school
    children = children_of(user)
    return children[0].school if children else None


def is_administration(user: User, school: School) -> bool:
    """D1: director, deputy director or diary administrator of this school."""
    staff = staff_member_of(user, school)
    return staff is not None and bool(ADMINISTRATION_ROLES.intersection(staff.roles))


def is_inspector(user: User, school: School) -> bool:
    """D12: the director and deputies inspect journals."""
    staff = staff_member_of(user, school)
    return staff is not None and bool({"director", "deputy"}.intersection(staff.roles))


def may_change_school_rules(user: User, school: School) -> bool:
    """D7, D9: only the school's director changes its fixed rules (with a reason, audited)."""
    staff = staff_member_of(user, school)
    return staff is not None and staff.has_role("director")


def administered_school_ids(user: User) -> list[int]:
    """The schools whose administration this account belongs to (for the Wagtail admin's diary screens)."""
    if not account_active(user):
        return []
    # Asked for every row of an admin listing (its permission policy): one query per request.
    return _cached(
        user,
        ("administered", None),
        lambda: [
            staff.school_id
            for staff in StaffMember.objects.filter(user=user, archived_at__isnull=True)
            if ADMINISTRATION_ROLES.intersection(staff.roles)
        ],
    )
