"""D15: who may see and do what in the diary. Every view, API endpoint, selector and service asks here.

- Students: their own data. Guardians: their children's.
- Subject teachers: their journals, and the journals they cover as substitutes (D6).
- Homeroom teachers: read their class's journals and data; issue their class's access codes (D4).
- Director, deputy, diary administrator: the whole school; the director and deputies inspect journals (D12).
- Nobody: another school. Deactivated accounts: nothing.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from diary.exceptions import DiaryPermissionDenied
from diary.models import (
    Enrolment,
    Guardian,
    GuardianLink,
    Journal,
    ReportRun,
    School,
    SchoolClass,
    StaffMember,
    Student,
    Substitution,
)
from diary.models.people import ADMINISTRATION_ROLES

User = AbstractBaseUser | AnonymousUser


def _active(user: User) -> bool:
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
    """The students an account sees as its own: the student it is, and the children it is a guardian of
    (`is_child`), by name."""
    guarded = GuardianLink.objects.filter(guardian__user_id=user_id).values("student_id")
    # A union rather than `user_id = … OR pk IN (…)`: both halves use their index, where the OR read every student
    # of the table on PostgreSQL.
    own_or_guarded = Student.objects.filter(user_id=user_id).order_by().values("pk").union(guarded, all=True)
    return (
        Student.objects.filter(pk__in=own_or_guarded, archived_at__isnull=True)
        # Of these, every student but the account's own record is there as its child: no second read of the links.
        .annotate(is_child=ExpressionWrapper(~Q(user_id=user_id), output_field=BooleanField()))
        .select_related("school")
        .order_by("last_name", "first_name", "pk")
    )


def staff_member_of(user: User, school: School | None = None) -> StaffMember | None:
    """The active staff record linked to this account (in this school, when given)."""
    if not _active(user):
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
    if not _active(user):
        return None
    return next((student for student in _own_students(user) if student.user_id == user.pk), None)


def children_of(user: User) -> list[Student]:
    """The students whose guardian this account is."""
    if not _active(user):
        return []
    return [student for student in _own_students(user) if student.is_child]


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


def current_substitutions(staff: StaffMember, today: dt.date | None = None) -> QuerySet[Substitution]:
    """D6: the substitutions that still give `staff` access: not cancelled, and not ended more than
    MEKTEP_SUBSTITUTE_GRACE_DAYS ago. The substitute reads (and writes the covered dates of) the journal while
    they cover it and for the grace period after, then no longer. *(interpretation)* Access starts when the
    administration assigns the substitution, so that the substitute can prepare the lessons."""
    from django.conf import settings

    today = today or timezone.localdate()
    ended_after = today - dt.timedelta(days=settings.MEKTEP_SUBSTITUTE_GRACE_DAYS)
    return Substitution.objects.filter(teacher=staff, cancelled_at__isnull=True, date_to__gte=ended_after)


def covered_dates(user: User, journal: Journal) -> list[tuple[dt.date, dt.date]]:
    """The date ranges in which this user substitutes in this journal (D6), while the substitution is current."""
    staff = staff_member_of(user, journal.school)
    if staff is None:
        return []
    return list(current_substitutions(staff).filter(journal=journal).values_list("date_from", "date_to"))


def journals_visible_to(user: User) -> QuerySet[Journal]:
    """D15: administration sees the school's journals; teachers their own, the ones they cover, their class's."""
    staff = staff_member_of(user)
    if staff is None:
        return Journal.objects.none()
    journals = Journal.objects.filter(school=staff.school, archived_at__isnull=True)
    if staff.is_administration:
        return journals
    covered = current_substitutions(staff).values("journal_id")
    return journals.filter(Q(teacher=staff) | Q(pk__in=covered) | Q(school_class__homeroom_teacher=staff))


def may_view_journal(user: User, journal: Journal) -> bool:
    """`journals_visible_to` for one journal already read (with its class): the same answer, asked of the journal
    itself, so the busiest pages read the journal by its id and spend a query only on a substitute's cover."""
    staff = staff_member_of(user)
    if staff is None or journal.school_id != staff.school_id or journal.archived_at is not None:
        return False
    if staff.is_administration or journal.teacher_id == staff.pk:
        return True
    if journal.school_class.homeroom_teacher_id == staff.pk:
        return True
    return current_substitutions(staff).filter(journal=journal).exists()


