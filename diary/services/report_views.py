"""D14: what a report shows, from its summary: the tables (one sheet of the XLSX, one section of the PDF) of each
kind of report, their columns and legends in the reader's language, and the bar charts drawn as inline SVG."""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from diary.calendar import month_label
from diary.services.report_progress import COUNTS


@dataclass
class ReportView:
    """One table of a report: one sheet of the XLSX, one section of the PDF."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    chart: SafeString | None = None
    notes: list[str] = field(default_factory=list)
    # D9: the first of the columns that a row of a no-marks grade level (`no_marks`) replaces with one note.
    marks_from: str | None = None

    def values(self, row: dict) -> list:
        values = [_display(row.get(key)) for key, _label in self.columns]
        start = self.no_marks_start(row)
        if start is not None:
            values[start:] = [_("marks are not given"), *[""] * (len(values) - start - 1)]
        return values

    def no_marks_start(self, row: dict) -> int | None:
        """The index of the column a no-marks row's note starts at (D9), None for an ordinary row."""
        if self.marks_from is None or not row.get("no_marks"):
            return None
        return [key for key, _label in self.columns].index(self.marks_from)


def _display(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(_display(item)) for item in value)
    if value is None:
        return ""
    return value


REASON_LABELS = {
    "lessons_without_topic": gettext_lazy("lessons without a topic"),
    "late_entries": gettext_lazy("late entries"),
    "finals_late": gettext_lazy("final grades set late"),
    "finals_missing": gettext_lazy("final grades missing"),
    "data_checks_missed": gettext_lazy("monthly data checks missed"),
    "weeks_without_grades": gettext_lazy("weeks without grades"),
    "weeks_without_attendance": gettext_lazy("weeks without attendance marked"),
    "months_without_parent_mail": gettext_lazy("months without messages to parents"),
}


def _scale_columns(scale: list[int] | None = None) -> list[tuple[str, str]]:
    """N, one column per grade of the school's scale (D14: not a fixed 5, 4, 3, 2), n/a and the rates."""
    grades = [(f"grade_{grade}", str(grade)) for grade in scale] if scale else [(key, key[1]) for key in COUNTS[:4]]
    return [
        ("n", "N"),
        *grades,
        ("na", _("n/a")),
        ("progress", _("progress, %")),
        ("quality", _("quality, %")),
        ("sou", _("СОУ, %")),
        ("average", _("average")),
    ]


def _missed_columns() -> list[tuple[str, str]]:
    return [("missed", _("lessons missed")), ("excused", _("excused")), ("unexcused", _("unexcused"))]


def _with_grades(rows: list[dict]) -> list[dict]:
    """Rows with their count of each grade of the scale as columns of their own."""
    return [{**row, **{f"grade_{grade}": n for grade, n in (row.get("grades") or {}).items()}} for row in rows]


def _progress_views(summary: dict) -> list[ReportView]:
    attendance = summary.get("attendance") or {"classes": [], "months": []}
    scale = summary.get("scale")
    if scale:
        summary = {
            **summary,
            **{
                name: _with_grades(summary[name])
                for name in ("rows", "classes", "grades", "teachers", "subjects")
                if name in summary
            },
            "school": _with_grades([summary.get("school", {})])[0],
        }
    classes = summary.get("classes", [])
    charted = [row for row in classes if not row.get("no_marks")]  # D9: no bars of zeros for no-marks classes

    def _rate_columns() -> list[tuple[str, str]]:
        return _scale_columns(scale)

    return [
        ReportView(
            "classes",
            _("Classes"),
            [("class", _("class")), *_rate_columns()],
            classes,
            chart=bar_chart(
                [row["class"] for row in charted],
                [
                    (_("progress, %"), [row["progress"] for row in charted], "#2f6f9f"),
                    (_("quality, %"), [row["quality"] for row in charted], "#e0a030"),
                ],
                ceiling=100,
            ),
            marks_from="n",
        ),
        ReportView(
            "subjects",
            _("Subjects"),
            [("class", _("class")), ("subject", _("subject")), ("teacher", _("teacher")), *_rate_columns()],
            summary.get("rows", []),
            marks_from="n",
        ),
        ReportView(
            "grades",
            _("Grade levels"),
            [("grade", _("grade level")), *_rate_columns()],
            summary["grades"],
            marks_from="n",
        )
        if "grades" in summary
        else None,
        ReportView("school", _("School"), _rate_columns(), [summary.get("school", {})]),
        ReportView(
            "attendance",
            _("Attendance"),
            [("month", _("month")), *_missed_columns()],
            [{**row, "month": month_label(row["month"])} for row in attendance["months"]],
            chart=bar_chart(
                [month_label(row["month"]) for row in attendance["months"]],
                [
                    (_("excused"), [row["excused"] for row in attendance["months"]], "#6a9f4f"),
                    (_("unexcused"), [row["unexcused"] for row in attendance["months"]], "#b8433b"),
                ],
            ),
        ),
        ReportView(
            "attendance_classes",
            _("Attendance by class"),
            [("class", _("class")), *_missed_columns()],
            attendance["classes"],
        ),
        ReportView(
            "students",
            _("Students with a 2 or n/a"),
            [("class", _("class")), ("student", _("student")), ("subject", _("subject")), ("value", _("final grade"))],
            [
                {**row, "value": _("n/a") if row["value"] == "na" else row["value"]}
                for row in summary.get("students", [])
            ],
        ),
        # D14: the school report rolled up per teacher and per subject (after the views clients know by position).
        ReportView(
            "teachers",
            _("By teacher"),
            [("teacher", _("teacher")), ("journals", _("journals")), *_rate_columns()],
            summary.get("teachers", []),
            marks_from="n",
        )
        if "teachers" in summary
        else None,
        ReportView(
            "subjects_school",
            _("By subject"),
            [("subject", _("subject")), ("journals", _("journals")), *_rate_columns()],
            summary.get("subjects", []),
            marks_from="n",
        )
        if "subjects" in summary
        else None,
    ]


