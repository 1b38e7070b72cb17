"""D14: a report's files, rendered from its summary: an XLSX (one sheet per view, set up for printing) and a PDF
(WeasyPrint, in a given language, with charts drawn as inline SVG on the server).

Files are rendered to bytes in memory; the caller stores them only once the whole build succeeded.
The tables themselves, their columns and charts, are in diary/services/report_views.py.
"""

import io
import re

from django.utils import translation
from django.utils.translation import gettext as _

from diary.services.report_views import ReportView, is_number, report_legend, report_views
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


# The PDF's tables have a fixed layout (templates/diary/reports/report.html): the page's width is shared out between
# the columns, so that a table never runs past the page's edge however long its texts. Each column first gets room
# for its longest word (within bounds, so that headers break between words where the page allows), then what is
# left of the page's width goes to the columns with long texts (names, the compliance report's reasons).
WORD_MIN, WORD_MAX = 3, 14
WIDE_TABLE_COLUMNS = 10
PAGE_WIDTH_PT = 277 / 25.4 * 72  # A4 landscape less the 10 mm margins
CHARACTER_EM = 0.7  # an average bold Cyrillic letter of DejaVu Sans, in ems, with room to spare
# The font size and a cell's left + right padding (pt) of an ordinary table and of a wide one (the template's CSS).
TABLE_TYPE = {False: (8.5, 2 * 1.5 / 25.4 * 72), True: (6, 2 * 0.6 / 25.4 * 72)}
WORD_BREAKS = re.compile(r"[\s\-/,]+")


def column_widths(labels: list[str], rows: list[list], *, wide: bool = False) -> list[float]:
    """Percentages of the page's width for each column of a table (they add up to 100)."""
    font, padding = TABLE_TYPE[wide]
    character = CHARACTER_EM * font
    needs, extras = [], []
    for index, label in enumerate(labels):
        texts = [str(label)] + [str(row[index]) for row in rows]
        longest_word = max((len(word) for text in texts for word in WORD_BREAKS.split(text)), default=0)
        word = min(max(longest_word, WORD_MIN), WORD_MAX)
        needs.append(word * character + padding)
        longest_text = max((len(text) for text in texts[1:]), default=0)
        extras.append(max(longest_text - word, 0) * character / 3)
    spare, wanted = max(PAGE_WIDTH_PT - sum(needs), 0), sum(extras)
    weights = [
        need + (min(extra, spare * extra / wanted) if wanted else 0) for need, extra in zip(needs, extras, strict=True)
    ]
    total = sum(weights) or 1
    return [round(weight * 100 / total, 2) for weight in weights]


def _measured(view: ReportView, row: dict, values: list) -> list:
    """A row's values as they count for the columns' widths: a no-marks row's note spans its figures (D9), so it
    does not widen the first of them."""
    start = view.no_marks_start(row)
    return values if start is None else [*values[:start], *[""] * (len(values) - start)]


def _pdf_cells(view: ReportView, row: dict, values: list) -> list[tuple]:
    """A PDF row's cells as (value, is a number, columns spanned): a no-marks row's note spans the figures (D9)."""
    start = view.no_marks_start(row)
    if start is None:
        return [(value, is_number(value), 1) for value in values]
    return [*((value, is_number(value), 1) for value in values[:start]), (values[start], False, len(values) - start)]


def report_pdf(*, kind: str, summary: dict, title: str, language: str, subtitle: str = "") -> bytes:
    """The PDF in `language`: the same views as the XLSX, with the charts, from templates/diary/reports/."""
    from diary.pdf import pdf_render

    with translation.override(language):
        views = report_views(kind, summary)
        tables = []
        for view in views:
            rows = [view.values(row) for row in view.rows]
            labels = [str(label) for _key, label in view.columns]
            wide = len(labels) > WIDE_TABLE_COLUMNS
            tables.append(
                {
                    "view": view,
                    "rows": [_pdf_cells(view, row, values) for row, values in zip(view.rows, rows, strict=True)],
                    "widths": column_widths(
                        labels,
                        [_measured(view, row, values) for row, values in zip(view.rows, rows, strict=True)],
                        wide=wide,
                    ),
                    "wide": wide,
                }
            )
        context = {
            "title": title,
            "subtitle": subtitle,
            "language": language,
            "views": tables,
            "legend": report_legend(kind),
        }
        return pdf_render("diary/reports/report.html", context)
