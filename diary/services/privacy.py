"""Personal data of students (law of the Kyrgyz Republic on personal data): who looked at a student's records,
the download of everything held about a student, and anonymisation after the retention period.

Anonymisation replaces names with a stable pseudonym and clears birth date and contacts, but keeps marks,
attendance and final grades: the school's aggregate reports (D14) must stay what they were.
"""

import datetime as dt
import hashlib
import hmac
import logging
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from diary.exceptions import DiaryNotFound, DiaryPermissionDenied, DiaryValidationError
from diary.models import (
    AccessCode,
    Attendance,
    AuditEntry,
    Enrolment,
    FinalGrade,
    Guardian,
    GuardianLink,
    Mark,
    Message,
    Period,
    School,
    StaffMember,
    Student,
    StudentAccessLog,
)
from diary.permissions import is_adult, may_administer_privacy, may_export_student, school_of
from diary.services.access import account_deactivate
from diary.services.audit import audit_entries_add, audit_entry
from diary.services.freshness import school_changed

logger = logging.getLogger("diary.privacy")

# The server's operator at the command line (`anonymise_students`) acts with the rights of a superuser.
OPERATOR = SimpleNamespace(is_superuser=True, is_authenticated=False, pk=None)


# The pages a family opens many times a day are one entry per viewer, student and page in this window (the first
# view's time); every other kind of view (the admin's record, an export, the access log itself) is always an entry.
REPEATED_VIEWS = (StudentAccessLog.What.DIARY, StudentAccessLog.What.GRADES)
REPEATED_VIEW_SECONDS = 10 * 60


# A claim another process (or an earlier request) holds is remembered here for at most KNOWN_CLAIM_SECONDS, so that
# the busiest pages ask the cache about once a minute; a view in the minute after that claim ends joins its entry.
KNOWN_CLAIM_SECONDS = 60
_known_claims: dict[str, float] = {}
_known_claims_lock = threading.Lock()


def student_view_log(*, user, student: Student, what: str) -> StudentAccessLog | None:
    """Records that `user` was shown `what` of this student's records: one INSERT, nothing read. The same person
    reopening the same diary page within REPEATED_VIEW_SECONDS is already recorded (None); when the cache cannot
    say so, the view is recorded again rather than lost."""
    viewer = user if getattr(user, "is_authenticated", False) else None
    if viewer is not None and what in REPEATED_VIEWS:
        key = f"diary:viewed:{viewer.pk}:{student.pk}:{what}"
        now = time.monotonic()
        with _known_claims_lock:
            if _known_claims.get(key, 0.0) > now:
                return None
        if not cache_claim(key, REPEATED_VIEW_SECONDS):
            with _known_claims_lock:
                if len(_known_claims) > 10_000:
                    _known_claims.clear()
                _known_claims[key] = now + min(KNOWN_CLAIM_SECONDS, REPEATED_VIEW_SECONDS)
            return None
    return StudentAccessLog.objects.create(school_id=student.school_id, viewer=viewer, student=student, what=what)


def cache_claim(key: str, seconds: int) -> bool:
    """True when this call is the first to take `key` for `seconds`, and also when the cache cannot tell (Redis
    unreachable: django-redis then answers None, having logged it): callers do the work rather than skip it."""
    try:
        return cache.add(key, 1, seconds) is not False
    except (RedisError, OSError) as error:
        logger.warning("Cache unavailable (claim): %s", error)
        return True


def known_views_forget() -> None:
    """Forgets what this process knows of recorded views (tests, which empty the cache between them)."""
    with _known_claims_lock:
        _known_claims.clear()


def student_for_privacy(*, user, pk: int) -> Student:
    """The student `pk` of the requester's school: another school's student is not found (404); whether the
    requester may act on them is the caller's permission question (403)."""
    school = school_of(user)
    in_range = 1 <= pk <= 2**63 - 1  # an address with a huge number is a 404, not a query the database refuses
    student = (
        Student.objects.filter(pk=pk, school=school).select_related("school").first() if school and in_range else None
    )
    if student is None:
        raise DiaryNotFound()
    return student


def student_access_log(*, actor, student: Student) -> QuerySet[StudentAccessLog]:
    """The access log of one student, newest first, for the administration (the reading itself is logged)."""
    if not may_administer_privacy(actor, student):
        raise DiaryPermissionDenied(_("Only the school's administration reads the access log."))
    student_view_log(user=actor, student=student, what=StudentAccessLog.What.ACCESS_LOG)
    return StudentAccessLog.objects.filter(student=student).select_related("viewer").order_by("-at", "-pk")


def _viewer_names(user_ids: set[int]) -> dict[int, str]:
    names = {staff.user_id: staff.full_name for staff in StaffMember.objects.filter(user_id__in=user_ids)}
    for guardian in Guardian.objects.filter(user_id__in=user_ids - set(names)):
        names.setdefault(guardian.user_id, guardian.full_name)
    for student in Student.objects.filter(user_id__in=user_ids - set(names)):
        names.setdefault(student.user_id, student.full_name)
    return names


def access_log_rows(entries) -> list[dict]:
    """`[{at, viewer, name, what}]`: who looked, by account and by the name the school knows them by."""
    entries = list(entries)
    names = _viewer_names({entry.viewer_id for entry in entries if entry.viewer_id})
    return [
        {
            "at": entry.at.isoformat(),
            "viewer": entry.viewer.username if entry.viewer_id else None,
            "name": names.get(entry.viewer_id, ""),
            "what": entry.what,
        }
        for entry in entries
    ]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _messages(student: Student, requester) -> list[dict]:
    """Messages of the conversations the student takes part in, and, for a guardian, their own conversations."""
    accounts = [account for account in (student.user_id, getattr(requester, "pk", None)) if account]
    messages = (
        Message.objects.filter(thread__participants__user_id__in=accounts, school=student.school)
        .select_related("thread", "sender")
        .distinct()
        .order_by("created_at", "pk")
    )
    return [
        {
            "thread": message.thread_id,
            "subject": message.thread.subject,
            "sender": message.sender.username,
            "sent_at": message.created_at.isoformat(),
            "body": message.body,
        }
        for message in messages
    ]


