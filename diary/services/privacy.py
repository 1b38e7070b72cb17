"""Personal data of students (law of the Kyrgyz Republic on personal data): who looked at a student's records
and the access log the administration reads. The download of everything held about a student is in
diary/services/privacy_export.py, anonymisation after the retention period in diary/services/privacy_anonymise.py.
"""

import logging
import threading
import time

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from diary.exceptions import DiaryNotFound, DiaryPermissionDenied
from diary.models import (
    Guardian,
    StaffMember,
    Student,
    StudentAccessLog,
)
from diary.permissions import may_administer_privacy, school_of

logger = logging.getLogger("diary.privacy")


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
        now = time.time()  # the wall clock, as the cache's expiry
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
