"""D14: a report's files, rendered from its summary: an XLSX (one sheet per view, set up for printing) and a PDF
(WeasyPrint, in a given language, with charts drawn as inline SVG on the server).

Files are rendered to bytes in memory; the caller stores them only once the whole build succeeded.
"""

import io
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.calendar import month_label
from diary.services.report_progress import COUNTS
from diary.validators import FORMULA_STARTS


def cell_safe(value):
    """Text outside a cell (the printed page header) that no spreadsheet runs: risky text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cells_as_text(row) -> None:
    """Cells whose text a spreadsheet would run as a formula are stored as text with the cell's quote prefix: the
    value is shown as typed, without a visible apostrophe, and never runs."""
    for cell in row:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


@dataclass
class ReportView:
    """One table of a report: one sheet of the XLSX, one section of the PDF."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    chart: SafeString | None = None
    notes: list[str] = field(default_factory=list)

    def values(self, row: dict) -> list:
        return [_display(row.get(key)) for key, _label in self.columns]


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

    def _rate_columns() -> list[tuple[str, str]]:
        return _scale_columns(scale)

    return [
        ReportView(
            "classes",
            _("Classes"),
            [("class", _("class")), *_rate_columns()],
            classes,
            chart=bar_chart(
                [row["class"] for row in classes],
                [
                    (_("progress, %"), [row["progress"] for row in classes], "#2f6f9f"),
                    (_("quality, %"), [row["quality"] for row in classes], "#e0a030"),
                ],
                ceiling=100,
            ),
        ),
        ReportView(
            "subjects",
            _("Subjects"),
            [("class", _("class")), ("subject", _("subject")), ("teacher", _("teacher")), *_rate_columns()],
            summary.get("rows", []),
        ),
        ReportView("grades", _("Grade levels"), [("grade", _("grade level")), *_rate_columns()], summary["grades"])
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
        )
        if "teachers" in summary
        else None,
        ReportView(
            "subjects_school",
            _("By subject"),
            [("subject", _("subject")), ("journals", _("journals")), *_rate_columns()],
            summary.get("subjects", []),
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
    role_labels = {
        "administration": _("administration"),
        "teacher": _("teachers"),
        "student": _("students"),
        "guardian": _("guardians"),
    }
    roles = [{"role": role_labels.get(role, role), **totals} for role, totals in summary.get("roles", {}).items()]
    users = [{**row, "role": role_labels.get(row["role"], row["role"])} for row in summary.get("rows", [])]
    return [
        ReportView(
            "roles",
            _("Roles"),
            [("role", _("role")), ("users", _("accounts")), ("active", _("logged in")), *counts],
            roles,
        ),
        ReportView(
            "users", _("Users"), [("name", _("name")), ("user", _("username")), ("role", _("role")), *counts], users
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


def _is_number(value) -> bool:
    """Numbers are right-aligned in the PDF's tables."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value) -> str:
    """A chart's figure in the active language (a decimal comma in ky and ru)."""
    return number_format(int(value) if float(value).is_integer() else value)


def report_xlsx(*, kind: str, summary: dict, title: str, language: str, notice: str = "") -> bytes:
    """The XLSX: one sheet per view; landscape, fitted to the page width, header row repeated and frozen.

    D14: a notice (a preview's) opens the workbook on a sheet of its own and is printed in every sheet's header.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    with translation.override(language):
        views = report_views(kind, summary)
        workbook = Workbook()
        workbook.remove(workbook.active)
        if notice:
            about = workbook.create_sheet(title=_sheet_title(_("About this report")))
            about.append([str(title)])
            about.append([str(notice)])
            for row in about.iter_rows():
                cells_as_text(row)
            about["A1"].font = Font(bold=True)
            about["A2"].font = Font(bold=True, color="B8433B")
            about.column_dimensions["A"].width = 100
        heading = f"{title} · {notice}" if notice else title
        for view in views:
            sheet = workbook.create_sheet(title=_sheet_title(view.title))
            sheet.append([str(label) for _key, label in view.columns])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in view.rows:
                sheet.append(list(view.values(row)))
            for row in sheet.iter_rows():
                cells_as_text(row)
            sheet.freeze_panes = "A2"
            sheet.print_title_rows = "1:1"
            sheet.page_setup.orientation = "landscape"
            sheet.page_setup.fitToWidth = 1
            sheet.page_setup.fitToHeight = 0
            sheet.sheet_properties.pageSetUpPr.fitToPage = True
            sheet.oddHeader.center.text = cell_safe(heading)
            for index, (_key, label) in enumerate(view.columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = max(8, min(40, len(str(label)) + 4))
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in str(title))
    return cleaned[:31]


def report_pdf(*, kind: str, summary: dict, title: str, language: str, subtitle: str = "") -> bytes:
    """The PDF in `language`: the same views as the XLSX, with the charts, from templates/diary/reports/."""
    from diary.pdf import pdf_render

    with translation.override(language):
        views = report_views(kind, summary)
        context = {
            "title": title,
            "subtitle": subtitle,
            "language": language,
            "views": [
                {
                    "view": view,
                    "rows": [[(value, _is_number(value)) for value in view.values(row)] for row in view.rows],
                }
                for view in views
            ],
        }
        return pdf_render("diary/reports/report.html", context)
