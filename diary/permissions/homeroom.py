"""What a class's homeroom teacher may do: access codes (D4), subgroups (D10), the class's data (D11); and who
moves a student to another class."""

from diary.models import (
    Journal,
    SchoolClass,
    StaffMember,
    Student,
)
from diary.permissions.family import current_class
from diary.permissions.people import User, account_active, is_administration, school_of, staff_member_of, student_of


def may_issue_code(user: User, person) -> bool:
    """D4: administration issues every code; a homeroom teacher issues codes for the students and guardians
    of their own class."""
    if is_administration(user, person.school):
        return True
    if isinstance(person, StaffMember):
        return False
    staff = staff_member_of(user, person.school)
    if staff is None:
        return False
    students = [person] if isinstance(person, Student) else list(person.students.all())
    return any(
        (school_class := current_class(student)) is not None and school_class.homeroom_teacher_id == staff.pk
        for student in students
    )


def may_link_person(user: User, person) -> bool:
    """D4: a code redeemed from a logged-in account links the code's person to that account only where one account
    may hold both: a guardian record (a teacher who is also a parent; a parent's code for another child), or a staff
    record of an account that has none, in the account's own school. A student's record is the student's own
    account, never added to someone else's; and a record already linked to another account stays there."""
    if not account_active(user) or person.user_id not in (None, user.pk) or isinstance(person, Student):
        return False
    school = school_of(user)
    if school is not None and school.pk != person.school_id:
        return False
    if isinstance(person, StaffMember):
        return staff_member_of(user) is None and student_of(user) is None
    return student_of(user) is None


def may_split_class(user: User, school_class: SchoolClass, class_journal: Journal | None) -> bool:
    """D10: the class's homeroom teacher, the subject's teacher (of the class journal) or the administration."""
    staff = staff_member_of(user, school_class.school)
    return staff is not None and (
        staff.is_administration
        or staff.pk == school_class.homeroom_teacher_id
        or (class_journal is not None and staff.pk == class_journal.teacher_id)
    )


def may_manage_class(user: User, school_class: SchoolClass) -> bool:
    """D4, D10, D11: the class's homeroom teacher or the administration."""
    staff = staff_member_of(user, school_class.school)
    return staff is not None and (staff.is_administration or school_class.homeroom_teacher_id == staff.pk)


def may_move_student(user: User, student: Student) -> bool:
    """D1, D15: only the school's administration moves a student to another class."""
    return is_administration(user, student.school)
