"""D14: the staff duties the compliance and activity reports measure besides entries and finals, in the database.

- D18 (seed 004 §8.3): each teacher grades and marks attendance at least once a week. Per teacher, over the weeks of
  the period whose D5 deadline (the following Monday) has passed: the weeks with lessons of the teacher's journals,
  those in which no grade was entered for any of them (lessons of grade levels with marks, D9) and those in which
  nothing at all was entered (no journal cell: attendance unmarked) *(interpretation: the week of the lesson)*.
- D11: homeroom teachers inform parents through internal mail systematically. Per homeroom teacher and month: the
  messages they sent into conversations with a guardian of a student of a class they lead.
- D12: the director and deputies inspect journals at least monthly. Per inspector and month: the inspections made.

A month counts as missed only once it has ended; a week only once its deadline has passed.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth, TruncWeek

from diary.calendar import week_start
from diary.models import GuardianLink, Inspection, Lesson, Mark, Message, Period, School, StaffMember, ThreadParticipant

INSPECTOR_ROLES = frozenset({"director", "deputy"})


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the school's time zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def month_key(value) -> str:
    return value.strftime("%Y-%m")


def months_ended(months: list[dt.date], today: dt.date) -> list[dt.date]:
    """The months (first days) that have ended by `today`."""
    return [month for month in months if (month + dt.timedelta(days=32)).replace(day=1) <= today]


def weekly_entries_by_teacher(*, period: Period, today: dt.date) -> dict[int, dict]:
    """D18: per teacher, `{weeks, weeks_without_grades, weeks_without_attendance}` over the weeks due (see above)."""
    this_monday = week_start(today)
    # D5: last week's entries are due on this Monday; on the Monday itself last week is not counted yet.
    due_before = this_monday - dt.timedelta(days=7) if today == this_monday else this_monday
    school = period.school
    cells = Mark.objects.filter(lesson_id=OuterRef("pk"))
    weeks = (
        Lesson.objects.filter(
            school=school,
            date__gte=period.start,
            date__lte=period.end,
            date__lt=due_before,
            archived_at__isnull=True,
            journal__archived_at__isnull=True,
        )
        .annotate(
            entered=Exists(cells),
            graded=Exists(cells.filter(Q(grade_1__isnull=False) | Q(grade_2__isnull=False))),
        )
        .values(teacher_id=F("journal__teacher_id"), week=TruncWeek("date"))
        .annotate(
            gradable=Count("pk", filter=~Q(journal__school_class__grade__in=school.no_marks_grades or [])),
            graded_lessons=Count("pk", filter=Q(graded=True)),
            entered_lessons=Count("pk", filter=Q(entered=True)),
        )
        .order_by()
    )
    result: dict[int, dict] = {}
    for week in weeks:
        entry = result.setdefault(
            week["teacher_id"], {"weeks": 0, "weeks_without_grades": 0, "weeks_without_attendance": 0}
        )
        entry["weeks"] += 1
        entry["weeks_without_grades"] += 1 if week["gradable"] and not week["graded_lessons"] else 0
        entry["weeks_without_attendance"] += 0 if week["entered_lessons"] else 1
    return result


def parent_mail_by_homeroom(*, school: School, classes: list[tuple[int, int]], start, end) -> dict[int, dict]:
    """D11: per homeroom teacher, `{"YYYY-MM": messages}` they sent to conversations with a guardian of a student of
    a class they lead (`classes`: pairs of class id and homeroom teacher id), between the datetimes `start`, `end`."""
    homeroom_of = {class_id: staff_id for class_id, staff_id in classes}
    users = dict(
        StaffMember.objects.filter(pk__in=set(homeroom_of.values()), user__isnull=False).values_list("user_id", "pk")
    )
    guardians: dict[int, set[int]] = {}
    for user_id, class_id in (
        GuardianLink.objects.filter(
            school=school, guardian__user__isnull=False, student__enrolments__school_class_id__in=homeroom_of
        )
        .values_list("guardian__user_id", "student__enrolments__school_class_id")
        .distinct()
    ):
        guardians.setdefault(homeroom_of[class_id], set()).add(user_id)
    messages = list(
        Message.objects.filter(school=school, sender_id__in=users, created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values_list("sender_id", "thread_id", "month")
    )
    participants: dict[int, set[int]] = {}
    for thread_id, user_id in ThreadParticipant.objects.filter(
        thread_id__in={thread_id for _sender, thread_id, _month in messages}
    ).values_list("thread_id", "user_id"):
        participants.setdefault(thread_id, set()).add(user_id)
    result: dict[int, dict] = {}
    for sender_id, thread_id, month in messages:
        staff_id = users[sender_id]
        if guardians.get(staff_id, set()) & participants.get(thread_id, set()):
            months = result.setdefault(staff_id, {})
            months[month_key(month)] = months.get(month_key(month), 0) + 1
    return result


def inspectors_of(school: School) -> list[StaffMember]:
    """D12: the director and deputies of the school (roles are a list: read, then filtered here)."""
    staff = (
        StaffMember.objects.filter(school=school, archived_at__isnull=True)
        .select_related("user")
        .order_by("last_name", "first_name")
    )
    return [member for member in staff if INSPECTOR_ROLES.intersection(member.roles)]


def inspections_by_inspector(*, school: School, start, end) -> dict[int, dict]:
    """D12: per inspector (staff id), `{"YYYY-MM": inspections}` between the datetimes `start`, `end`."""
    result: dict[int, dict] = {}
    for row in (
        Inspection.objects.filter(school=school, at__gte=start, at__lt=end)
        .annotate(month=TruncMonth("at"))
        .values("inspector_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        result.setdefault(row["inspector_id"], {})[month_key(row["month"])] = row["n"]
    return result