def _compliance_views(summary: dict) -> list[ReportView]:
    return [
        ReportView(
            "teachers",
            _("Teachers"),
            [
                ("teacher", _("teacher")),
                ("homeroom_classes", _("homeroom class")),
                ("journals", _("journals")),
                ("lessons", _("lessons")),
                *((key, str(label)) for key, label in REASON_LABELS.items()),
                ("journals_inspected", _("journals inspected")),
                ("eligible", _("eligible for the bonus")),
                ("reasons", _("reasons")),
            ],
            [
                {**row, "reasons": [str(REASON_LABELS[reason]) for reason in row.get("reasons", [])]}
                for row in summary.get("rows", [])
            ],
        ),
        # D12: the director's and deputies' monthly journal inspections.
        ReportView(
            "inspectors",
            _("Journal inspections"),
            [
                ("inspector", _("inspector")),
                *((f"month_{month}", month_label(month)) for month in summary.get("months", [])),
                ("inspections", _("inspections")),
                ("months_without_inspection", _("months without an inspection")),
            ],
            [
                {**row, **{f"month_{month['month']}": month["inspections"] for month in row["months"]}}
                for row in summary["inspectors"]
            ],
        )
        if "inspectors" in summary
        else None,
    ]


def _activity_views(summary: dict) -> list[ReportView]:
    counts = [
        ("logins", _("logins")),
        ("marks", _("marks entered")),
        ("attendance", _("attendance entered")),
        ("topics", _("topics entered")),
        ("late_entries", _("late entries")),
        ("messages", _("messages sent")),
        ("inspections", _("journal inspections")),
    ]
    # The roles table counts groups of people (plural); a row of the users table is one person (singular).
    group_labels = {
        "administration": _("administration"),
        "teacher": _("teachers"),
        "student": _("students"),
        "guardian": _("guardians"),
    }
    person_labels = {
        "administration": pgettext("one person's role", "administration"),
        "teacher": _("teacher"),
        "student": _("student"),
        "guardian": _("guardian"),
    }
    roles = [{"role": group_labels.get(role, role), **totals} for role, totals in summary.get("roles", {}).items()]
    users = [{**row, "role": person_labels.get(row["role"], row["role"])} for row in summary.get("rows", [])]
    return [
        ReportView(
            "roles",
            _("Roles"),
            [("role", _("role")), ("users", _("accounts")), ("active", _("logged in")), *counts],
            roles,
        ),
        ReportView(
            "users",
            _("Users"),
            [("name", _("full name")), ("user", _("username")), ("role", _("role")), *counts],
            users,
        ),
        # D12: who inspected which journal this month, with the remarks.
        ReportView(
            "inspections",
            _("Journal inspections"),
            [("at", _("when")), ("inspector", _("inspector")), ("journal", _("journal")), ("remarks", _("remarks"))],
            summary["inspections"],
        )
        if "inspections" in summary
        else None,
    ]


def report_legend(kind: str) -> list[str]:
    """The abbreviations a report's tables use, spelt out in the active language."""
    if kind != "progress":
        return []
    return [
        _("N: the students graded (exempt students and those without a final grade are not counted)."),
        _("n/a: not assessed."),
        _("progress, %: the share of the students graded with a 5, 4 or 3; quality, %: with a 5 or 4."),
        _("СОУ: the degree of learning of the students, (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n/a) / N."),
    ]


def report_views(kind: str, summary: dict) -> list[ReportView]:
    """The tables of a report, titled in the active language."""
    builders = {"progress": _progress_views, "compliance": _compliance_views, "activity": _activity_views}
    return [view for view in builders[kind](summary) if view is not None]


def bar_chart(
    categories: list[str], series: list[tuple[str, list, str]], *, ceiling: float | None = None
) -> SafeString:
    """A grouped bar chart as inline SVG (no JavaScript, no images), sized for an A4 landscape page."""
    width, height, left, bottom, top = 900, 260, 40, 40, 30
    plot_width, plot_height = width - left - 10, height - bottom - top
    values = [value or 0 for _label, data, _colour in series for value in data]
    ceiling = ceiling or max([*values, 1])
    group = plot_width / max(len(categories), 1)
    bar = min(40.0, group * 0.8 / max(len(series), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 10}" y2="{top + plot_height}" stroke="#555"/>',
        f'<text x="{left - 5}" y="{top + 4}" font-size="10" text-anchor="end">{escape(_number(ceiling))}</text>',
    ]
    for index, category in enumerate(categories):
        x0 = left + index * group + (group - bar * len(series)) / 2
        for number, (_label, data, colour) in enumerate(series):
            value = data[index] or 0
            bar_height = plot_height * value / ceiling if ceiling else 0
            x, y = x0 + number * bar, top + plot_height - bar_height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{bar_height:.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{left + index * group + group / 2:.1f}" y="{top + plot_height + 14}" font-size="10" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    x = left
    for label, _data, colour in series:
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="15" font-size="11">{escape(label)}</text>')
        x += 34 + 7 * len(str(label))  # the next legend entry starts after this one's text
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text part above is escaped, the rest are numbers


def is_number(value) -> bool:
    """Numbers are right-aligned in the PDF's tables."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value) -> str:
    """A chart's figure in the active language (a decimal comma in ky and ru)."""
    return number_format(int(value) if float(value).is_integer() else value)
