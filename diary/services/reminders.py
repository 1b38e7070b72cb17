"""Reminders the sweep sends (D5, D7, D11, D12), each once: the `Reminder` row's unique key says it went out.

- D5: on Monday from 08:00 (school time), a teacher whose journals have lessons of last week with no topic, or with
  nothing entered (no mark and no attendance), is reminded: the deadline is that Monday.
- D7: on the last day before a period's final-grade window closes and on its closing day, a teacher with students
  still without a final grade is reminded.
- D11 (interpretation): from the 20th of a month, the homeroom teacher of a class with no data check that month.
- D12 (interpretation): from the 20th of a month, the director or a deputy who inspected no journal that month.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from diary.calendar import week_start
from diary.models import Inspection, Journal, Lesson, Mark, Period, Reminder, School, SchoolClass, StaffMember
from diary.selectors.homeroom import data_check_due
from diary.services.messaging import notice_send
from diary.services.report_compliance import finals_missing_by_journal
from diary.services.report_duties import inspectors_of

WEEKLY_REMINDER_HOUR = 8
DATA_CHECK_REMINDER_DAY = 20


def _remind(*, school: School, staff: StaffMember, kind: str, key: str, subject, body) -> str | None:
    """Sends one reminder unless its key was sent already; the key of the reminder sent, or None."""
    if staff.user_id is None or not staff.user.is_active or Reminder.objects.filter(key=key).exists():
        return None
    language = settings_language()
    try:
        with transaction.atomic(), translation.override(language):
            thread = notice_send(
                school=school,
                user=staff.user,
                subject=str(subject),
                body=str(body),
                email=staff.email or staff.user.email,
            )
            Reminder.objects.create(
                school=school,
                kind=kind,
                key=key,
                user=staff.user,
                thread=thread,
                emailed=bool(staff.email or staff.user.email),
            )
    except IntegrityError:  # another sweep sent it a moment ago
        return None
    return key


def settings_language() -> str:
    """Reminders are written in the school's default language (L1: Kyrgyz)."""
    return settings.LANGUAGE_CODE


def weekly_entries_remind(school: School, now: dt.datetime | None = None) -> list[str]:
    """D5: Monday-morning reminders about last week's lessons with no topic or nothing entered."""
    now = timezone.localtime(now or timezone.now())
    if now.weekday() != 0 or now.hour < WEEKLY_REMINDER_HOUR:
        return []
    monday = week_start(now.date()) - dt.timedelta(days=7)
    entered = Mark.objects.filter(lesson_id=OuterRef("pk"))
    lessons = (
        Lesson.objects.filter(
            school=school,
            date__gte=monday,
            date__lt=monday + dt.timedelta(days=7),
            archived_at__isnull=True,
            journal__archived_at__isnull=True,
        )
        .annotate(entered=Exists(entered))
        .filter(Q(topic="") | Q(entered=False))
        .values("journal__teacher_id")
        .annotate(without_topic=Count("pk", filter=Q(topic="")), without_marks=Count("pk", filter=Q(entered=False)))
    )
    gaps = {row["journal__teacher_id"]: row for row in lessons}
    sent = []
    for staff in StaffMember.objects.filter(pk__in=gaps, archived_at__isnull=True).select_related("user"):
        gap = gaps[staff.pk]
        with translation.override(settings_language()):
            body = _(
                "Last week (from %(monday)s) %(without_topic)d lesson(s) have no topic and %(without_marks)d lesson(s) "
                "have no marks or attendance. The deadline is today, %(today)s; later entries are recorded as late."
            ) % {
                "monday": monday.strftime("%d.%m.%Y"),
                "without_topic": gap["without_topic"],
                "without_marks": gap["without_marks"],
                "today": now.date().strftime("%d.%m.%Y"),
            }
            key = f"weekly:{school.pk}:{staff.pk}:{monday.isoformat()}"
            subject = _("Reminder: last week's journal entries")
        if _remind(school=school, staff=staff, kind=Reminder.Kind.WEEKLY_ENTRIES, key=key, subject=subject, body=body):
            sent.append(key)
    return sent


