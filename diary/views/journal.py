"""The teacher's screens: the journals list, the journal grid (D2, D5–D9), its printable copy, and today's page.
The grid's cells, rows and words are built in diary/views/journal_grid.py.

The grid is a server-rendered table that reads without JavaScript; `grid.js` turns it into a keyboard editor
that saves through the diary API (bulk marks, lesson topics, finals), so every write goes through the same
services and permission checks as any other client.
"""

import datetime as dt
import json

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from diary.api.serializers import MAX_ID
from diary.calendar import entry_deadline, week_start
from diary.exceptions import DiaryNotFound, DiaryPermissionDenied
from diary.models import Attendance, Journal, Period
from diary.permissions import journal_write_access, journals_visible_to, may_view_journal
from diary.selectors.journal import (
    journal_by_pk,
    journal_grid,
    last_overdue_day,
    missing_entries,
    teacher_missing_entries,
    teacher_week,
)
from diary.selectors.periods import in_calendar_order, period_pick, year_periods, year_periods_cached
from diary.services.finals import FinalWindow, final_window
from diary.views.base import DiaryView
from diary.views.journal_grid import (
    LATIN_LETTERS,
    attendance_letters,
    final_display,
    grid_fragments,
    grid_messages,
    print_cell,
)


def period_of(school, key: str | None, today: dt.date) -> tuple[Period, list[Period]]:
    """The asked period (default: the current one) and its year's periods for the switcher; unknown → 404."""
    periods = year_periods_cached(school, today=today) if school else []
    period = period_pick(periods, key, today=today)
    if period is None:
        raise DiaryNotFound(_("This period does not exist in the school's academic year."))
    return period, in_calendar_order(periods)


def visible_journal(user, school, pk: int, period: Period | None = None) -> Journal:
    """D15: a journal the user may see; another journal of the school is 403, anything else 404. With a period,
    the journal carries `reopened_until`, the D7 window's reopening in that period (read in the same query)."""
    journal = journal_by_pk(pk, period) if pk <= MAX_ID else None
    if journal is not None and may_view_journal(user, journal):
        return journal
    if journal is not None and school is not None and journal.school_id == school.pk:
        raise DiaryPermissionDenied(_("This journal is not one of yours."))
    raise DiaryNotFound(_("There is no such journal."))


class JournalContextMixin:
    """What the grid and its printable copy share: the journal, the period, the grid and the D7 window."""

    def journal_context(self, request, pk: int) -> dict:
        today = timezone.localdate()
        period, periods = period_of(self.school, request.GET.get("period"), today)
        journal = visible_journal(request.user, self.school, pk, period)
        grid = journal_grid(journal=journal, period=period)
        access = journal_write_access(request.user, journal)
        window: FinalWindow = final_window(
            journal=journal, period=period, lessons=grid.lessons, reopened_until=journal.reopened_until
        )
        letters = attendance_letters()
        has_marks = journal.school.grade_has_marks(journal.school_class.grade)
        return {
            "journal": journal,
            "period": period,
            "periods": periods,
            "grid": grid,
            "access": access,
            "window": window,
            "window_state": window.state(timezone.now()),
            "today": today,
            "letters": letters,
            "legend": [(code, Attendance(code).label, letter) for code, letter in letters.items()],
            "has_marks": has_marks,
        }


class JournalView(JournalContextMixin, DiaryView):
    """The grid: students × lessons for a period, editable where the viewer may enter (D6), read-only otherwise."""

    def get(self, request, pk: int):
        context = self.journal_context(request, pk)
        journal, period, access = context["journal"], context["period"], context["access"]
        finals_open = access.may_set_finals and context["window_state"] == "open"
        context.update(
            finals_open=finals_open,
            fragments=grid_fragments(context, finals_open=finals_open),
            config=json.dumps(
                {
                    "journal": journal.pk,
                    "period": period.key,
                    "marks": reverse("diary_api:journal-marks", args=[journal.pk]),
                    "finals": reverse("diary_api:journal-finals", args=[journal.pk]),
                    "history": reverse("diary_api:journal-history", args=[journal.pk]),
                    "lesson": reverse("diary_api:lesson", args=[0]).replace("/0/", "/{id}/"),
                    # The letters of the page's language, and the Latin ones for a keyboard without that layout.
                    "letters": {
                        **{str(letter).lower(): code for code, letter in LATIN_LETTERS.items()},
                        **{letter.lower(): code for code, letter in context["letters"].items()},
                    },
                    "labels": context["letters"],
                    "scale": [journal.school.scale_min, journal.school.scale_max] if context["has_marks"] else [],
                    # What the row's average and suggested final are recomputed with after a save, as
                    # journal_grid computes them: the page's decimal mark and the school's rounding threshold.
                    "decimal": get_format("DECIMAL_SEPARATOR"),
                    "threshold": int(journal.school.final_rounding_threshold * 100),
                    "language": request.LANGUAGE_CODE,
                    "messages": grid_messages(),
                }
            ),
        )
        return render(request, "diary/journal/grid.html", context)