def _own_student_ids(user: User) -> list[int]:
    """The account's own student record and its children."""
    return [student.pk for student in [*children_of(user), *filter(None, [student_of(user)])]]


def students_visible_to(user: User) -> QuerySet[Student]:
    """D15: a student themself; a guardian's children; the students of a teacher's journals and homeroom class;
    the whole school for the administration."""
    if not _active(user):
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
    if not _active(user):
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
    if not _active(user) or person.user_id not in (None, user.pk) or isinstance(person, Student):
        return False
    school = school_of(user)
    if school is not None and school.pk != person.school_id:
        return False
    if isinstance(person, StaffMember):
        return staff_member_of(user) is None and student_of(user) is None
    return student_of(user) is None


def may_read_journal_history(user: User, journal: Journal) -> bool:
    """D16, D15: a journal's audit trail (who changed what, when, why) is read by the journal's teacher, the class's
    homeroom teacher, the school's administration and a substitute while the cover gives them the journal (D6: the
    covered dates and the grace period after them); nobody else."""
    staff = staff_member_of(user)
    if staff is None or journal.school_id != staff.school_id or journal.archived_at is not None:
        return False
    if staff.is_administration or staff.pk in (journal.teacher_id, journal.school_class.homeroom_teacher_id):
        return True
    return current_substitutions(staff).filter(journal=journal).exists()


def may_split_class(user: User, school_class: SchoolClass, class_journal: Journal | None) -> bool:
    """D10: the class's homeroom teacher, the subject's teacher (of the class journal) or the administration."""
    staff = staff_member_of(user, school_class.school)
    return staff is not None and (
        staff.is_administration
        or staff.pk == school_class.homeroom_teacher_id
        or (class_journal is not None and staff.pk == class_journal.teacher_id)
    )


def may_change_school_rules(user: User, school: School) -> bool:
    """D7, D9: only the school's director changes its fixed rules (with a reason, audited)."""
    staff = staff_member_of(user, school)
    return staff is not None and staff.has_role("director")


def may_manage_class(user: User, school_class: SchoolClass) -> bool:
    """D4, D10, D11: the class's homeroom teacher or the administration."""
    staff = staff_member_of(user, school_class.school)
    return staff is not None and (staff.is_administration or school_class.homeroom_teacher_id == staff.pk)


def administered_school_ids(user: User) -> list[int]:
    """The schools whose administration this account belongs to (for the Wagtail admin's diary screens)."""
    if not _active(user):
        return []
    return [
        staff.school_id
        for staff in StaffMember.objects.filter(user=user, archived_at__isnull=True)
        if ADMINISTRATION_ROLES.intersection(staff.roles)
    ]


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
    if not _active(user) or student.anonymised_at is not None:
        return False
    if student.user_id == user.pk:
        return is_adult(student)
    return Guardian.objects.filter(user=user, links__student=student).exists()


def may_administer_privacy(user: User, student: Student) -> bool:
    """Personal data: the school's administration reads the access log and anonymises students who left."""
    return is_administration(user, student.school)


@dataclass(frozen=True)
class ReportScope:
    """D15: the part of a report one viewer may see. `whole` for the administration; otherwise the viewer's own
    journals (as a subject teacher), their own classes (as a homeroom teacher) and their own compliance row."""

    whole: bool
    staff_id: int | None = None
    journal_ids: frozenset[int] = frozenset()
    class_codes: frozenset[str] = frozenset()


