"""import_school (INTERFACES.md §2): atomic, idempotent by codes, precise errors in ky and ru."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from openpyxl import Workbook

from diary.models import Enrolment, Guardian, Journal, Lesson, Period, School, StaffMember, Student, SubgroupMembership
from diary.services.school_import import WorkbookInvalid, school_import
from diary.workbook import workbook_read

pytestmark = pytest.mark.django_db

SHEETS = {
    "school": [
        ["key", "value"],
        ["code", "s7"],
        ["name_ky", "№ 7 мектеп"],
        ["name_ru", "Школа № 7"],
        ["year_start", "2026-09-01"],
        ["year_end", "2027-05-31"],
        ["no_marks_grades", "1"],
    ],
    "periods": [
        ["kind", "number", "start", "end"],
        ["quarter", "1", "2026-09-01", "2026-10-31"],
        ["quarter", "2", "2026-11-10", "2026-12-28"],
        ["half", "1", "2026-09-01", "2026-12-28"],
        ["year", "1", "2026-09-01", "2027-05-31"],
    ],
    "holidays": [["start", "end", "name"], ["2026-09-14", "2026-09-18", "Күзгү каникул"]],
    "subjects": [
        ["code", "name_ky", "name_ru"],
        ["math", "Математика", "Математика"],
        ["english", "Англис тили", "Английский язык"],
    ],
    "staff": [
        ["code", "last_name", "first_name", "patronymic", "roles", "post_ky", "post_ru", "experience_total"],
        ["D1", "Асанова", "Гүлнара", "Токтогуловна", "director;teacher", "Директор", "Директор", "25"],
        ["T1", "Исаков", "Нурлан", "", "teacher", "Мугалим", "Учитель", "8"],
        ["T2", "Петрова", "Ольга", "Ивановна", "teacher", "Мугалим", "Учитель", ""],
    ],
    "classes": [["code", "grade", "homeroom", "language"], ["5А", "5", "T1", "ky"], ["1А", "1", "T2", "ru"]],
    "students": [
        ["code", "last_name", "first_name", "patronymic", "birth_date", "class"],
        ["S1", "Бакиров", "Эрлан", "", "2015-03-02", "5А"],
        ["S2", "Сыдыкова", "Айпери", "", "", "5А"],
        ["S3", "Иванов", "Олег", "", "2019-01-20", "1А"],
    ],
    "guardians": [
        ["code", "last_name", "first_name", "phone", "students", "relation"],
        ["G1", "Бакирова", "Чолпон", "+996 555 000 111", "S1", "энеси"],
        ["G2", "Иванова", "Анна", "", "S3;S2", "мать"],
    ],
    "subgroups": [["class", "subject", "name", "students"], ["5А", "english", "1", "S1"], ["5А", "english", "2", "S2"]],
    "assignments": [
        ["class", "subject", "teacher", "subgroup"],
        ["5А", "math", "T1", ""],
        ["1А", "math", "T2", ""],
        ["5А", "english", "T1", "1"],
        ["5А", "english", "T2", "2"],
    ],
    "timetable": [
        ["class", "subject", "subgroup", "weekday", "lesson_no"],
        ["5А", "math", "", "1", "1"],
        ["5А", "math", "", "3", "2"],
        ["1А", "math", "", "2", "1"],
        ["5А", "english", "1", "4", "3"],
        ["5А", "english", "2", "4", "3"],
    ],
}


def write_csv_folder(folder: Path, sheets: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def with_changes(**replacements) -> dict:
    sheets = {name: [list(row) for row in rows] for name, rows in SHEETS.items()}
    for name, rows in replacements.items():
        if rows is None:
            del sheets[name]
        else:
            sheets[name] = rows
    return sheets


def import_folder(folder: Path, **options) -> str:
    out = io.StringIO()
    call_command("import_school", str(folder), stdout=out, stderr=out, **options)
    return out.getvalue()


def database_state() -> dict:
    models = (School, Period, StaffMember, Student, Enrolment, Guardian, Journal, Lesson, SubgroupMembership)
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at" if model is not School else "code"))
        for model in models
    }


def test_a_csv_workbook_imports_the_whole_school(tmp_path):
    import_folder(write_csv_folder(tmp_path / "book", SHEETS))
    school = School.objects.get(code="s7")
    assert (school.name_ky, school.name_ru, school.no_marks_grades) == ("№ 7 мектеп", "Школа № 7", [1])
    assert StaffMember.objects.get(code="D1").roles == ["director", "teacher"]
    assert StaffMember.objects.get(code="T1").post_ru == "Учитель"
    assert Student.objects.count() == 3
    assert Guardian.objects.get(code="G2").students.count() == 2
    assert Journal.objects.filter(subgroup__isnull=False).count() == 2
    assert SubgroupMembership.objects.count() == 2


def test_lessons_are_generated_from_the_timetable_inside_periods_skipping_holidays(tmp_path):
    import_folder(write_csv_folder(tmp_path / "book", SHEETS))
    journal = Journal.objects.get(school_class__code="5А", subject__code="math")
    dates = list(journal.lessons.values_list("date", flat=True))
    assert dt.date(2026, 9, 7) in dates  # a Monday of the first quarter
    assert dt.date(2026, 9, 14) not in dates  # the holiday week
    assert dt.date(2026, 11, 2) not in dates  # between the quarters
    assert all(day.isoweekday() in (1, 3) for day in dates)
    assert max(dates) <= dt.date(2026, 12, 28)


def test_generated_lessons_start_blank_in_their_school_stamped_with_the_import_time(tmp_path):
    before = timezone.now()
    import_folder(write_csv_folder(tmp_path / "book", SHEETS))
    school = School.objects.get(code="s7")
    lessons = Lesson.objects.filter(journal__school=school)
    assert lessons.exists()
    assert set(lessons.values_list("school_id", "topic", "homework", "conducted_by", "archived_at")) == {
        (school.pk, "", "", None, None)
    }
    stamps = set(lessons.values_list("created_at", "updated_at"))
    assert len(stamps) == 1
    created, updated = stamps.pop()
    assert created == updated
    assert before <= created <= timezone.now()


def test_importing_the_same_workbook_twice_changes_nothing(tmp_path):
    folder = write_csv_folder(tmp_path / "book", SHEETS)
    import_folder(folder)
    before = database_state()
    output = import_folder(folder)
    assert database_state() == before
    assert "Created: —" in output or "Түзүлдү: —" in output


def test_a_changed_name_is_updated_in_place(tmp_path):
    import_folder(write_csv_folder(tmp_path / "one", SHEETS))
    students = [row[:] for row in SHEETS["students"]]
    students[1][2] = "Эрмек"
    import_folder(write_csv_folder(tmp_path / "two", with_changes(students=students)))
    assert Student.objects.get(code="S1").first_name == "Эрмек"
    assert Student.objects.count() == 3


def test_an_xlsx_workbook_imports_like_the_csv_folder(tmp_path):
    book = Workbook()
    book.remove(book.active)
    for name, rows in SHEETS.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "school.xlsx"
    book.save(path)
    import_folder(path)
    assert Student.objects.count() == 3
    assert Lesson.objects.count() > 0


def test_a_dry_run_validates_and_writes_nothing(tmp_path):
    output = import_folder(write_csv_folder(tmp_path / "book", SHEETS), dry_run=True, language="ru")
    assert "ничего не записано" in output
    assert School.objects.count() == 0


BAD_WORKBOOKS = {
    "missing sheet": (with_changes(students=None), "students", None, None),
    "missing column": (with_changes(classes=[["code", "grade"], ["5А", "5"]]), "classes", 1, "homeroom"),
    "unknown class": (
        with_changes(students=[SHEETS["students"][0], ["S1", "А", "Б", "", "", "9Я"]]),
        "students",
        2,
        "class",
    ),
    "unknown teacher": (
        with_changes(assignments=[SHEETS["assignments"][0], ["5А", "math", "T9", ""]]),
        "assignments",
        2,
        "teacher",
    ),
    "duplicate code": (with_changes(subjects=[*SHEETS["subjects"], ["math", "Мат", "Мат"]]), "subjects", 4, "code"),
    "bad date": (
        with_changes(holidays=[SHEETS["holidays"][0], ["2026-13-01", "2026-09-18", ""]]),
        "holidays",
        2,
        "start",
    ),
    "period outside the year": (
        with_changes(periods=[SHEETS["periods"][0], ["quarter", "1", "2026-08-01", "2026-10-31"]]),
        "periods",
        2,
        "start",
    ),
    "overlapping periods": (
        with_changes(periods=[*SHEETS["periods"], ["quarter", "3", "2026-12-20", "2027-03-20"]]),
        "periods",
        6,
        "start",
    ),
    "bad grade": (
        with_changes(classes=[SHEETS["classes"][0], ["5А", "13", "T1", "ky"], ["1А", "1", "T2", "ru"]]),
        "classes",
        2,
        "grade",
    ),
    "unknown role": (
        with_changes(staff=[*SHEETS["staff"], ["X1", "A", "B", "", "janitor", "", "", ""]]),
        "staff",
        5,
        "roles",
    ),
}


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_a_bad_workbook_names_sheet_row_and_column_and_changes_nothing(tmp_path, case):
    sheets, sheet, row, column = BAD_WORKBOOKS[case]
    import_folder(write_csv_folder(tmp_path / "good", SHEETS))
    before = database_state()
    folder = write_csv_folder(tmp_path / "bad", sheets)
    read, read_problems = workbook_read(folder)
    with pytest.raises(WorkbookInvalid) as refused:
        school_import(sheets=read, read_problems=read_problems)
    problems = refused.value.problems
    assert any(p.sheet == sheet and p.row == row and p.column == column for p in problems), problems
    assert database_state() == before


def test_another_schools_website_address_is_refused_in_the_users_language(tmp_path):
    first = with_changes(school=[*SHEETS["school"], ["hostname", "s7.localhost"]])
    import_folder(write_csv_folder(tmp_path / "first", first))
    before = database_state()
    school = [["code", "s8"] if row[0] == "code" else row for row in first["school"]]
    folder = write_csv_folder(tmp_path / "second", with_changes(school=school))
    read, read_problems = workbook_read(folder)
    with pytest.raises(WorkbookInvalid) as refused:
        school_import(sheets=read, read_problems=read_problems)
    [problem] = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("school", len(first["school"]), "value")
    for language, words in (("ky", "башка мектепке"), ("ru", "другой школе")):
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_school", str(folder), language=language, stdout=out, stderr=out)
        assert words in out.getvalue() and "s7.localhost" in out.getvalue(), out.getvalue()
    assert database_state() == before
    assert School.objects.get(code="s7").site.hostname == "s7.localhost"
    # Host names are case-insensitive: the same address in capitals is the same website, refused alike.
    shouted = [["hostname", "S7.LOCALHOST"] if row[0] == "hostname" else row for row in school]
    read, read_problems = workbook_read(write_csv_folder(tmp_path / "third", with_changes(school=shouted)))
    with pytest.raises(WorkbookInvalid):
        school_import(sheets=read, read_problems=read_problems)
    assert database_state() == before


def test_errors_are_written_in_the_users_language(tmp_path):
    folder = write_csv_folder(tmp_path / "bad", BAD_WORKBOOKS["unknown class"][0])
    for language, words in (("ky", ["Барак", "катар", "тилке"]), ("ru", ["Лист", "строка", "столбец"])):
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_school", str(folder), language=language, stdout=out, stderr=out)
        assert all(word in out.getvalue() for word in words), out.getvalue()
    assert School.objects.count() == 0


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_a_clear_error(tmp_path, content):
    path = tmp_path / "school.xlsx"
    path.write_bytes(content)
    with translation.override("ru"), pytest.raises(CommandError, match="xlsx"):
        import_folder(path)


def test_an_oversized_cell_is_refused(tmp_path):
    students = [SHEETS["students"][0], ["S1", "Б" * 5000, "Э", "", "", "5А"]]
    folder = write_csv_folder(tmp_path / "bad", with_changes(students=students))
    with pytest.raises(CommandError):
        import_folder(folder)
    assert School.objects.count() == 0


def test_the_staff_profile_columns_fill_the_kyrgyz_text_and_suffixed_columns_name_the_language(tmp_path):
    """L1: `education`, `specialty`, `qualification` are the Kyrgyz text; `_ky` / `_ru` columns name the language."""
    staff = [row[:] for row in SHEETS["staff"]]
    staff[0] += ["education", "specialty_ky", "specialty_ru", "qualification_ru"]
    staff[1] += ["Жогорку, КМУ", "Тарых", "История", "Высшая категория"]
    staff[2] += ["", "", "", ""]
    staff[3] += ["", "", "", ""]
    import_folder(write_csv_folder(tmp_path / "book", with_changes(staff=staff)))
    head = StaffMember.objects.get(code="D1")
    assert (head.education_ky, head.specialty_ky, head.specialty_ru) == ("Жогорку, КМУ", "Тарых", "История")
    assert head.qualification_ru == "Высшая категория"
    with translation.override("ru"):
        assert StaffMember.objects.get(code="D1").specialty == "История"
