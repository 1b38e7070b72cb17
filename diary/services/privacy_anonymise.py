"""Personal data of students: anonymisation after the retention period.

Anonymisation replaces names with a stable pseudonym and clears birth date and contacts, but keeps marks,
attendance and final grades: the school's aggregate reports (D14) must stay what they were.
"""

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import (
    AccessCode,
    AuditEntry,
    Enrolment,
    Guardian,
    School,
    Student,
)
from diary.permissions import may_administer_privacy
from diary.services.access import account_deactivate
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.freshness import school_changed

logger = logging.getLogger("diary.privacy")

# The server's operator at the command line (`anonymise_students`) acts with the rights of a superuser.
OPERATOR = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)


def retention_cutoff(today: dt.date) -> dt.date:
    """Students who left on or before this date have been gone for the whole retention period."""
    years = settings.MEKTEP_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _open_enrolment(today: dt.date) -> Q:
    return Q(date_to__isnull=True) | Q(date_to__gte=today)


def anonymisation_candidates(*, school: School, today: dt.date | None = None) -> QuerySet[Student]:
    """Students of the school who left (no open enrolment) before the retention period and keep their names."""
    today = today or timezone.localdate()
    current = Enrolment.objects.filter(_open_enrolment(today)).values("student_id")
    return (
        Student.objects.filter(school=school, anonymised_at__isnull=True)
        .exclude(pk__in=current)
        .annotate(left_on=Max("enrolments__date_to"))
        .filter(left_on__lte=retention_cutoff(today))
        .order_by("left_on", "code")
    )


def pseudonym(kind: str, pk: int) -> str:
    """A stable pseudonym: the same row always gets the same one, and it reveals nothing of the person."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
    return f"ANON-{digest[:10].upper()}"


def _account_anonymise(*, actor, user, name: str) -> None:
    """Closes the account (tokens revoked at once) and clears the names and e-mail it carried."""
    if user.is_active:
        account_deactivate(actor=actor, user=user)
    user.username = name.lower()
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.save(update_fields=["username", "first_name", "last_name", "email", "password"])


def _refuse_unless_eligible(student: Student, today: dt.date) -> None:
    if student.anonymised_at is not None:
        raise DiaryValidationError(_("This student's data are already anonymised."), code="already_anonymised")
    enrolments = Enrolment.objects.filter(student=student)
    if enrolments.filter(_open_enrolment(today)).exists():
        raise DiaryValidationError(_("A current student cannot be anonymised."), code="student_current")
    left_on = enrolments.aggregate(left_on=Max("date_to"))["left_on"]
    if left_on is None or left_on > retention_cutoff(today):
        raise DiaryValidationError(
            _("The retention period of this student's data is not over yet."), code="retention_not_over"
        )


@dataclass
class Anonymisation:
    student: Student
    pseudonym: str
    guardians: list[Guardian] = field(default_factory=list)


@transaction.atomic
def student_anonymise(*, actor, student: Student, today: dt.date | None = None) -> Anonymisation:
    """Personal data: the administration anonymises a student who left once the retention period is over.

    Names become a stable pseudonym; birth date and contacts are cleared; accounts are closed; guardians with
    no other child whose data are kept are anonymised too. Marks, attendance and finals stay, so reports hold.
    `actor=None` is the server's operator (`anonymise_students`). Recorded in the audit trail (D16).
    """
    today = today or timezone.localdate()
    if actor is not None and not may_administer_privacy(actor, student):
        raise DiaryPermissionDenied(_("Only the school's administration anonymises students."))
    student = Student.objects.select_for_update().get(pk=student.pk)
    _refuse_unless_eligible(student, today)
    now = timezone.now()
    name = pseudonym("student", student.pk)
    if student.user_id:
        _account_anonymise(actor=actor or OPERATOR, user=student.user, name=name)
    student.last_name, student.first_name, student.patronymic = name, "", ""
    student.birth_date = None
    student.anonymised_at = now
    student.save(update_fields=["last_name", "first_name", "patronymic", "birth_date", "anonymised_at", "updated_at"])
    guardians = [guardian for guardian in student.guardians.all() if _guardian_has_no_other_child(guardian, student)]
    for guardian in guardians:
        _guardian_anonymise(actor=actor or OPERATOR, guardian=guardian, now=now)
    AccessCode.objects.filter(
        Q(student=student) | Q(guardian__in=guardians), used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    audit_entries_add(
        [
            audit_entry(
                school_id=student.school_id,
                at=now,
                by=actor,
                field=AuditEntry.Field.ANONYMISATION,
                old=None,
                new={"pseudonym": name, "guardians": [pseudonym("guardian", g.pk) for g in guardians]},
                student_id=student.pk,
                reason=_("The retention period of the student's personal data is over."),
            )
        ]
    )
    school_changed(school_id=student.school_id)
    logger.info("Student %s anonymised with %s guardian(s) by %s", student.pk, len(guardians), actor or "operator")
    return Anonymisation(student=student, pseudonym=name, guardians=guardians)


def _guardian_has_no_other_child(guardian: Guardian, student: Student) -> bool:
    """A guardian keeps their data while another of their children's data are kept."""
    if guardian.anonymised_at is not None:
        return False
    return not guardian.students.exclude(pk=student.pk).filter(anonymised_at__isnull=True).exists()


def _guardian_anonymise(*, actor, guardian: Guardian, now: dt.datetime) -> None:
    name = pseudonym("guardian", guardian.pk)
    guardian.last_name, guardian.first_name, guardian.patronymic = name, "", ""
    guardian.phone = guardian.email = ""
    guardian.anonymised_at = now
    guardian.save(
        update_fields=["last_name", "first_name", "patronymic", "phone", "email", "anonymised_at", "updated_at"]
    )
    # One account may stand for guardian rows in several classes: it closes with the last of them.
    if guardian.user_id and not Guardian.objects.filter(user_id=guardian.user_id, anonymised_at__isnull=True).exists():
        _account_anonymise(actor=actor, user=guardian.user, name=name)