def report_scope(user: User, run) -> ReportScope | None:
    """D14, D15: who may read a report and its files. Administration: every report of the school. A teacher or
    homeroom teacher: the progress and compliance reports, cut down to their journals and classes. Nobody else."""
    staff = staff_member_of(user, run.school)
    if staff is None:
        return None
    if staff.is_administration:
        return ReportScope(whole=True, staff_id=staff.pk)
    if run.kind == "activity":
        return None
    journals = Journal.objects.filter(school=run.school, teacher=staff).values_list("pk", flat=True)
    classes = SchoolClass.objects.filter(school=run.school, homeroom_teacher=staff)
    if run.period_id:
        classes = classes.filter(year_id=run.period.year_id)
    return ReportScope(
        whole=False,
        staff_id=staff.pk,
        journal_ids=frozenset(journals),
        class_codes=frozenset(classes.values_list("code", flat=True)),
    )


def report_runs_visible_to(user: User, school: School):
    """D14, D15: the report runs listed to a viewer, as `report_scope` decides them: every run of the school for
    the administration, the progress and compliance runs for the school's other staff, nothing for anyone else."""
    staff = staff_member_of(user, school)
    if staff is None:
        return ReportRun.objects.none()
    runs = ReportRun.objects.filter(school=school)
    return runs if staff.is_administration else runs.exclude(kind=ReportRun.Kind.ACTIVITY)


# D6, D15: the one answer to "may this person write this journal", for the services, the grid and the API alike.
JOURNAL_WRITE_REFUSED = gettext_lazy("Only the journal's teacher, a substitute or the administration may write here.")


class JournalWriteAccess:
    """Who writes a journal, and on which lesson dates (D6, D15).

    - The journal's teacher (`own`) writes every lesson and sets its final grades (D7).
    - A substitute writes the dates they cover while the cover is current (`covered`, with the grace period).
    - The school's administration writes through the audited services with a reason (D16); the grid opens its
      cells only to the teacher and the substitute, everyone else who sees the journal (its class's homeroom
      teacher, the administration inspecting it, D12) reads it.
    The covered dates are read once, and only when a question needs them.
    """

    def __init__(self, user: User, journal: Journal):
        self.user = user
        self.journal = journal
        self.staff = staff_member_of(user, journal.school)
        self.own = self.staff is not None and self.staff.pk == journal.teacher_id
        self.administration = self.staff is not None and self.staff.is_administration

    @cached_property
    def covered(self) -> tuple[tuple[dt.date, dt.date], ...]:
        if self.staff is None or self.own:
            return ()
        return tuple(covered_dates(self.user, self.journal))

    def covers(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.covered)

    @property
    def may_write(self) -> bool:
        """D6, D15: writes some lesson of the journal (the services' test before anything else)."""
        return self.own or self.administration or bool(self.covered)

    def may_write_on(self, day: dt.date) -> bool:
        """D6, D15: writes the lesson of `day`."""
        return self.own or self.administration or self.covers(day)

    def require(self) -> "JournalWriteAccess":
        """Raises DiaryPermissionDenied unless the person writes some lesson of the journal."""
        if not self.may_write:
            raise DiaryPermissionDenied(str(JOURNAL_WRITE_REFUSED))
        return self

    @property
    def corrects(self) -> bool:
        """D16: neither the journal's teacher nor its substitute: the administration correcting, with a reason."""
        return not self.own and not self.covered

    def may_enter(self, day: dt.date) -> bool:
        """The grid's cell of `day` opens for entry: the journal's teacher, or a substitute on a covered day."""
        return self.own or self.covers(day)

    @property
    def writable(self) -> bool:
        """The grid opens for entry at all."""
        return self.own or bool(self.covered)

    @property
    def may_set_finals(self) -> bool:
        """D7: the grid's final-grade column is the journal's teacher's, not a substitute's."""
        return self.own


def journal_write_access(user: User, journal: Journal) -> JournalWriteAccess:
    """D6, D15: the one answer to who writes `journal` and on which dates (see JournalWriteAccess)."""
    return JournalWriteAccess(user, journal)


def may_set_final_grades(user: User, journal: Journal) -> bool:
    """D7, D15: the journal's teacher or the school's administration sets its final grades."""
    staff = staff_member_of(user, journal.school)
    return staff is not None and (staff.pk == journal.teacher_id or staff.is_administration)