def finals_remind(school: School, now: dt.datetime | None = None) -> list[str]:
    """D7: before a period's final-grade window closes, teachers whose students still lack a final grade."""
    today = timezone.localdate(now or timezone.now())
    window = dt.timedelta(days=school.final_window_days)
    sent = []
    for period in Period.objects.filter(
        school=school, end__gte=today - window, end__lte=today - window + dt.timedelta(days=1)
    ):
        closes = period.end + window
        journal_ids = list(
            Lesson.objects.filter(school=school, date__gte=period.start, date__lte=period.end, archived_at__isnull=True)
            .values_list("journal_id", flat=True)
            .distinct()
        )
        missing: dict[int, int] = {}
        teachers = dict(Journal.objects.filter(pk__in=journal_ids).values_list("pk", "teacher_id"))
        for journal_id, count in finals_missing_by_journal(period, journal_ids).items():
            if count:
                missing[teachers[journal_id]] = missing.get(teachers[journal_id], 0) + count
        for staff in StaffMember.objects.filter(pk__in=missing, archived_at__isnull=True).select_related("user"):
            with translation.override(settings_language()):
                subject = _("Reminder: final grades for %(period)s") % {"period": period}
                body = _(
                    "%(count)d final grade(s) for %(period)s are not set yet. Final grades can be set until "
                    "%(closes)s; after that only the administration can reopen the window."
                ) % {"count": missing[staff.pk], "period": period, "closes": closes.strftime("%d.%m.%Y")}
            key = f"finals:{school.pk}:{staff.pk}:{period.pk}"
            if _remind(school=school, staff=staff, kind=Reminder.Kind.FINALS, key=key, subject=subject, body=body):
                sent.append(key)
    return sent


def data_check_remind(school: School, now: dt.datetime | None = None) -> list[str]:
    """D11: from the 20th, the homeroom teachers of classes whose data were not checked this month."""
    today = timezone.localdate(now or timezone.now())
    if today.day < DATA_CHECK_REMINDER_DAY:
        return []
    classes = SchoolClass.objects.filter(school=school, year__start__lte=today, year__end__gte=today).select_related(
        "homeroom_teacher__user"
    )
    sent = []
    for school_class in classes:
        if not data_check_due(school_class, today):
            continue
        staff = school_class.homeroom_teacher
        with translation.override(settings_language()):
            subject = _("Reminder: the monthly data check of %(class)s") % {"class": school_class.code}
            body = _(
                "The student and parent data of %(class)s have not been checked this month. Check them and record "
                "the check in the diary before the month ends."
            ) % {"class": school_class.code}
        key = f"data_check:{school.pk}:{school_class.pk}:{today:%Y-%m}"
        if _remind(school=school, staff=staff, kind=Reminder.Kind.DATA_CHECK, key=key, subject=subject, body=body):
            sent.append(key)
    return sent


def inspection_remind(school: School, now: dt.datetime | None = None) -> list[str]:
    """D12: from the 20th, the director and deputies who have not inspected a journal this month."""
    today = timezone.localdate(now or timezone.now())
    if today.day < DATA_CHECK_REMINDER_DAY:
        return []
    inspected = set(
        Inspection.objects.filter(school=school, at__date__gte=today.replace(day=1), at__date__lte=today).values_list(
            "inspector_id", flat=True
        )
    )
    sent = []
    for staff in inspectors_of(school):
        if staff.pk in inspected:
            continue
        with translation.override(settings_language()):
            subject = _("Reminder: the monthly journal inspection")
            body = _(
                "You have not inspected a journal this month. The director and deputy directors inspect the journals "
                "at least once a month; record the inspection, with your remarks, in the diary before the month ends."
            )
        key = f"inspection:{school.pk}:{staff.pk}:{today:%Y-%m}"
        if _remind(school=school, staff=staff, kind=Reminder.Kind.INSPECTION, key=key, subject=subject, body=body):
            sent.append(key)
    return sent
