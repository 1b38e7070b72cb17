"""D14: the quarterly compliance report, the basis of the quarterly bonus (seed §9), computed in the database.

One row per teacher and homeroom teacher of the school, over the period's dates:
- lessons / lessons_without_topic (D8): lessons of the teacher's journals in the period, and those with no topic;
- late_entries (D5): marks, attendance and topics the teacher entered after the Monday deadline;
- finals_late / finals_missing (D7): finals of the teacher's journals set after the window closed, and students
  of a journal with lessons in the period (enrolled at its end, outside the no-marks grade levels) with no final;
- data_checks_missed (D11): months of the period without a data check of a class the teacher leads;
- journals_inspected (D12): how many of the teacher's journals the director or a deputy inspected in the period;
- weeks / weeks_without_grades / weeks_without_attendance (D18): weeks with lessons, and those with no grade or
  nothing entered (diary/services/report_duties.py);
- parent_mail / months_without_parent_mail (D11): a homeroom teacher's messages to the parents of their classes per
  month, and the ended months of the period without one;
- eligible: true when none of the above shows a breach; `reasons` lists the breaches by name.

`inspectors` (D12): per director and deputy, the inspections per month and the ended months without one.
"""

import datetime as dt

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, TruncMonth
from django.utils import timezone

from diary.models import (
    AuditEntry,
    DataCheck,
    Enrolment,
    FinalGrade,
    Inspection,
    Journal,
    Lesson,
    Period,
    SchoolClass,
    StaffMember,
    SubgroupMembership,
)
from diary.services.report_duties import (
    inspections_by_inspector,
    inspectors_of,
    local_midnight,
    month_key,
    months_ended,
    parent_mail_by_homeroom,
    weekly_entries_by_teacher,
)

BREACHES = (
    "lessons_without_topic", "late_entries", "finals_late", "finals_missing", "data_checks_missed",
    "weeks_without_grades", "weeks_without_attendance", "months_without_parent_mail",
)  # fmt: skip
ENTRY_FIELDS = (AuditEntry.Field.GRADES, AuditEntry.Field.ATTENDANCE, AuditEntry.Field.TOPIC)


def period_months(period: Period) -> list[dt.date]:
    """The first days of the calendar months the period touches."""
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _enrolled_at(day: dt.date) -> Q:
    return Q(date_from__lte=day) & (Q(date_to__isnull=True) | Q(date_to__gte=day))


