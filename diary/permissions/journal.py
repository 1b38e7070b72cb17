"""Who sees a journal, reads its history and writes it (D6, D7, D15)."""

import datetime as dt
from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from diary.exceptions import DiaryPermissionDenied
from diary.models import (
    Journal,
    StaffMember,
    Substitution,
)
from diary.permissions.people import User, staff_member_of


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
