"""D14: the progress and quality report of a period, computed in the database (formulas in DOMAIN.md).

For each journal (class × subject, with its teacher), over the students with a final grade in the period:
N counts the graded students (exempt ones and those without a final are left out; "not assessed" stay in),
progress = (n5 + n4 + n3) / N, quality = (n5 + n4) / N, СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n_na) / N,
and the average of the current marks; percentages are rounded half-up to 0.1. The same counts are summed per
class, per grade level and for the school; attendance counts the lessons missed (excused: "excused" and "sick";
unexcused: "absent") per class and per month; and the students with a 2 or "not assessed" in any subject are listed.
The school report is also rolled up per teacher and per subject (across classes).

Counts follow the school's scale (D9: a per-school setting): every grade of the scale is counted (`grades`), and
the formulas' 5, 4, 3 and 2 are the scale's highest grade, the next, the third, and every lower grade
*(interpretation; on the default 2–5 scale they are the grades themselves)*.

D9: journals, classes and grade levels of the school's no-marks grade levels are flagged `no_marks` (a teacher or
subject is when all of its journals are), so that the files say "marks are not given" instead of a row of zeros.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from diary.models import Attendance, FinalGrade, Journal, Mark, Period, School

TENTH = Decimal("0.1")
COUNTS = ("n5", "n4", "n3", "n2", "na")
JOURNAL_COLUMNS = (
    "school_class__code", "school_class__grade", "subject__name_ky", "subject__name_ru", "teacher__last_name",
    "teacher__first_name", "subgroup__name",
)  # fmt: skip


def grade_bands(school: School) -> dict[str, list[int]]:
    """D14: the grades of the school's scale that count as the formulas' 5, 4, 3 and 2 (see the module's note)."""
    top, scale = school.scale_max, set(school.scale)
    return {
        "n5": [top],
        "n4": [grade for grade in (top - 1,) if grade in scale],
        "n3": [grade for grade in (top - 2,) if grade in scale],
        "n2": [grade for grade in school.scale if grade < top - 2],
    }


def _band_counts(per_grade: dict[int, int], bands: dict[str, list[int]], na: int) -> dict:
    """n5 … n2 and na of one group from its count of each grade of the scale."""
    return {**{key: sum(per_grade.get(grade, 0) for grade in grades) for key, grades in bands.items()}, "na": na}


def _round(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def rates(counts: dict) -> dict:
    """progress, quality and СОУ (%) of one group from its n5, n4, n3, n2, na."""
    n = sum(counts[key] for key in COUNTS)
    if not n:
        return {"n": 0, "progress": None, "quality": None, "sou": None}
    n5, n4, n3, n2, na = (Decimal(counts[key]) for key in COUNTS)
    return {
        "n": n,
        "progress": _round((n5 + n4 + n3) * 100 / n),
        "quality": _round((n5 + n4) * 100 / n),
        "sou": _round((100 * n5 + 64 * n4 + 36 * n3 + 16 * n2 + 7 * na) / n),
    }


def _average(total, count) -> float | None:
    if not count:
        return None
    return float((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def progress_summary(*, period: Period) -> dict:
    """`{rows: [{class, subject, teacher, n, n5, n4, n3, n2, na, progress, quality, sou, average}], school: {…}}`."""
    school = period.school
    scale = list(school.scale)
    bands = grade_bands(school)
    no_marks = set(school.no_marks_grades or [])
    finals = (
        FinalGrade.objects.filter(period=period)
        .values("journal_id")
        .annotate(
            # D9, D14: one count per grade of the school's scale, not a fixed 5, 4, 3, 2.
            **{f"grade_{grade}": Count("pk", filter=Q(grade=grade)) for grade in scale},
            na=Count("pk", filter=Q(value=FinalGrade.NOT_ASSESSED)),
        )
    )
    # One pass over the period's marks, per journal and day: the grades' sums and counts and the missed lessons.
    # The average per journal and the attendance per class, month and school are folded from it in Python
    # (B7: the marks are the largest table; each GROUP BY over them is a scan of the period).
    marks = list(
        Mark.objects.filter(
            school=period.school,  # a mark's school is its journal's: no join to the journals to filter
            lesson__date__gte=period.start,
            lesson__date__lte=period.end,
            lesson__archived_at__isnull=True,
        )
        .values(journal_id=F("lesson__journal_id"), day=F("lesson__date"))
        .annotate(
            total=Sum("grade_1", default=0) + Sum("grade_2", default=0),
            count=Count("grade_1") + Count("grade_2"),
            **MISSED_COUNTS,
        )
        .order_by()
    )
    by_journal = {}
    for row in finals:
        per_grade = {grade: row[f"grade_{grade}"] for grade in scale}
        by_journal[row["journal_id"]] = {
            **_band_counts(per_grade, bands, row["na"]),
            "grades": {str(grade): per_grade[grade] for grade in scale},
        }
    marks_by_journal: dict[int, dict] = {}
    for row in marks:
        entry = marks_by_journal.setdefault(
            row["journal_id"], {"journal_id": row["journal_id"], "total": 0, "count": 0}
        )
        entry["total"] += row["total"]
        entry["count"] += row["count"]
    journals = (
        Journal.objects.filter(school=period.school, pk__in=set(by_journal) | set(marks_by_journal))
        .select_related("school_class", "subject", "teacher", "subgroup")
        # Only what the rows show: a school's hundreds of journals otherwise bring every column of five tables
        # (their timestamps parsed one by one).
        .only(*JOURNAL_COLUMNS)
        .order_by("school_class__grade", "school_class__code", "subject__code", "subgroup__name")
    )
    rows = []
    school_counts = dict.fromkeys(COUNTS, 0)
    school_grades = dict.fromkeys((str(grade) for grade in scale), 0)
    school_total = school_count = 0
    for journal in journals:
        counts = {key: by_journal.get(journal.pk, {}).get(key, 0) for key in COUNTS}
        grades = by_journal.get(journal.pk, {}).get("grades") or dict.fromkeys(school_grades, 0)
        for grade, count in grades.items():
            school_grades[grade] += count
        mark_row = marks_by_journal.get(journal.pk, {"total": 0, "count": 0})
        for key in COUNTS:
            school_counts[key] += counts[key]
        school_total += mark_row["total"]
        school_count += mark_row["count"]
        rows.append(
            {
                "class": journal.school_class.code,
                "subject": journal.subject.name + (f" ({journal.subgroup.name})" if journal.subgroup_id else ""),
                "teacher": journal.teacher.short_name,
                "teacher_id": journal.teacher_id,
                "journal_id": journal.pk,
                "subject_id": journal.subject_id,
                **counts,
                **rates(counts),
                "average": _average(mark_row["total"], mark_row["count"]),
                "grades": grades,
                "no_marks": journal.school_class.grade in no_marks,  # D9
            }
        )
    classes, grade_levels = _groups(rows, journals, by_journal, marks_by_journal, no_marks)
    teachers, subjects = _rollups(journals, by_journal, marks_by_journal, no_marks)
    return {
        "scale": sorted(scale, reverse=True),
        "no_marks_grades": sorted(no_marks),
        "rows": rows,
        "classes": classes,
        "grades": grade_levels,
        "teachers": teachers,
        "subjects": subjects,
        "school": {
            **school_counts,
            **rates(school_counts),
            "average": _average(school_total, school_count),
            "grades": school_grades,
        },
        "attendance": _attendance(marks, {journal.pk: journal.school_class for journal in journals}),
        "students": struggling_students(period=period, failing=bands["n2"]),
    }


def _rollups(journals, by_journal, marks_by_journal, no_marks: set[int]) -> tuple[list[dict], list[dict]]:
    """D14: the school report per teacher and per subject (all of a subject's classes and subgroups), with the
    rows' figures; averages weighted by the marks themselves."""
    per_teacher: dict[int, dict] = {}
    per_subject: dict[int, dict] = {}
    for journal in journals:
        counts = by_journal.get(journal.pk, {})
        mark_row = marks_by_journal.get(journal.pk, {"total": 0, "count": 0})
        for group, key, label in (
            (
                per_teacher,
                journal.teacher_id,
                {"teacher": journal.teacher.short_name, "teacher_id": journal.teacher_id},
            ),
            (per_subject, journal.subject_id, {"subject": journal.subject.name, "subject_id": journal.subject_id}),
        ):
            entry = group.setdefault(
                key,
                {
                    **label, **dict.fromkeys(COUNTS, 0), "grades": {}, "journals": 0, "total": 0, "count": 0,
                    "no_marks": True,
                },
            )  # fmt: skip
            entry["no_marks"] = entry["no_marks"] and journal.school_class.grade in no_marks  # D9
            for name in COUNTS:
                entry[name] += counts.get(name, 0)
            _grades_add(entry["grades"], counts.get("grades"))
            entry["journals"] += 1
            entry["total"] += mark_row["total"]
            entry["count"] += mark_row["count"]

    def finish(entry: dict) -> dict:
        total, count = entry.pop("total"), entry.pop("count")
        return {**entry, **rates(entry), "average": _average(total, count)}

    teachers = sorted(
        (finish(entry) for entry in per_teacher.values()), key=lambda row: (row["teacher"], row["teacher_id"])
    )
    subjects = sorted(
        (finish(entry) for entry in per_subject.values()), key=lambda row: (row["subject"], row["subject_id"])
    )
    return teachers, subjects


def _grades_add(total: dict[str, int], grades: dict[str, int] | None) -> None:
    for grade, count in (grades or {}).items():
        total[grade] = total.get(grade, 0) + count


def rollup_rows(rows: list[dict], key: str, label: str) -> list[dict]:
    """Rows summed per `key` (e.g. per teacher), for a summary cut down to one viewer's rows (D15): counts and
    rates only, the average of marks cannot be folded from the rows' averages."""
    groups: dict = {}
    for row in rows:
        entry = groups.setdefault(
            row[key], {label: row[label], key: row[key], **dict.fromkeys(COUNTS, 0), "journals": 0, "no_marks": True}
        )
        entry["no_marks"] = entry["no_marks"] and bool(row.get("no_marks"))  # D9
        entry.setdefault("grades", {})
        for name in COUNTS:
            entry[name] += row[name]
        _grades_add(entry["grades"], row.get("grades"))
        entry["journals"] += 1
    return sorted(
        ({**entry, **rates(entry), "average": None} for entry in groups.values()),
        key=lambda row: (row[label], row[key]),
    )


def _groups(rows, journals, by_journal, marks_by_journal, no_marks: set[int]) -> tuple[list[dict], list[dict]]:
    """The journals' counts summed per class and per grade level (averages weighted by the marks themselves)."""
    per_class: dict[str, dict] = {}
    per_grade: dict[int, dict] = {}
    for journal in journals:
        counts = by_journal.get(journal.pk, {})
        mark_row = marks_by_journal.get(journal.pk, {"total": 0, "count": 0})
        grade = journal.school_class.grade
        for key, group in ((journal.school_class.code, per_class), (grade, per_grade)):
            entry = group.setdefault(
                key,
                {
                    "grade": grade, **dict.fromkeys(COUNTS, 0), "grades": {}, "total": 0, "count": 0,
                    "no_marks": grade in no_marks,  # D9
                },
            )  # fmt: skip
            for name in COUNTS:
                entry[name] += counts.get(name, 0)
            _grades_add(entry["grades"], counts.get("grades"))
            entry["total"] += mark_row["total"]
            entry["count"] += mark_row["count"]

    def finish(entry: dict) -> dict:
        total, count = entry.pop("total"), entry.pop("count")
        return {**entry, **rates(entry), "average": _average(total, count)}

    classes = [{"class": code, **finish(entry)} for code, entry in per_class.items()]
    grades = [finish(entry) for _grade, entry in sorted(per_grade.items())]
    return classes, grades


MISSED = (Attendance.ABSENT, Attendance.EXCUSED, Attendance.SICK)
EXCUSED = (Attendance.EXCUSED, Attendance.SICK)


MISSED_COUNTS = {
    "missed": Count("pk", filter=Q(attendance__in=MISSED)),
    "excused": Count("pk", filter=Q(attendance__in=EXCUSED)),
    "unexcused": Count("pk", filter=Q(attendance=Attendance.ABSENT)),
}


def _attendance(rows: list[dict], class_of: dict) -> dict:
    """Lessons missed in the period, excused and unexcused, per class and per month (the class of the lesson),
    folded from the per-journal-and-day rows of progress_summary."""
    by_class: dict[tuple[int, str], dict] = {}
    by_month: dict[str, dict] = {}
    total = dict.fromkeys(MISSED_COUNTS, 0)
    months: dict = {}  # a quarter has some fifty school days and thousands of rows
    for row in rows:
        if not row["missed"]:
            continue
        school_class = class_of[row["journal_id"]]
        day = row["day"]
        month = months.get(day)
        if month is None:
            month = months[day] = day.strftime("%Y-%m")
        for target in (
            by_class.setdefault(
                (school_class.grade, school_class.code),
                {"class": school_class.code, **dict.fromkeys(MISSED_COUNTS, 0)},
            ),
            by_month.setdefault(month, {"month": month, **dict.fromkeys(MISSED_COUNTS, 0)}),
            total,
        ):
            for key in MISSED_COUNTS:
                target[key] += row[key]
    return {
        "classes": [by_class[key] for key in sorted(by_class)],
        "months": [by_month[key] for key in sorted(by_month)],
        **total,
    }


def struggling_students(*, period: Period, failing: list[int] | None = None) -> list[dict]:
    """The students with a failing final (a 2 on the default scale) or "not assessed" in any subject of the period,
    by class and name."""
    failing = grade_bands(period.school)["n2"] if failing is None else failing
    finals = (
        FinalGrade.objects.filter(period=period)
        .filter(Q(grade__in=failing) | Q(value=FinalGrade.NOT_ASSESSED))
        .select_related("student", "subject", "journal__school_class")
        .order_by("journal__school_class__grade", "journal__school_class__code", "student__last_name", "subject__name")
    )
    return [
        {
            "student": final.student.short_name,
            "student_id": final.student_id,
            "class": final.journal.school_class.code,
            "subject": final.subject.name,
            "value": final.value,
        }
        for final in finals
    ]
