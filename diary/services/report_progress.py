"""D14: the progress and quality report of a period, computed in the database (formulas in DOMAIN.md).

For each journal (class × subject, with its teacher), over the students with a final grade in the period:
N counts the graded students (exempt ones and those without a final are left out; "not assessed" stay in),
progress = (n5 + n4 + n3) / N, quality = (n5 + n4) / N, СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n_na) / N,
and the average of the current marks; percentages are rounded half-up to 0.1. The same counts are summed per
class, per grade level and for the school; attendance counts the lessons missed (excused: "excused" and "sick";
unexcused: "absent") per class and per month; and the students with a 2 or "not assessed" in any subject are listed.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from diary.models import Attendance, FinalGrade, Journal, Mark, Period

TENTH = Decimal("0.1")
COUNTS = ("n5", "n4", "n3", "n2", "na")
JOURNAL_COLUMNS = (
    "school_class__code", "school_class__grade", "subject__name_ky", "subject__name_ru", "teacher__last_name",
    "teacher__first_name", "subgroup__name",
)  # fmt: skip


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
    finals = (
        FinalGrade.objects.filter(period=period)
        .values("journal_id")
        .annotate(
            n5=Count("pk", filter=Q(grade=5)),
            n4=Count("pk", filter=Q(grade=4)),
            n3=Count("pk", filter=Q(grade=3)),
            n2=Count("pk", filter=Q(grade=2)),
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
    by_journal = {row["journal_id"]: row for row in finals}
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
    school_total = school_count = 0
    for journal in journals:
        counts = {key: by_journal.get(journal.pk, {}).get(key, 0) for key in COUNTS}
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
                **counts,
                **rates(counts),
                "average": _average(mark_row["total"], mark_row["count"]),
            }
        )
    classes, grades = _groups(rows, journals, by_journal, marks_by_journal)
    return {
        "rows": rows,
        "classes": classes,
        "grades": grades,
        "school": {**school_counts, **rates(school_counts), "average": _average(school_total, school_count)},
        "attendance": _attendance(marks, {journal.pk: journal.school_class for journal in journals}),
        "students": struggling_students(period=period),
    }


def _groups(rows, journals, by_journal, marks_by_journal) -> tuple[list[dict], list[dict]]:
    """The journals' counts summed per class and per grade level (averages weighted by the marks themselves)."""
    per_class: dict[str, dict] = {}
    per_grade: dict[int, dict] = {}
    for journal in journals:
        counts = by_journal.get(journal.pk, {})
        mark_row = marks_by_journal.get(journal.pk, {"total": 0, "count": 0})
        grade = journal.school_class.grade
        for key, group in ((journal.school_class.code, per_class), (grade, per_grade)):
            entry = group.setdefault(key, {"grade": grade, **dict.fromkeys(COUNTS, 0), "total": 0, "count": 0})
            for name in COUNTS:
                entry[name] += counts.get(name, 0)
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


def struggling_students(*, period: Period) -> list[dict]:
    """The students with a final 2 or "not assessed" in any subject of the period, by class and name."""
    finals = (
        FinalGrade.objects.filter(period=period)
        .filter(Q(grade=2) | Q(value=FinalGrade.NOT_ASSESSED))
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
