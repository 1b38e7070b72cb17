"""The student's and the guardian's diary: the week (lessons, topics, homework, grades, attendance) and the
period (marks per subject, averages, finals). Light pages for phones: no scripts, days stacked vertically."""

import datetime as dt

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from diary.api.serializers import MAX_ID
from diary.calendar import iso_week_name, iso_week_start
from diary.exceptions import DiaryNotFound, DiaryValidationError
from diary.models import FinalGrade, Student, StudentAccessLog
from diary.permissions import children_of, student_journals_shown, student_of, visible_student
from diary.selectors.family import student_period, student_week
from diary.selectors.periods import PERIOD_HELP, periods_for_key, school_year_choices
from diary.services.privacy import student_view_log
from diary.views.base import DiaryView


def student_shown(view: DiaryView, pk: int) -> Student:
    """The student `pk` if D15 lets the viewer see them; anyone else is not found (404), whether the student is of
    the viewer's school or not at all, so that the answer never tells another family's child exists (as the API)."""
    student = visible_student(view.request.user, pk) if pk <= MAX_ID else None
    if student is None:
        raise DiaryNotFound()
    return student


def switcher(view: DiaryView, student: Student) -> list[Student]:
    """A guardian's children (each links to their own page); nothing to switch between for one child."""
    children = children_of(view.request.user)
    return children if len(children) > 1 and any(child.pk == student.pk for child in children) else []


def today_first(days, today: dt.date) -> list:
    """The week's days with today's first, then the rest in calendar order (a parent opens the diary for today);
    a week without today keeps its order."""
    return sorted(days, key=lambda day: day.date != today)


def week_days_html(student: Student, days, today: dt.date) -> str:
    """The week's days as HTML, today's first and marked."""
    html = render_to_string("diary/family/_week_days.html", {"days": today_first(days, today), "today": today})
    return mark_safe(html)  # noqa: S308 (rendered from escaped values by the template)


class StudentWeekView(DiaryView):
    def get(self, request, pk: int):
        student = student_shown(self, pk)
        week = request.GET.get("week")
        today = timezone.localdate()
        day = iso_week_start(week) if week else today
        student_view_log(user=request.user, student=student, what=StudentAccessLog.What.DIARY)
        shown = student_journals_shown(request.user, student)

        def context() -> dict:
            days = student_week(student=student, day=day, journal_ids=shown)
            monday = days[0].date
            return {
                "week_days": week_days_html(student, days, today),
                "student": student,
                "children": switcher(self, student),
                "days": days,
                "today": today,
                "week": iso_week_name(monday),
                "week_start": monday,
                "week_end": days[-1].date,
                "previous_week": iso_week_name(monday - dt.timedelta(days=7)),
                "next_week": iso_week_name(monday + dt.timedelta(days=7)),
                "this_week": iso_week_name(today),
                "has_lessons": any(entry.lessons for entry in days),
                "is_self": student_of(request.user) == student,
            }

        return render(request, "diary/family/week.html", context())


class StudentPeriodView(DiaryView):
    def get(self, request, pk: int):
        student = student_shown(self, pk)
        # D3: past school years stay reachable, their periods named `2025-quarter-1`.
        choice = periods_for_key(student.school, request.GET.get("period"))
        periods, period = choice.periods, choice.period
        if period is None and request.GET.get("period"):
            raise DiaryValidationError(_("Unknown period."), fields={"period": [str(PERIOD_HELP)]})
        student_view_log(user=request.user, student=student, what=StudentAccessLog.What.GRADES)
        shown = student_journals_shown(request.user, student)

        def context() -> dict:
            return {
                "student": student,
                "children": switcher(self, student),
                "periods": [(choice.key(item), item) for item in periods],
                "period": period,
                "period_key": choice.key(period) if period else "",
                "years": school_year_choices(student.school, choice),
                "results": student_period(student=student, period=period, journal_ids=shown) if period else [],
                "not_assessed": FinalGrade.NOT_ASSESSED,
                "exempt": FinalGrade.EXEMPT,
                "is_self": student_of(request.user) == student,
            }

        return render(request, "diary/family/period.html", context())


class ChildrenView(DiaryView):
    """A guardian's children, each with a link to their week and period; says plainly when none is linked yet."""

    def get(self, request):
        context = {"children": children_of(request.user), "own": student_of(request.user)}
        return render(request, "diary/family/children.html", context)


urlpatterns = [
    path("children/", ChildrenView.as_view(), name="children"),
    path("students/<int:pk>/week/", StudentWeekView.as_view(), name="student_week"),
    path("students/<int:pk>/period/", StudentPeriodView.as_view(), name="student_period"),
]
