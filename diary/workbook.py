"""Reading a school workbook (INTERFACES.md §2): one .xlsx, or a folder of .csv files named after the sheets.

Every value comes back as stripped text with its sheet, row and column, so that each problem can be named
precisely in the user's language.
"""

import csv
import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_CELL_LENGTH = 1000
MAX_ROWS_PER_SHEET = 200_000

STAFF_PROFILE_COLUMNS = ("education", "specialty", "qualification")

# sheet → (required columns, optional columns). The `school` sheet is key/value rows.
SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "school": (("key", "value"), ()),
    "periods": (("kind", "number", "start", "end"), ()),
    "holidays": (("start", "end"), ("name",)),
    "subjects": (("code", "name_ky", "name_ru"), ()),
    "staff": (
        ("code", "last_name", "first_name", "roles"),
        (
            "patronymic",
            "post_ky",
            "post_ru",
            "email",
            "phone",
            "education",
            "specialty",
            "qualification",
            "experience_total",
            "experience_specialty",
            # L1: the profile in each language; `education` etc. alone are the Kyrgyz text.
            *(f"{field}_{language}" for field in STAFF_PROFILE_COLUMNS for language in ("ky", "ru")),
        ),
    ),
    "classes": (("code", "grade", "homeroom"), ("language",)),
    "students": (("code", "last_name", "first_name", "class"), ("patronymic", "birth_date")),
    "guardians": (("code", "last_name", "first_name", "students"), ("patronymic", "phone", "email", "relation")),
    "subgroups": (("class", "subject", "name", "students"), ()),
    "assignments": (("class", "subject", "teacher"), ("subgroup",)),
    "timetable": (("class", "subject", "weekday", "lesson_no"), ("subgroup",)),
}
REQUIRED_SHEETS = ("school", "periods", "subjects", "staff", "classes", "students")


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int  # the spreadsheet's own row number: the header is row 1
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s") % self.__dict__
        if self.row is not None:
            return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % self.__dict__
        if self.column:
            return _("Sheet “%(sheet)s”, column “%(column)s”: %(message)s") % self.__dict__
        return _("Sheet “%(sheet)s”: %(message)s") % self.__dict__


class WorkbookUnreadable(Exception):
    message = gettext_lazy("The workbook could not be read.")

    def __init__(self, message=None):
        self.message = message or self.message
        super().__init__(str(self.message))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(sheet: str, raw_rows, problems: list[Problem]) -> list[Row]:
    iterator = iter(raw_rows)
    header_raw = next(iterator, None)
    if header_raw is None:
        return []
    header = [_text(cell).lower() for cell in header_raw]
    rows = []
    for offset, raw in enumerate(iterator, start=2):
        if offset > MAX_ROWS_PER_SHEET:
            problems.append(Problem(sheet, offset, None, _("Too many rows.")))
            break
        values = {}
        for column, cell in zip(header, raw, strict=False):
            if not column:
                continue
            text = _text(cell)
            if len(text) > MAX_CELL_LENGTH:
                problems.append(Problem(sheet, offset, column, _("The value is too long.")))
                text = text[:MAX_CELL_LENGTH]
            if "\x00" in text:
                problems.append(Problem(sheet, offset, column, _("The value contains a NUL character.")))
                text = text.replace("\x00", "")
            if text.startswith("="):
                # A formula kept as text would run in every spreadsheet the value is later exported to.
                problems.append(Problem(sheet, offset, column, _("A formula is not a value: type the value itself.")))
            values[column] = text
        if any(values.values()):
            rows.append(Row(sheet, offset, values))
    rows.insert(0, Row(sheet, 1, {column: column for column in header if column}))
    return rows


def workbook_read(path: Path) -> tuple[dict[str, list[Row]], list[Problem]]:
    """{sheet: [header row, data rows…]} and the problems found while reading (oversized cells, …)."""
    path = Path(path)
    problems: list[Problem] = []
    sheets: dict[str, list[Row]] = {}
    if path.is_dir():
        for sheet in SHEETS:
            file = path / f"{sheet}.csv"
            if not file.exists():
                continue
            try:
                with file.open(newline="", encoding="utf-8-sig") as handle:
                    sheets[sheet] = _rows(sheet, csv.reader(handle), problems)
            except (UnicodeDecodeError, csv.Error) as error:
                raise WorkbookUnreadable(
                    _("The file %(file)s is not a UTF-8 CSV file: %(error)s") % {"file": file.name, "error": error}
                ) from error
        return sheets, problems
    if not path.exists():
        raise WorkbookUnreadable(_("There is no file or folder at %(path)s.") % {"path": path})
    if path.suffix.lower() != ".xlsx":
        raise WorkbookUnreadable(_("A workbook is an .xlsx file or a folder of .csv files."))
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, ParseError) as error:
        raise WorkbookUnreadable(_("The file is not a readable .xlsx workbook.")) from error
    try:
        for worksheet in book.worksheets:
            name = worksheet.title.strip().lower()
            if name in SHEETS:
                sheets[name] = _rows(name, worksheet.iter_rows(values_only=True), problems)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, ParseError) as error:
        # A zip whose sheets are damaged opens, and fails only while its rows are read.
        raise WorkbookUnreadable(_("The file is not a readable .xlsx workbook.")) from error
    finally:
        book.close()
    return sheets, problems
