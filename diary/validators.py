"""Validators shared by the models' forms (the admin) and the workbook importer, so both refuse the same values."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Spreadsheet programs run a cell starting with these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def validate_person_name(value: str) -> None:
    """A person's name never begins like a formula: it is exported to spreadsheets (reports, lists)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        raise ValidationError(_("A name cannot begin with =, +, -, @ or a tab."), code="formula")
