"""The journal grid's cells, rows and header, rendered in Python (D5, D6, D8, D9): what the grid page and its
printable copy show in each cell, the attendance letters of the page's language and the words grid.js shows."""

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from diary.calendar import entry_deadline
from diary.models import Attendance, FinalGrade
from diary.permissions import JournalWriteAccess
from diary.selectors.journal import JournalGrid

# One letter per attendance mark, typed in the grid and shown in its legend; each language has its own.
ATTENDANCE_LETTERS = {
    Attendance.ABSENT: pgettext_lazy("attendance letter (absent)", "A"),
    Attendance.LATE: pgettext_lazy("attendance letter (late)", "L"),
    Attendance.EXCUSED: pgettext_lazy("attendance letter (excused)", "E"),
    Attendance.SICK: pgettext_lazy("attendance letter (sick)", "S"),
}


LATIN_LETTERS = {
    Attendance.ABSENT: "A",
    Attendance.LATE: "L",
    Attendance.EXCUSED: "E",
    Attendance.SICK: "S",
}


def attendance_letters() -> dict[str, str]:
    return {code: str(letter) for code, letter in ATTENDANCE_LETTERS.items()}


def cell_text(grades: list[int], attendance: str, letters: dict[str, str]) -> str:
    text = "/".join(str(grade) for grade in grades)
    letter = letters.get(attendance, "")
    return f"{text} {letter}".strip() if text and letter else text or letter


def print_cell(mark, letters: dict[str, str]) -> str:
    return cell_text(mark.grades, mark.attendance, letters) if mark is not None else ""


def initialled_name(student) -> str:
    """The row header on a phone: "Surname N." instead of a full name cut off mid-word."""
    initial = student.first_name[:1]
    return f"{student.last_name} {initial}." if initial else student.last_name


@dataclass
class GridRow:
    student: object
    short_name: str
    cells_html: str
    average: object
    suggested: int | None
    final: FinalGrade | None


def grid_rows(grid: JournalGrid, access: JournalWriteAccess, letters: dict[str, str], today: dt.date) -> list[GridRow]:
    """The table's body, its cells rendered in Python: a 35 × 60 grid is 2,100 cells, too many for template
    tags on every request. Each cell carries what grid.js needs: lesson, student, version, grades, attendance,
    comment."""
    # D5: a lesson after today takes no marks and no attendance (the save refuses them): its cells are greyed
    # and closed for entry, whoever looks.
    future = {lesson.pk for lesson in grid.lessons if lesson.date > today}
    enterable = {lesson.pk: access.may_enter(lesson.date) and lesson.pk not in future for lesson in grid.lessons}
    enrolment = grid.enrolment
    late_title = escape(_("Entered after the Monday deadline"))
    rows = []
    for student in grid.students:
        parts = []
        for lesson in grid.lessons:
            mark = grid.cells.get((lesson.pk, student.pk))
            grades = mark.grades if mark else []
            attendance = mark.attendance if mark else ""
            classes = "c"
            if mark is not None and mark.is_late:
                classes += " late-entry"
            if lesson.pk in future:
                classes += " future"
            if mark is not None and mark.comment:
                classes += " has-comment"
            if enrolment is not None and not enrolment.is_enrolled(student.pk, lesson.date):
                # Not in this class or subgroup that day (moved in or out during the period): nothing to enter.
                classes += " out"
                attrs = ' aria-readonly="true"'
            elif enterable[lesson.pk]:
                classes += " w"  # grid.js gives the focused cell its tabindex (one roving tab stop)
                attrs = ""
            else:
                attrs = ' aria-readonly="true"'
            # Empty grades and "present" are left out: on a 35 × 60 grid every byte counts 2,100 times.
            if grades:
                attrs += f' data-grades="{",".join(map(str, grades))}"'
            if attendance and attendance != Attendance.PRESENT:
                attrs += f' data-att="{attendance}"'
            if mark is not None and mark.comment:
                attrs += f' data-comment="{escape(mark.comment)}"'
            if mark is not None and mark.is_late:
                attrs += f' title="{late_title}"'
            parts.append(
                f'<td class="{classes}" data-lesson="{lesson.pk}" data-student="{student.pk}" '
                f'data-version="{mark.version if mark else ""}"{attrs}>'
                f"{escape(cell_text(grades, attendance, letters))}</td>"
            )
        rows.append(
            GridRow(
                student=student,
                short_name=initialled_name(student),
                cells_html=mark_safe("".join(parts)),  # noqa: S308 (every value above is escaped or a number)
                average=grid.averages.get(student.pk),
                suggested=grid.suggested_finals.get(student.pk),
                final=grid.finals.get(student.pk),
            )
        )
    return rows


