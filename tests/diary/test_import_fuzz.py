"""Bad school workbooks (INTERFACES.md §2): random bytes, truncated zips, wrong sheet names, wrong types, huge cells,
formulas, garbage dates, duplicate codes, CSV in other encodings or with other delimiters.

Every case ends in a clear translated error that names the sheet (and the row and column where there is one), or in
a valid import; no other exception escapes, and a refused workbook (or any dry run) leaves every table as it was.
"""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from diary.services.school_import import WorkbookInvalid, school_import
from diary.workbook import SHEETS as SHEET_COLUMNS
from diary.workbook import WorkbookUnreadable, workbook_read
from tests.diary.test_bad_input import UNICODE_EDGES
from tests.diary.test_school_import import SHEETS, write_csv_folder
from tests.figures import changed_tables, table_checksums

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORMULA = "=cmd|' /C calc'!A0"
JUNK_CELLS = [
    *UNICODE_EDGES,
    FORMULA,
    "=1+1",
    "@SUM(A1)",
    "Ж" * 100_000,
    "2026-02-30",
    "31.12.2026",
    "yesterday",
    "-1",
    "1e400",
    "NaN",
    "5;5;5",
    ";;;",
    "S1;S1",
]


def write_xlsx(path: Path, sheets: dict, rename: dict | None = None) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet((rename or {}).get(name, name)[:31] or "x")
        for row in rows:
            # openpyxl refuses to store control characters; the CSV cases send them.
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
    book.save(path)
    return path


class Attempt:
    """Runs one import of a workbook file or folder and proves the outcome; counts it in the figures."""

    def __init__(self, figures):
        self.figures = figures
        self.before = table_checksums()

    def run(self, path: Path, *, dry_run: bool = False) -> str:
        outcome = "imported"
        try:
            with translation.override("ru"):
                sheets, read_problems = workbook_read(path)
                school_import(sheets=sheets, read_problems=read_problems, dry_run=dry_run)
        except WorkbookUnreadable as error:
            outcome = "unreadable"
            assert str(error.message)
        except WorkbookInvalid as error:
            outcome = "invalid"
            assert error.problems
            for problem in error.problems:
                assert problem.sheet in SHEET_COLUMNS
                assert problem.sheet in str(problem)
                if problem.row is not None:
                    assert str(problem.row) in str(problem)
                if problem.column:
                    assert problem.column in str(problem)
        after = table_checksums()
        unintended = changed_tables(self.before, after) if outcome != "imported" or dry_run else []
        self.figures.add("importer fuzz", workbooks=1, server_errors=0, unintended_changes=len(unintended))
        assert not unintended, (path, outcome, unintended)
        self.before = after
        return outcome


@pytest.fixture
def attempt(figures):
    return Attempt(figures)


@FUZZ
@given(content=st.one_of(st.binary(max_size=2000), st.binary(max_size=40).map(lambda tail: b"PK\x03\x04" + tail)))
def test_random_bytes_named_xlsx_are_unreadable_not_a_crash(tmp_path_factory, content, attempt):
    path = tmp_path_factory.mktemp("random") / "school.xlsx"
    path.write_bytes(content)
    assert attempt.run(path) == "unreadable"


def test_a_truncated_or_damaged_xlsx_is_unreadable_not_a_crash(tmp_path, attempt):
    whole = write_xlsx(tmp_path / "whole.xlsx", SHEETS).read_bytes()
    for cut in (len(whole) // 8, len(whole) // 3, len(whole) // 2, len(whole) - 30, len(whole) - 1):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(whole[:cut])
        assert attempt.run(path) == "unreadable"
    # A zip that holds no workbook, and one whose sheet XML is garbage.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    (tmp_path / "zip.xlsx").write_bytes(buffer.getvalue())
    assert attempt.run(tmp_path / "zip.xlsx") == "unreadable"
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, b"<worksheet><<<\x00" if item.filename.startswith("xl/worksheets/") else data)
    (tmp_path / "damaged.xlsx").write_bytes(damaged.getvalue())
    assert attempt.run(tmp_path / "damaged.xlsx") == "unreadable"
    no_book = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(no_book, "w") as target:
        for item in source.infolist():
            target.writestr(item, b"\xff\xfe<" if item.filename == "xl/workbook.xml" else source.read(item.filename))
    (tmp_path / "no_book.xlsx").write_bytes(no_book.getvalue())
    assert attempt.run(tmp_path / "no_book.xlsx") == "unreadable"


def test_wrong_sheet_names_name_the_missing_sheets(tmp_path, attempt):
    renamed = {"students": "Окуучулар", "staff": "staff ", "classes": "CLASSES", "periods": "period"}
    path = write_xlsx(tmp_path / "renamed.xlsx", SHEETS, rename=renamed)
    assert attempt.run(path) == "invalid"
    assert attempt.run(write_xlsx(tmp_path / "empty.xlsx", {"Sheet": [["a"]]})) == "invalid"


def mutated(sheets: dict, sheet: str, row: int, column: int, value) -> dict:
    copy = {name: [list(cells) for cells in rows] for name, rows in sheets.items()}
    rows = copy[sheet]
    target = rows[min(row, len(rows) - 1)]
    target[min(column, len(target) - 1)] = value
    return copy


cell_values = st.one_of(
    st.sampled_from(JUNK_CELLS),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.none(),
)
positions = st.tuples(
    st.sampled_from(sorted(SHEETS)), st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=7)
)


