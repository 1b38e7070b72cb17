"""The demo workbook generator writes a consistent school, and the same arguments give the same files."""

import csv
from collections import Counter

import pytest

from diary.demo.generate import SHEETS, generate_workbook


def read(folder, sheet):
    with (folder / f"{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def busiest_teacher_slot(folder):
    """How many lessons the most double-booked teacher has in one weekday + lesson slot (1 when nobody is)."""
    teacher_of = {(a["class"], a["subject"], a["subgroup"]): a["teacher"] for a in read(folder, "assignments")}
    busy = Counter(
        (teacher_of[(row["class"], row["subject"], row["subgroup"])], row["weekday"], row["lesson_no"])
        for row in read(folder, "timetable")
    )
    return max(busy.values())


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbook")
    generate_workbook(folder)
    return folder


def test_the_same_arguments_give_byte_identical_files(tmp_path):
    generate_workbook(tmp_path / "first")
    generate_workbook(tmp_path / "second")
    for sheet in SHEETS:
        assert (tmp_path / "first" / f"{sheet}.csv").read_bytes() == (tmp_path / "second" / f"{sheet}.csv").read_bytes()


def test_every_sheet_has_its_header_row_and_the_counts_match_the_files(tmp_path):
    counts = generate_workbook(tmp_path)
    assert set(counts) == set(SHEETS)
    for sheet, columns in SHEETS.items():
        lines = (tmp_path / f"{sheet}.csv").read_text(encoding="utf-8").splitlines()
        assert lines[0] == ",".join(columns)
        assert len(lines) - 1 == counts[sheet]


def test_the_demo_school_has_at_least_300_students_in_grades_1_to_11(workbook):
    students = read(workbook, "students")
    classes = read(workbook, "classes")
    assert len(students) >= 300
    assert sorted(int(c["grade"]) for c in classes) == list(range(1, 12))
    assert {s["class"] for s in students} == {c["code"] for c in classes}


def test_no_teacher_is_in_two_places_at_once(workbook):
    assert busiest_teacher_slot(workbook) == 1


def test_a_class_has_one_lesson_a_slot_except_two_subgroups_of_one_subject(workbook):
    slots = {}
    for row in read(workbook, "timetable"):
        slots.setdefault((row["class"], row["weekday"], row["lesson_no"]), []).append(row)
    for rows in slots.values():
        if len(rows) > 1:
            assert len(rows) == 2
            assert rows[0]["subject"] == rows[1]["subject"]
            assert {rows[0]["subgroup"], rows[1]["subgroup"]} == {"1", "2"}


def test_references_between_sheets_all_resolve(workbook):
    staff = {s["code"] for s in read(workbook, "staff")}
    subjects = {s["code"] for s in read(workbook, "subjects")}
    class_of = {s["code"]: s["class"] for s in read(workbook, "students")}
    assignments = {(a["class"], a["subject"], a["subgroup"]) for a in read(workbook, "assignments")}
    assert {a["teacher"] for a in read(workbook, "assignments")} <= staff
    assert {c["homeroom"] for c in read(workbook, "classes")} <= staff
    for row in read(workbook, "timetable"):
        assert row["subject"] in subjects
        assert (row["class"], row["subject"], row["subgroup"]) in assignments
    for group in read(workbook, "subgroups"):
        assert all(class_of[code] == group["class"] for code in group["students"].split(";"))
    for guardian in read(workbook, "guardians"):
        assert all(code in class_of for code in guardian["students"].split(";"))


def test_a_1000_student_school_gets_parallel_classes_of_about_30(tmp_path):
    counts = generate_workbook(tmp_path, students=1000)
    classes = read(tmp_path, "classes")
    sizes = Counter(s["class"] for s in read(tmp_path, "students"))
    assert counts["students"] == 1000
    assert len(classes) > 30
    assert all(sum(c["grade"] == grade for c in classes) >= 3 for grade in map(str, range(1, 12)))
    assert all(25 <= size <= 30 for size in sizes.values())
    assert busiest_teacher_slot(tmp_path) == 1


def test_the_demo_writes_the_importers_sheets_and_columns(tmp_path):
    """The columns come from diary/workbook.py: every required column, then the optional ones the demo fills."""
    from diary.workbook import SHEETS as WORKBOOK_SHEETS

    generate_workbook(tmp_path)
    assert set(SHEETS) == set(WORKBOOK_SHEETS)
    for sheet, (required, optional) in WORKBOOK_SHEETS.items():
        header = (tmp_path / f"{sheet}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header[: len(required)] == list(required)
        assert set(header[len(required) :]) <= set(optional)
