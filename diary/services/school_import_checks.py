"""Checking a school workbook before anything is written: every problem, named by sheet, row and column."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from diary.models import Period, SchoolClass, StaffRole
from diary.services.school_import_cells import CODE_PATTERN, LIST_SEPARATOR, CellReader
from diary.workbook import REQUIRED_SHEETS, STAFF_PROFILE_COLUMNS, Row

SCHOOL_KEYS_REQUIRED = ("code", "name_ky", "name_ru", "year_start", "year_end")


@dataclass
class CheckedWorkbook:
    """The workbook after validation: plain values, ready to write."""

    school: dict = field(default_factory=dict)
    periods: list[dict] = field(default_factory=list)
    holidays: list[dict] = field(default_factory=list)
    subjects: list[dict] = field(default_factory=list)
    staff: list[dict] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)
    students: list[dict] = field(default_factory=list)
    guardians: list[dict] = field(default_factory=list)
    subgroups: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    timetable: list[dict] = field(default_factory=list)


class WorkbookChecker(CellReader):
    def __init__(self, sheets: dict[str, list[Row]]):
        super().__init__(sheets)
        self.out = CheckedWorkbook()

    def check(self) -> CheckedWorkbook:
        for sheet in REQUIRED_SHEETS:
            if sheet not in self.sheets:
                self.problem(None, None, _("This required sheet is missing."), sheet=sheet)
        if self.problems:
            return self.out
        self.check_school()
        self.check_periods()
        self.check_holidays()
        self.check_subjects()
        self.check_staff()
        self.check_classes()
        self.check_students()
        self.check_guardians()
        self.check_subgroups()
        self.check_assignments()
        self.check_timetable()
        return self.out

    def check_school(self) -> None:
        rows = self.rows("school")
        values = {row["key"].lower(): row for row in rows}
        for key in SCHOOL_KEYS_REQUIRED:
            if key not in values or not values[key]["value"]:
                self.problem(
                    rows[0] if rows else None,
                    "value",
                    _("The key %(key)s needs a value.") % {"key": key},
                    sheet="school",
                )
        if self.problems:
            return
        code = values["code"]["value"]
        if not CODE_PATTERN.match(code):
            self.problem(values["code"], "value", _("A code is up to 40 letters, digits, dots, dashes or underscores."))
        start = self.date(values["year_start"], "value")
        end = self.date(values["year_end"], "value")
        if start and end and end <= start:
            self.problem(values["year_end"], "value", _("The academic year must end after it starts."))
        no_marks = [1]
        if "no_marks_grades" in values and values["no_marks_grades"]["value"]:
            try:
                no_marks = sorted({int(part) for part in values["no_marks_grades"]["value"].split(LIST_SEPARATOR)})
            except ValueError:
                self.problem(values["no_marks_grades"], "value", _("Give grade levels separated by “;”, e.g. 1;2;3."))
        # Host names are case-insensitive: kept in lower case, as Wagtail's Site.clean() keeps them.
        hostname = values["hostname"]["value"].lower() if "hostname" in values else ""
        self.out.school = {
            "code": code,
            "name_ky": values["name_ky"]["value"],
            "name_ru": values["name_ru"]["value"],
            "year_start": start,
            "year_end": end,
            "no_marks_grades": no_marks,
            "hostname": hostname,
            "hostname_row": values["hostname"].number if hostname else None,
        }

    def check_periods(self) -> None:
        seen = set()
        year_start, year_end = self.out.school.get("year_start"), self.out.school.get("year_end")
        for row in self.rows("periods"):
            kind = self.required(row, "kind")
            if kind and kind not in Period.Kind.values:
                self.problem(row, "kind", _("The kind is one of: quarter, half, year."))
                kind = None
            number = self.integer(row, "number", 1, 4)
            start, end = self.date(row, "start"), self.date(row, "end")
            if start and end and end < start:
                self.problem(row, "end", _("The period ends before it starts."))
                continue
            if start and end and year_start and year_end and (start < year_start or end > year_end):
                self.problem(row, "start", _("The period lies outside the academic year."))
                continue
            if (kind, number) in seen:
                self.problem(row, "number", _("This period is listed twice."))
                continue
            seen.add((kind, number))
            if kind and number and start and end:
                for other in self.out.periods:
                    if other["kind"] == kind and start <= other["end"] and other["start"] <= end:
                        self.problem(row, "start", _("This period overlaps another period of the same kind."))
                        break
                else:
                    self.out.periods.append({"kind": kind, "number": number, "start": start, "end": end})

    def check_holidays(self) -> None:
        for row in self.rows("holidays"):
            start, end = self.date(row, "start"), self.date(row, "end")
            if start and end and end < start:
                self.problem(row, "end", _("The holiday ends before it starts."))
            elif start and end:
                self.out.holidays.append({"start": start, "end": end, "name": row["name"]})

    def check_subjects(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("subjects"):
            code = self.code(row, "code", seen)
            name_ky, name_ru = self.required(row, "name_ky"), self.required(row, "name_ru")
            if code and name_ky and name_ru:
                self.out.subjects.append({"code": code, "name_ky": name_ky, "name_ru": name_ru})

    def check_staff(self) -> None:
        seen: dict[str, int] = {}
        for row in self.rows("staff"):
            code = self.code(row, "code", seen)
            last_name, first_name = self.name(row, "last_name"), self.name(row, "first_name")
            self.name(row, "patronymic", required=False)
            roles = [role.strip() for role in (self.required(row, "roles") or "").split(LIST_SEPARATOR) if role.strip()]
            unknown = [role for role in roles if role not in StaffRole.values]
            if unknown:
                self.problem(
                    row,
                    "roles",
                    _("Unknown role: %(role)s. Roles are director, deputy, admin, teacher.") % {"role": unknown[0]},
                )
            total = self.integer(row, "experience_total", 0, 70, required=False)
            specialty = self.integer(row, "experience_specialty", 0, 70, required=False)
            if code and last_name and first_name and roles and not unknown:
                self.out.staff.append(
                    {
                        "code": code,
                        "last_name": last_name,
                        "first_name": first_name,
                        "patronymic": row["patronymic"],
                        "roles": roles,
                        "post_ky": row["post_ky"],
                        "post_ru": row["post_ru"],
                        "email": self.email(row, "email"),
                        "phone": row["phone"],
                        # L1: an unsuffixed column is the Kyrgyz text; `_ky` / `_ru` columns name the language.
                        **{f"{column}_ky": row[f"{column}_ky"] or row[column] for column in STAFF_PROFILE_COLUMNS},
                        **{f"{column}_ru": row[f"{column}_ru"] for column in STAFF_PROFILE_COLUMNS},
                        "experience_total": total,
                        "experience_specialty": specialty,
                    }
                )

    def check_classes(self) -> None:
        seen: dict[str, int] = {}
        staff = {member["code"] for member in self.out.staff}
        for row in self.rows("classes"):
            code = self.code(row, "code", seen)
            grade = self.integer(row, "grade", 1, 12)
            homeroom = self.required(row, "homeroom")
            if homeroom and homeroom not in staff:
                self.problem(row, "homeroom", _("Unknown staff code: %(code)s") % {"code": homeroom})
                homeroom = None
            language = row["language"] or "ky"
            if language not in SchoolClass.Language.values:
                self.problem(row, "language", _("The language is ky or ru."))
            elif code and grade and homeroom:
                self.out.classes.append({"code": code, "grade": grade, "homeroom": homeroom, "language": language})

    def check_students(self) -> None:
        seen: dict[str, int] = {}
        classes = {item["code"] for item in self.out.classes}
        for row in self.rows("students"):
            code = self.code(row, "code", seen)
            last_name, first_name = self.name(row, "last_name"), self.name(row, "first_name")
            self.name(row, "patronymic", required=False)
            school_class = self.required(row, "class")
            if school_class and school_class not in classes:
                self.problem(row, "class", _("Unknown class code: %(code)s") % {"code": school_class})
                school_class = None
            birth_date = self.date(row, "birth_date", required=False)
            if code and last_name and first_name and school_class:
                self.out.students.append(
                    {
                        "code": code,
                        "last_name": last_name,
                        "first_name": first_name,
                        "patronymic": row["patronymic"],
                        "birth_date": birth_date,
                        "class": school_class,
                    }
                )

    def check_guardians(self) -> None:
        seen: dict[str, int] = {}
        students = {item["code"] for item in self.out.students}
        for row in self.rows("guardians"):
            code = self.code(row, "code", seen)
            last_name, first_name = self.name(row, "last_name"), self.name(row, "first_name")
            self.name(row, "patronymic", required=False)
            children = self.student_codes(row, "students", students)
            if code and last_name and first_name and children:
                self.out.guardians.append(
                    {
                        "code": code,
                        "last_name": last_name,
                        "first_name": first_name,
                        "patronymic": row["patronymic"],
                        "phone": row["phone"],
                        "email": self.email(row, "email"),
                        "students": children,
                        "relation": row["relation"],
                    }
                )

    def check_subgroups(self) -> None:
        class_of = {item["code"]: item["class"] for item in self.out.students}
        subjects = {item["code"] for item in self.out.subjects}
        classes = {item["code"] for item in self.out.classes}
        seen: dict[tuple, int] = {}
        placed: dict[tuple, str] = {}
        for row in self.rows("subgroups"):
            school_class, subject, name = (self.required(row, column) for column in ("class", "subject", "name"))
            if school_class and school_class not in classes:
                self.problem(row, "class", _("Unknown class code: %(code)s") % {"code": school_class})
                continue
            if subject and subject not in subjects:
                self.problem(row, "subject", _("Unknown subject code: %(code)s") % {"code": subject})
                continue
            key = (school_class, subject, name)
            if key in seen:
                self.problem(row, "name", _("This subgroup is listed twice."))
                continue
            seen[key] = row.number
            members = self.student_codes(row, "students", set(class_of))
            for member in members:
                if class_of[member] != school_class:
                    self.problem(
                        row,
                        "students",
                        _("Student %(code)s is not in class %(class)s.") % {"code": member, "class": school_class},
                    )
                elif (school_class, subject, member) in placed:
                    self.problem(
                        row, "students", _("Student %(code)s is in two subgroups of one subject.") % {"code": member}
                    )
                placed[(school_class, subject, member)] = name
            if school_class and subject and name:
                self.out.subgroups.append(
                    {"class": school_class, "subject": subject, "name": name, "students": members}
                )

    def check_assignments(self) -> None:
        classes = {item["code"] for item in self.out.classes}
        subjects = {item["code"] for item in self.out.subjects}
        teachers = {item["code"] for item in self.out.staff}
        subgroups = {(item["class"], item["subject"], item["name"]) for item in self.out.subgroups}
        seen: dict[tuple, int] = {}
        for row in self.rows("assignments"):
            school_class, subject, teacher = (self.required(row, c) for c in ("class", "subject", "teacher"))
            subgroup = row["subgroup"] or None
            ok = True
            if school_class and school_class not in classes:
                self.problem(row, "class", _("Unknown class code: %(code)s") % {"code": school_class})
                ok = False
            if subject and subject not in subjects:
                self.problem(row, "subject", _("Unknown subject code: %(code)s") % {"code": subject})
                ok = False
            if teacher and teacher not in teachers:
                self.problem(row, "teacher", _("Unknown staff code: %(code)s") % {"code": teacher})
                ok = False
            if ok and subgroup and (school_class, subject, subgroup) not in subgroups:
                self.problem(row, "subgroup", _("Unknown subgroup: %(name)s") % {"name": subgroup})
                ok = False
            key = (school_class, subject, subgroup)
            if ok and key in seen:
                self.problem(
                    row,
                    "subject",
                    _("This class and subject already have a teacher (row %(row)s).") % {"row": seen[key]},
                )
                ok = False
            if ok and school_class and subject and teacher:
                seen[key] = row.number
                self.out.assignments.append(
                    {"class": school_class, "subject": subject, "teacher": teacher, "subgroup": subgroup}
                )

    def check_timetable(self) -> None:
        assigned = {(item["class"], item["subject"], item["subgroup"]) for item in self.out.assignments}
        slots: dict[tuple, int] = {}
        for row in self.rows("timetable"):
            school_class, subject = self.required(row, "class"), self.required(row, "subject")
            subgroup = row["subgroup"] or None
            weekday = self.integer(row, "weekday", 1, 6)
            lesson_no = self.integer(row, "lesson_no", 1, 12)
            if not (school_class and subject and weekday and lesson_no):
                continue
            if (school_class, subject, subgroup) not in assigned:
                self.problem(row, "subject", _("No teacher is assigned to this class and subject."))
                continue
            key = (school_class, subject, subgroup, weekday, lesson_no)
            if key in slots:
                self.problem(
                    row, "lesson_no", _("This lesson is listed twice (also in row %(row)s).") % {"row": slots[key]}
                )
                continue
            slots[key] = row.number
            self.out.timetable.append(
                {
                    "class": school_class,
                    "subject": subject,
                    "subgroup": subgroup,
                    "weekday": weekday,
                    "lesson_no": lesson_no,
                }
            )