@FUZZ
@given(position=positions, value=cell_values)
def test_a_junk_cell_in_an_xlsx_is_named_or_imported_and_a_dry_run_writes_nothing(
    tmp_path_factory, position, value, attempt
):
    sheet, row, column = position
    path = write_xlsx(tmp_path_factory.mktemp("cell") / "school.xlsx", mutated(SHEETS, sheet, row, column, value))
    attempt.run(path, dry_run=True)


@FUZZ
@given(position=positions, value=st.sampled_from(JUNK_CELLS))
def test_a_junk_cell_in_a_csv_folder_is_named_or_imported_and_a_refusal_writes_nothing(
    tmp_path_factory, position, value, attempt
):
    sheet, row, column = position
    folder = write_csv_folder(tmp_path_factory.mktemp("csv") / "book", mutated(SHEETS, sheet, row, column, value))
    attempt.run(folder, dry_run=True)


@pytest.mark.parametrize(
    ("case", "sheets"),
    [
        ("duplicate student code", {"students": [*SHEETS["students"], ["S1", "Экинчи", "Окуучу", "", "", "5А"]]}),
        ("duplicate staff code", {"staff": [*SHEETS["staff"], ["T1", "Башка", "Мугалим", "", "teacher", "", "", ""]]}),
        ("formula as a name", {"subjects": [*SHEETS["subjects"], ["art", FORMULA, "Рисование"]]}),
        ("garbage dates", {"periods": [SHEETS["periods"][0], ["quarter", "1", "бүгүн", "31/12/2026"]]}),
        ("wrong types", {"classes": [SHEETS["classes"][0], ["5А", "беш", "T1", "kz"], ["1А", "1.5", "T2", "ru"]]}),
        ("huge cell", {"students": [SHEETS["students"][0], ["S1", "Б" * 20_000, "Э", "", "", "5А"]]}),
        ("header only", {"students": [SHEETS["students"][0]]}),
        ("no header", {"subjects": []}),
        ("NUL in a name", {"subjects": [*SHEETS["subjects"], ["art", "Сүрөт\x00", "Рисование"]]}),
        ("a student's name beginning with +", {"students": [*SHEETS["students"], ["S9", "+Бакыт", "Э", "", "", "5А"]]}),
        (
            "a student's name beginning with @",
            {"students": [*SHEETS["students"], ["S9", "Асан", "@SUM(A1)", "", "", "5А"]]},
        ),
        ("a student's name beginning with -", {"students": [*SHEETS["students"], ["S9", "-2+3", "Э", "", "", "5А"]]}),
    ],
)
def test_each_known_bad_workbook_is_refused_in_both_forms_and_writes_nothing(tmp_path, case, sheets, attempt):
    book = {**SHEETS, **sheets}
    if case != "NUL in a name":
        assert attempt.run(write_xlsx(tmp_path / "school.xlsx", book)) == "invalid"
    assert attempt.run(write_csv_folder(tmp_path / "csv", book)) == "invalid"


def test_a_cell_beyond_the_csv_field_limit_is_a_clear_error(tmp_path, attempt):
    students = [SHEETS["students"][0], ["S1", "Б" * 200_000, "Э", "", "", "5А"]]
    assert attempt.run(write_csv_folder(tmp_path / "csv", {**SHEETS, "students": students})) == "unreadable"


def write_csv_bytes(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.csv").write_bytes(content)
    return folder


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("case", "content", "outcome"),
    [
        ("windows-1251", csv_text(SHEETS["students"]).encode("cp1251"), "unreadable"),
        ("utf-16", csv_text(SHEETS["students"]).encode("utf-16"), "unreadable"),
        ("semicolons", csv_text(SHEETS["students"], delimiter=";").encode(), "invalid"),
        ("tabs", csv_text(SHEETS["students"], delimiter="\t").encode(), "invalid"),
        ("NUL bytes", csv_text(SHEETS["students"]).encode().replace(b"5", b"\x00"), "invalid"),
        ("unclosed quote", b'code,last_name,first_name,class\nS1,"\xd0\x91,\xd0\xad,5\xd0\x90\n', "invalid"),
        ("BOM", b"\xef\xbb\xbf" + csv_text(SHEETS["students"]).encode(), "imported"),
    ],
)
def test_a_csv_in_another_encoding_or_with_other_delimiters_is_a_clear_error(tmp_path, case, content, outcome, attempt):
    folder = write_csv_folder(tmp_path / "book", {name: rows for name, rows in SHEETS.items() if name != "students"})
    write_csv_bytes(folder, "students", content)
    assert attempt.run(folder, dry_run=True) == outcome


def test_the_command_reports_every_bad_workbook_as_a_command_error(tmp_path, figures):
    cases = [
        (tmp_path / "random.xlsx", b"\x00\x01garbage"),
        (tmp_path / "renamed.xlsx", None),
        (tmp_path / "missing.xlsx", False),
    ]
    write_xlsx(cases[1][0], SHEETS, rename={"students": "pupils"})
    cases[0][0].write_bytes(cases[0][1])
    before = table_checksums()
    for path, _content in cases:
        for language in ("ky", "ru"):
            out = io.StringIO()
            with pytest.raises(CommandError):
                call_command("import_school", str(path), language=language, stdout=out, stderr=out)
            figures.add("importer fuzz", workbooks=1, server_errors=0, unintended_changes=0)
    assert changed_tables(before, table_checksums()) == []
