"""D14: the progress and quality report of a period, computed in the database (formulas in DOMAIN.md).

For each journal (class × subject, with its teacher), over the students with a final grade in the period:
N counts the graded students (exempt ones and those without a final are left out; "not assessed" stay in),
progress = (n5 + n4 + n3) / N, quality = (n5 + n4) / N, СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n_na) / N,
and the average of the current marks; percentages are rounded half-up to 0.1.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from diary.models import FinalGrade, Journal, Mark, Period

TENTH = Decimal("0.1")
COUNTS = ("n5", "n4", "n3", "n2", "na")


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
    marks = (
        Mark.objects.filter(
            lesson__date__gte=period.start, lesson__date__lte=period.end, lesson__archived_at__isnull=True
        )
        .filter(lesson__journal__school=period.school)
        .values(journal_id=F("lesson__journal_id"))
        .annotate(
            total=Sum("grade_1", default=0) + Sum("grade_2", default=0),
            count=Count("grade_1") + Count("grade_2"),
        )
    )
    by_journal = {row["journal_id"]: row for row in finals}
    marks_by_journal = {row["journal_id"]: row for row in marks}
    journals = (
        Journal.objects.filter(school=period.school, pk__in=set(by_journal) | set(marks_by_journal))
        .select_related("school_class", "subject", "teacher", "subgroup")
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
                **counts,
                **rates(counts),
                "average": _average(mark_row["total"], mark_row["count"]),
            }
        )
    return {"rows": rows, "school": {**rates(school_counts), "average": _average(school_total, school_count)}}
