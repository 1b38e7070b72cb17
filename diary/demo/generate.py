"""Generator of the demo school workbook: a realistic Kyrgyz school as a folder of UTF-8 CSV files, one per sheet.

The workbook describes one academic year (2026-09-01 … 2027-05-31) of a general school with grades 1–11: its
periods and holidays, subjects, staff, classes, students, guardians, subgroups, teaching assignments and the weekly
timetable. The same arguments always give byte-identical files, so the demo workbook in ``workbook/`` can be
regenerated at will::

    python -m diary.demo.generate diary/demo/workbook
    python -m diary.demo.generate /tmp/big --students 1000
"""

import argparse
import csv
import random
import sys
from pathlib import Path

from diary.demo.names import Names
from diary.demo.pupils import families, plan_classes
from diary.demo.school_data import (
    DEFAULT_NAME_KY,
    DEFAULT_NAME_RU,
    HOLIDAYS,
    PERIODS,
    SUBJECT_ORDER,
    SUBJECTS,
    YEAR_END,
    YEAR_START,
)
from diary.demo.staff import staff_plan, staff_rows
from diary.demo.timetable import timetable_rows
from diary.workbook import SHEETS as WORKBOOK_SHEETS
from diary.workbook import STAFF_PROFILE_COLUMNS

# The sheets and columns are the importer's (diary/workbook.py): its required then optional columns, but for the
# staff profile's per-language forms (`education_ky`…): the demo writes `education` etc., read as the Kyrgyz text.
PER_LANGUAGE_COLUMNS = {f"{column}_{language}" for column in STAFF_PROFILE_COLUMNS for language in ("ky", "ru")}
SHEETS: dict[str, tuple[str, ...]] = {
    sheet: tuple(column for column in (*required, *optional) if column not in PER_LANGUAGE_COLUMNS)
    for sheet, (required, optional) in WORKBOOK_SHEETS.items()
}


def _write(folder: Path, sheet: str, rows: list[dict]) -> int:
    """One sheet as `<sheet>.csv`: the header row, then each row's values in the workbook's column order."""
    columns = SHEETS[sheet]
    with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", extrasaction="raise", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def generate_workbook(
    folder: Path,
    *,
    students: int = 308,
    classes: int | None = None,
    seed: int = 5,
    code: str = "demo",
    hostname: str = "localhost",
    name_ky: str = DEFAULT_NAME_KY,
    name_ru: str = DEFAULT_NAME_RU,
) -> dict[str, int]:
    """Writes the workbook's CSV files into ``folder`` and returns the number of data rows per sheet."""
    rng = random.Random(seed)
    names = Names(rng)
    plan = plan_classes(students, classes)
    guardians = families(rng, plan, names)
    for school_class in plan:
        school_class.students.sort(key=lambda student: student.person.sort_key())
    width = max(4, len(str(students)))
    number = 0
    for school_class in plan:
        for student in school_class.students:
            number += 1
            student.code = f"S{number:0{width}d}"
    staff = staff_plan(rng, plan, names)
    staff_records = staff_rows(rng, staff, names)
    timetable = timetable_rows(rng, plan, len(staff))

    guardians.sort(key=lambda guardian: min(child.code for child in guardian.children))
    guardian_rows = []
    for n, guardian in enumerate(guardians, start=1):
        person = guardian.person
        children = sorted(child.code for child in guardian.children)
        guardian_rows.append(
            {
                "code": f"G{n:0{width}d}",
                "last_name": person.last_name,
                "first_name": person.first_name,
                "patronymic": person.patronymic,
                "phone": guardian.phone,
                "email": guardian.email,
                "students": ";".join(children),
                "relation": guardian.relation,
            }
        )

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    school = [
        ("code", code),
        ("name_ky", name_ky),
        ("name_ru", name_ru),
        ("year_start", YEAR_START.isoformat()),
        ("year_end", YEAR_END.isoformat()),
        ("no_marks_grades", "1"),
        ("hostname", hostname),
    ]
    counts = {
        "school": _write(folder, "school", [{"key": key, "value": value} for key, value in school]),
        "periods": _write(
            folder,
            "periods",
            [
                {"kind": kind, "number": number, "start": start.isoformat(), "end": end.isoformat()}
                for kind, number, start, end in PERIODS
            ],
        ),
        "holidays": _write(
            folder,
            "holidays",
            [{"start": start.isoformat(), "end": end.isoformat(), "name": name} for start, end, name in HOLIDAYS],
        ),
        "subjects": _write(
            folder, "subjects", [{"code": key, "name_ky": ky, "name_ru": ru} for key, (ky, ru) in SUBJECTS.items()]
        ),
        "staff": _write(folder, "staff", staff_records),
        "classes": _write(
            folder,
            "classes",
            [
                {"code": c.code, "grade": c.grade, "homeroom": staff[c.homeroom].code, "language": c.language}
                for c in plan
            ],
        ),
        "students": _write(
            folder,
            "students",
            [
                {
                    "code": student.code,
                    "last_name": student.person.last_name,
                    "first_name": student.person.first_name,
                    "patronymic": student.person.patronymic,
                    "birth_date": student.birth_date.isoformat(),
                    "class": school_class.code,
                }
                for school_class in plan
                for student in school_class.students
            ],
        ),
        "guardians": _write(folder, "guardians", guardian_rows),
    }
    subgroups, assignments = [], []
    for school_class in plan:
        roster = [student.code for student in school_class.students]
        half = (len(roster) + 1) // 2
        for (subject, group), teacher in sorted(
            school_class.teachers.items(), key=lambda item: (SUBJECT_ORDER[item[0][0]], item[0][1])
        ):
            assignments.append(
                {"class": school_class.code, "subject": subject, "teacher": staff[teacher].code, "subgroup": group}
            )
            if group:
                members = roster[:half] if group == "1" else roster[half:]
                subgroups.append(
                    {"class": school_class.code, "subject": subject, "name": group, "students": ";".join(members)}
                )
    counts["subgroups"] = _write(folder, "subgroups", subgroups)
    counts["assignments"] = _write(folder, "assignments", assignments)
    counts["timetable"] = _write(
        folder,
        "timetable",
        [
            {"class": code, "subject": subject, "subgroup": group, "weekday": day, "lesson_no": lesson}
            for code, subject, group, day, lesson in timetable
        ],
    )
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the demo school workbook (one CSV file per sheet).")
    parser.add_argument("folder", type=Path, help="folder to write the CSV files into")
    parser.add_argument("--students", type=int, default=308, help="number of students (default 308)")
    parser.add_argument("--classes", type=int, default=None, help="number of classes (default: about 30 a class)")
    parser.add_argument("--seed", type=int, default=5, help="random seed (default 5)")
    parser.add_argument("--code", default="demo", help="school code (default demo)")
    parser.add_argument("--hostname", default="localhost", help="hostname of the school's site (default localhost)")
    args = parser.parse_args(argv)
    counts = generate_workbook(
        args.folder,
        students=args.students,
        classes=args.classes,
        seed=args.seed,
        code=args.code,
        hostname=args.hostname,
    )
    for sheet, rows in counts.items():
        sys.stdout.write(f"{sheet}.csv: {rows} rows\n")


if __name__ == "__main__":
    main()