def student_data(*, student: Student, requester=None) -> dict:
    """Everything the diary holds about one student, as plain JSON-ready data (the export's content)."""
    enrolments = Enrolment.objects.filter(student=student).select_related("school_class__year").order_by("date_from")
    links = GuardianLink.objects.filter(student=student).select_related("guardian").order_by("pk")
    cells = (
        Mark.objects.filter(student=student)
        .select_related("lesson__journal__subject")
        .order_by("lesson__date", "lesson__lesson_no", "pk")
    )
    finals = (
        FinalGrade.objects.filter(student=student)
        .select_related("period", "subject")
        .order_by("period__start", "subject__code")
    )
    cells = list(cells)
    return {
        "generated_at": timezone.now().isoformat(),
        "school": {"code": student.school.code, "name": student.school.name},
        "student": {
            "id": student.pk,
            "code": student.code,
            "last_name": student.last_name,
            "first_name": student.first_name,
            "patronymic": student.patronymic,
            "birth_date": _iso(student.birth_date),
            "account": student.user.username if student.user_id else None,
            "anonymised_at": _iso(student.anonymised_at),
        },
        "enrolments": [
            {
                "class": enrolment.school_class.code,
                "grade": enrolment.school_class.grade,
                "academic_year": str(enrolment.school_class.year),
                "from": _iso(enrolment.date_from),
                "to": _iso(enrolment.date_to),
            }
            for enrolment in enrolments
        ],
        "guardians": [
            {
                "code": link.guardian.code,
                "last_name": link.guardian.last_name,
                "first_name": link.guardian.first_name,
                "patronymic": link.guardian.patronymic,
                "relation": link.relation,
                "phone": link.guardian.phone,
                "email": link.guardian.email,
            }
            for link in links
        ],
        "marks": [
            {
                "date": _iso(cell.lesson.date),
                "lesson_no": cell.lesson.lesson_no,
                "subject": cell.lesson.journal.subject.name,
                "grades": cell.grades,
                "comment": cell.comment,
            }
            for cell in cells
            if cell.grades or cell.comment
        ],
        "attendance": [
            {
                "date": _iso(cell.lesson.date),
                "lesson_no": cell.lesson.lesson_no,
                "subject": cell.lesson.journal.subject.name,
                "attendance": cell.attendance,
            }
            for cell in cells
        ],
        "finals": [
            {"period": final.period.key, "subject": final.subject.name, "value": final.value} for final in finals
        ],
        "messages": _messages(student, requester),
        "access_log": access_log_rows(
            StudentAccessLog.objects.filter(student=student).select_related("viewer").order_by("at", "pk")
        ),
    }


def student_export_authorise(*, actor, student: Student) -> None:
    """Refuses (403) anyone but the student's guardians and the adult student, saying why."""
    if may_export_student(actor, student):
        return
    if student.user_id == getattr(actor, "pk", None) and not is_adult(student):
        raise DiaryPermissionDenied(
            _("Until you are of age, your parents or guardians download your data."), code="not_adult"
        )
    raise DiaryPermissionDenied(_("Only the student's guardians, or the adult student, download these data."))


def student_data_export(*, actor, student: Student) -> dict:
    """Personal data: a guardian, or the adult student, downloads all data held about the student.

    The download itself is recorded in the access log first, so the export shows it too.
    """
    student_export_authorise(actor=actor, student=student)
    student_view_log(user=actor, student=student, what=StudentAccessLog.What.EXPORT)
    return student_data(student=student, requester=actor)


def student_data_printable(data: dict) -> dict:
    """The export with attendance and access-log codes put in words of the current language, for the PDF."""
    attendance = dict(Attendance.choices)
    what = dict(StudentAccessLog.What.choices)
    kinds = dict(Period.Kind.choices)
    finals = {FinalGrade.NOT_ASSESSED: _("n/a"), FinalGrade.EXEMPT: _("exempt")}

    def day(value):
        """An ISO date in the local short format; anything else as it is."""
        try:
            return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else value
        except (TypeError, ValueError):
            return value

    def period(key: str) -> str:
        kind, _dash, number = str(key).rpartition("-")
        if key == Period.Kind.YEAR:
            return str(kinds[Period.Kind.YEAR])
        return f"{kinds[kind]} {number}" if kind in kinds else str(key)

    return {
        **data,
        "student": {**data["student"], "birth_date": day(data["student"].get("birth_date"))},
        "enrolments": [{**row, "from": day(row["from"]), "to": day(row["to"])} for row in data["enrolments"]],
        "marks": [{**row, "date": day(row["date"])} for row in data["marks"]],
        "attendance": [
            {**row, "date": day(row["date"]), "attendance": attendance.get(row["attendance"], "")}
            for row in data["attendance"]
        ],
        "finals": [
            {**row, "period": period(row["period"]), "value": finals.get(row["value"], row["value"])}
            for row in data["finals"]
        ],
        "access_log": [{**row, "what": what.get(row["what"], "")} for row in data["access_log"]],
    }


# --- anonymisation -----------------------------------------------------------------------------------------


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
