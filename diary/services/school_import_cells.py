"""Reading one cell of a school workbook: a value of the expected kind, or a problem named by sheet, row and column."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from diary.validators import validate_person_name
from diary.workbook import SHEETS, Problem, Row

CODE_PATTERN = re.compile(r"^[\w\-.]{1,40}$")
LIST_SEPARATOR = ";"


class CellReader:
    """Collects the workbook's problems while its cells are read; the sheet checks build on it."""

    def __init__(self, sheets: dict[str, list[Row]]):
        self.sheets = sheets
        self.problems: list[Problem] = []

    def problem(self, row: Row | None, column: str | None, message: str, sheet: str | None = None) -> None:
        self.problems.append(Problem(sheet or row.sheet, row.number if row else None, column, message))

    def rows(self, sheet: str) -> list[Row]:
        rows = self.sheets.get(sheet)
        if not rows:
            return []
        header = set(rows[0].values)
        required, _optional = SHEETS[sheet]
        missing = [column for column in required if column not in header]
        for column in missing:
            self.problem(rows[0], column, _("This required column is missing."))
        return [] if missing else rows[1:]

    def name(self, row: Row, column: str, *, required: bool = True) -> str | None:
        """A person's name: the same rule as the admin's forms (diary/validators.py)."""
        value = self.required(row, column) if required else row[column]
        if value:
            try:
                validate_person_name(value)
            except ValidationError as error:
                self.problem(row, column, " ".join(error.messages))
                return None
        return value

    def required(self, row: Row, column: str) -> str | None:
        value = row[column]
        if not value:
            self.problem(row, column, _("A value is required."))
            return None
        return value

    def date(self, row: Row, column: str, *, required: bool = True) -> dt.date | None:
        value = self.required(row, column) if required else row[column]
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.problem(row, column, _("Not a date; write it as YYYY-MM-DD."))
            return None

    def integer(self, row: Row, column: str, low: int, high: int, *, required: bool = True) -> int | None:
        value = self.required(row, column) if required else row[column]
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            self.problem(row, column, _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
            return None
        return number

    def code(self, row: Row, column: str, seen: dict[str, int]) -> str | None:
        value = self.required(row, column)
        if value is None:
            return None
        if not CODE_PATTERN.match(value):
            self.problem(row, column, _("A code is up to 40 letters, digits, dots, dashes or underscores."))
            return None
        if value in seen:
            self.problem(
                row,
                column,
                _("The code %(code)s is used twice (also in row %(row)s).") % {"code": value, "row": seen[value]},
            )
            return None
        seen[value] = row.number
        return value

    def email(self, row: Row, column: str) -> str:
        value = row[column]
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.problem(row, column, _("Not an e-mail address."))
        return value

    def student_codes(self, row: Row, column: str, known: set[str]) -> list[str]:
        items = [item.strip() for item in (self.required(row, column) or "").split(LIST_SEPARATOR) if item.strip()]
        for item in items:
            if item not in known:
                self.problem(row, column, _("Unknown student code: %(code)s") % {"code": item})
        return [item for item in items if item in known]