@dataclass
class LessonColumn:
    lesson: object
    writable: bool
    missing_topic: bool
    overdue: bool
    future: bool


def lesson_columns(grid: JournalGrid, access: JournalWriteAccess, today: dt.date) -> list[LessonColumn]:
    """Header cells with the D8 missing-topic marker and the D5 marker for a past deadline with nothing entered."""
    marked = {lesson_id for lesson_id, _student in grid.cells}
    return [
        LessonColumn(
            lesson=lesson,
            writable=access.may_enter(lesson.date),
            missing_topic=lesson.date <= today and not lesson.topic,
            overdue=entry_deadline(lesson.date) < today and lesson.pk not in marked,
            future=lesson.date > today,
        )
        for lesson in grid.lessons
    ]


def final_choices(school) -> list[tuple[str, str]]:
    return [(str(grade), str(grade)) for grade in school.scale] + [
        (FinalGrade.NOT_ASSESSED, _("n/a")),
        (FinalGrade.EXEMPT, _("exempt")),
    ]


def final_display(final: FinalGrade | None) -> str:
    if final is None:
        return ""
    if final.value == FinalGrade.NOT_ASSESSED:
        return _("n/a")
    if final.value == FinalGrade.EXEMPT:
        return _("exempt")
    return final.value


def grid_fragments(context: dict, *, finals_open: bool) -> dict[str, str]:
    """The grid page's content (B4): the rows, the lesson columns and the finals' choices of this viewer."""
    journal, grid, access = context["journal"], context["grid"], context["access"]
    fragment = {
        **context,
        "rows": grid_rows(grid, access, context["letters"], context["today"]),
        "columns": lesson_columns(grid, access, context["today"]),
        "finals_open": finals_open,
        "final_choices": final_choices(journal.school) if context["has_marks"] else final_choices_no_marks(),
        # The touch picker's buttons: the school's grades and "present" before the absence letters.
        "picker_grades": list(journal.school.scale) if context["has_marks"] else [],
        "present": (Attendance.PRESENT, Attendance.PRESENT.label),
    }
    # Rendered from escaped values by the template.
    return {"body": mark_safe(render_to_string("diary/journal/_grid_body.html", fragment))}  # noqa: S308


def grid_messages() -> dict[str, str]:
    """The words grid.js shows, translated here: the page has no JavaScript catalogue."""
    return {
        "pending": _("Unsaved changes: %(n)s"),
        "saving": _("Saving…"),
        "saved": _("Saved: %(n)s"),
        "failed": _("Not saved."),
        "network": _("Not saved: no connection to the server. Your edits are kept; try again."),
        "readonly": _("This lesson is not open for your entries."),
        "scale": _("A grade is from %(low)s to %(high)s."),
        "noMarks": _("This grade level gets no marks; only attendance is kept."),
        "second": _("Type the second grade."),
        "secondPick": _("Choose the second grade."),
        "future": _("The lesson of %(date)s has not taken place yet: marks and attendance are entered after it."),
        "changedBy": _("%(cell)s: changed by %(by)s at %(at)s, now %(value)s"),
        "unsaved": _("There are unsaved changes in the journal."),
        "lessonSaved": _("The lesson is saved."),
        "finalsSaved": _("Final grades saved: %(n)s"),
        "nothing": _("Nothing has changed."),
        "reason": _("Why is this change made? The reason is kept in the journal's history."),
    }


def final_choices_no_marks() -> list[tuple[str, str]]:
    """D9: a grade level without marks gets no numeric final grades."""
    return [(FinalGrade.NOT_ASSESSED, _("n/a")), (FinalGrade.EXEMPT, _("exempt"))]