PRINT_COLUMNS = 25  # lessons per A4 landscape sheet, so that a quarter's 60 lessons stay readable on paper


class JournalPrintView(JournalContextMixin, DiaryView):
    """The journal on A4 landscape paper: grades and attendance in sheets of at most PRINT_COLUMNS lessons (the
    last one with averages and finals), then every lesson's topic and homework."""

    def get(self, request, pk: int):
        context = self.journal_context(request, pk)
        grid, letters = context["grid"], context["letters"]
        chunks = [grid.lessons[i : i + PRINT_COLUMNS] for i in range(0, len(grid.lessons), PRINT_COLUMNS)] or [[]]
        context["sheets"] = [
            {
                "lessons": lessons,
                "last": index == len(chunks) - 1,
                "rows": [
                    {
                        "student": student,
                        "cells": [print_cell(grid.cells.get((lesson.pk, student.pk)), letters) for lesson in lessons],
                        "average": grid.averages.get(student.pk),
                        "final": final_display(grid.finals.get(student.pk)),
                    }
                    for student in grid.students
                ],
            }
            for index, lessons in enumerate(chunks)
        ]
        context["printed_at"] = timezone.localtime()
        return render(request, "diary/journal/print.html", context)


class JournalListView(DiaryView):
    """The journals a person may see (D15), each marked when last weeks' lessons lack marks or topics (D5, D8)."""

    def get(self, request):
        today = timezone.localdate()
        journals = journals_visible_to(request.user).select_related("school_class", "subject", "subgroup", "teacher")
        classes = sorted({journal.school_class for journal in journals}, key=lambda c: (c.grade, c.code))
        chosen = request.GET.get("class", "")
        shown = [journal for journal in journals if not chosen or journal.school_class.code == chosen]
        period_start = None
        periods = year_periods(self.school, today=today) if self.school else []
        current = period_pick(periods, None, today=today)
        if current is not None:
            period_start = current.start
        until = last_overdue_day(today)
        missing = {}
        if shown and period_start is not None and period_start <= until:
            missing = missing_entries(journals=[j.pk for j in shown], date_from=period_start, date_to=until)
        return render(
            request,
            "diary/journal/list.html",
            {
                "journals": [(journal, missing.get(journal.pk)) for journal in shown],
                "classes": classes if self.staff is not None and self.staff.is_administration else [],
                "chosen": chosen,
                "overdue_until": until,
            },
        )


class TodayView(DiaryView):
    """A teacher's day: today's and this week's lessons, last week's gaps (D5, D8), the substitutions they cover."""

    def get(self, request):
        if self.staff is None:
            raise DiaryPermissionDenied(_("This page is for teachers."))
        today = timezone.localdate()
        week = teacher_week(staff=self.staff, day=today)
        last_monday = week_start(today) - dt.timedelta(days=7)
        last_sunday = last_monday + dt.timedelta(days=6)
        missing = teacher_missing_entries(staff=self.staff, date_from=last_monday, date_to=last_sunday)
        days = [week.monday + dt.timedelta(days=offset) for offset in range(7)]
        return render(
            request,
            "diary/journal/today.html",
            {
                "today": today,
                "today_lessons": week.on(today),
                "week": [(day, week.on(day)) for day in days if week.on(day)],
                "covered_lesson_ids": week.covered_lesson_ids,
                "substitutions": week.substitutions,
                "missing": list(missing.values()),
                "last_monday": last_monday,
                "last_sunday": last_sunday,
                "deadline": entry_deadline(last_monday),
                "deadline_passed": today > entry_deadline(last_monday),
            },
        )


urlpatterns = [
    path("today/", TodayView.as_view(), name="today"),
    path("journals/", JournalListView.as_view(), name="journals"),
    path("journals/<int:pk>/", JournalView.as_view(), name="journal"),
    path("journals/<int:pk>/print/", JournalPrintView.as_view(), name="journal_print"),
]
