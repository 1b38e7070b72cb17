"""The references the scenarios are measured against, served by the same gunicorn (bench/settings.py).

Each one is the least work the matching scenario could possibly do, so the ratio tells how much the product adds:
a bare view (the ceiling), the journal's cells from one indexed SELECT, 30 rows inserted with one bulk_create, and
one GROUP BY over a quarter's marks (the report's floor).
"""

import datetime as dt
import json

from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from diary.models import AuditEntry, Mark

# About 2 KB of HTML, built once.
CEILING_BODY = ("<!doctype html><title>ceiling</title>" + "<p>Мектеп — ceiling reference.</p>" * 54).encode()[:2048]


def ceiling(request) -> HttpResponse:
    """B1, B2, B6 reference: a Django view that returns 2 KB and touches nothing."""
    return HttpResponse(CEILING_BODY, content_type="text/html; charset=utf-8")


def journal_cells(request) -> JsonResponse:
    """B3, B4 reference: the same cells as the journal grid, from one indexed SELECT, as JSON."""
    start = dt.date.fromisoformat(request.GET["start"])
    end = dt.date.fromisoformat(request.GET["end"])
    cells = list(
        Mark.objects.filter(
            lesson__journal_id=int(request.GET["journal"]), lesson__date__gte=start, lesson__date__lte=end
        ).values_list("lesson_id", "student_id", "grade_1", "grade_2", "attendance", "comment", "version", "is_late")
    )
    return JsonResponse({"cells": cells})


@csrf_exempt
def bulk_insert(request) -> JsonResponse:
    """B5 reference: 30 rows inserted with one bulk_create inside one transaction."""
    payload = json.loads(request.body or b"{}")
    now = timezone.now()
    rows = [
        AuditEntry(
            school_id=payload["school"], at=now, journal_id=payload["journal"], field=AuditEntry.Field.GRADES,
            old=None, new=[n % 4 + 2],
        )
        for n in range(30)
    ]  # fmt: skip
    with transaction.atomic():
        AuditEntry.objects.bulk_create(rows)
    return JsonResponse({"saved": len(rows)})


def quarter_marks_floor(*, school_id: int, start: dt.date, end: dt.date) -> list[dict]:
    """B7 floor: one GROUP BY over the quarter's marks, per journal (sum and count of grades)."""
    return list(
        Mark.objects.filter(school_id=school_id, lesson__date__gte=start, lesson__date__lte=end)
        .values("lesson__journal_id")
        .annotate(
            total=Sum("grade_1", default=0) + Sum("grade_2", default=0), count=Count("grade_1") + Count("grade_2")
        )
        .order_by()
    )


def group_by(request) -> JsonResponse:
    """B7 floor over HTTP, for the record."""
    rows = quarter_marks_floor(
        school_id=int(request.GET["school"]),
        start=dt.date.fromisoformat(request.GET["start"]),
        end=dt.date.fromisoformat(request.GET["end"]),
    )
    return JsonResponse({"rows": rows})


urlpatterns = [
    path("ceiling/", ceiling, name="bench-ceiling"),
    path("cells/", journal_cells, name="bench-cells"),
    path("insert/", bulk_insert, name="bench-insert"),
    path("group-by/", group_by, name="bench-group-by"),
]