def finals_missing_by_journal(period: Period, journal_ids: list[int]) -> dict[int, int]:
    """D7: per journal, students enrolled at the period's end (in the subgroup, if any) who have no final."""
    journals = Journal.objects.filter(pk__in=journal_ids).exclude(
        school_class__grade__in=period.school.no_marks_grades or []
    )
    enrolled = Enrolment.objects.filter(_enrolled_at(period.end), school=period.school)
    class_sizes = dict(
        enrolled.values("school_class_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("school_class_id", "n")
    )
    in_class_at_end = Exists(
        enrolled.filter(student_id=OuterRef("student_id"), school_class_id=OuterRef("subgroup__school_class_id"))
    )
    subgroup_sizes = dict(
        SubgroupMembership.objects.filter(in_class_at_end, subgroup_id__in=journals.values("subgroup_id"))
        .values("subgroup_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("subgroup_id", "n")
    )
    final_in_class_at_end = Exists(
        enrolled.filter(student_id=OuterRef("student_id"), school_class_id=OuterRef("journal__school_class_id"))
    )
    present = dict(
        FinalGrade.objects.filter(final_in_class_at_end, period=period, journal__in=journals)
        .values("journal_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("journal_id", "n")
    )
    missing = {}
    for journal_id, class_id, subgroup_id in journals.values_list("pk", "school_class_id", "subgroup_id"):
        expected = subgroup_sizes.get(subgroup_id, 0) if subgroup_id else class_sizes.get(class_id, 0)
        missing[journal_id] = max(0, expected - present.get(journal_id, 0))
    return missing


def late_entries_by_user(entries) -> dict[int, int]:
    """D5: late entries per author — each journal cell (a student at a lesson) and each lesson topic entered late
    counts once, however many of its fields changed."""
    cell = Concat(Cast("lesson_id", CharField()), Value(":"), Cast("student_id", CharField()), output_field=CharField())
    rows = (
        entries.filter(is_late=True, field__in=ENTRY_FIELDS, by__isnull=False)
        .values("by_id")
        .annotate(
            cells=Count(cell, distinct=True, filter=~Q(field=AuditEntry.Field.TOPIC)),
            topics=Count("lesson_id", distinct=True, filter=Q(field=AuditEntry.Field.TOPIC)),
        )
    )
    return {row["by_id"]: row["cells"] + row["topics"] for row in rows}


def _by(queryset, key: str) -> dict:
    return dict(queryset.values(key).annotate(n=Count("pk")).values_list(key, "n"))


def compliance_summary(*, period: Period) -> dict:
    """The summary of INTERFACES.md §3: `{rows: [{teacher, lessons, …, data_checks_missed, eligible}]}`."""
    school = period.school
    # A report asked for before the period ended counts the lessons held so far, not the timetable's future ones.
    held_until = min(period.end, timezone.localdate())
    lessons = Lesson.objects.filter(
        school=school, date__gte=period.start, date__lte=held_until, archived_at__isnull=True
    ).values(teacher_id=F("journal__teacher_id"))
    lesson_counts = {
        row["teacher_id"]: row
        for row in lessons.annotate(
            lessons=Count("pk"), without_topic=Count("pk", filter=Q(topic="")), journals=Count("journal", distinct=True)
        )
    }
    late = late_entries_by_user(
        AuditEntry.objects.filter(school=school, lesson__date__gte=period.start, lesson__date__lte=period.end)
    )
    finals_late = _by(FinalGrade.objects.filter(period=period, is_late=True), "journal__teacher_id")
    journal_ids = list(lessons.values_list("journal_id", flat=True).distinct())
    teacher_of = dict(Journal.objects.filter(pk__in=journal_ids).values_list("pk", "teacher_id"))
    finals_missing: dict[int, int] = {}
    for journal_id, count in finals_missing_by_journal(period, journal_ids).items():
        finals_missing[teacher_of[journal_id]] = finals_missing.get(teacher_of[journal_id], 0) + count
    inspected = dict(
        Inspection.objects.filter(school=school, at__date__gte=period.start, at__date__lte=period.end)
        .values("journal__teacher_id")
        .annotate(n=Count("journal_id", distinct=True))
        .values_list("journal__teacher_id", "n")
    )
    classes = list(
        SchoolClass.objects.filter(school=school, year=period.year).values_list("pk", "code", "homeroom_teacher_id")
    )
    months = period_months(period)
    checked = {
        (class_id, _as_date(month))
        for class_id, month in DataCheck.objects.filter(
            school=school, checked_on__gte=months[0], checked_on__lt=_next_month(months[-1])
        )
        .annotate(month=TruncMonth("checked_on"))
        .values_list("school_class_id", "month")
        .distinct()
    }
    today = timezone.localdate()
    start, end = local_midnight(months[0]), local_midnight(_next_month(months[-1]))
    ended = [month_key(month) for month in months_ended(months, today)]
    weekly = weekly_entries_by_teacher(period=period, today=today)
    parent_mail = parent_mail_by_homeroom(
        school=school, classes=[(class_id, homeroom_id) for class_id, _code, homeroom_id in classes], start=start,
        end=end,
    )  # fmt: skip
    led: dict[int, list[str]] = {}
    checks_missed: dict[int, int] = {}
    for class_id, code, homeroom_id in classes:
        led.setdefault(homeroom_id, []).append(code)
        missed = sum(1 for month in months if (class_id, month) not in checked)
        checks_missed[homeroom_id] = checks_missed.get(homeroom_id, 0) + missed
    staff_ids = set(lesson_counts) | set(led)
    staff = StaffMember.objects.filter(pk__in=staff_ids).order_by("last_name", "first_name", "pk")
    rows = []
    for member in staff:
        counts = lesson_counts.get(member.pk, {})
        row = {
            "teacher": member.short_name,
            "teacher_id": member.pk,
            "teacher_code": member.code,
            "homeroom_classes": led.get(member.pk, []),
            "journals": counts.get("journals", 0),
            "lessons": counts.get("lessons", 0),
            "lessons_without_topic": counts.get("without_topic", 0),
            "late_entries": late.get(member.user_id, 0) if member.user_id else 0,
            "finals_late": finals_late.get(member.pk, 0),
            "finals_missing": finals_missing.get(member.pk, 0),
            "data_checks_missed": checks_missed.get(member.pk, 0),
            "journals_inspected": inspected.get(member.pk, 0),
            **weekly.get(member.pk, {"weeks": 0, "weeks_without_grades": 0, "weeks_without_attendance": 0}),
        }
        if member.pk in led:  # D11: measured per homeroom teacher per month
            sent = parent_mail.get(member.pk, {})
            row["parent_mail"] = [
                {"month": month_key(month), "messages": sent.get(month_key(month), 0)} for month in months
            ]
            row["months_without_parent_mail"] = sum(1 for month in ended if not sent.get(month))
        else:
            row["parent_mail"], row["months_without_parent_mail"] = [], 0
        row["reasons"] = [name for name in BREACHES if row[name]]
        row["eligible"] = not row["reasons"]
        rows.append(row)
    inspections = inspections_by_inspector(school=school, start=start, end=end)
    inspectors = []
    for member in inspectors_of(school):
        made = inspections.get(member.pk, {})
        inspectors.append(
            {
                "inspector": member.short_name,
                "inspector_id": member.pk,
                "inspections": sum(made.values()),
                "months": [
                    {"month": month_key(month), "inspections": made.get(month_key(month), 0)} for month in months
                ],
                "months_without_inspection": sum(1 for month in ended if not made.get(month)),
            }
        )
    return {
        "rows": rows,
        "months": [month.strftime("%Y-%m") for month in months],
        "eligible": sum(1 for row in rows if row["eligible"]),
        "inspectors": inspectors,
    }


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
