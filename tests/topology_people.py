"""The people of `make test-topology`: run inside Django against the topology's primary, prints them as JSON.

Teachers with API tokens and the cells each will save (their own journals' latest graded cells, each cell saved
once), families with a session cookie and a token, and the page an editor publishes. Also the checks the test ends
with, read from the primary.
"""

import json
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402 - Django is set up first: this runs as a script
from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from diary.models import Guardian, Mark, ReportRun, Student  # noqa: E402
from diary.services.access import api_token_issue  # noqa: E402

TEACHERS = 4
CELLS_PER_TEACHER = 120


def people() -> dict:
    teachers = []
    marks = (
        Mark.objects.filter(grade_1__isnull=False, lesson__journal__school_class__grade__gte=2)
        .values_list("lesson__journal__teacher__user_id", "lesson__journal_id", "lesson_id", "student_id", "version",
                     "grade_1")
        .order_by("-lesson__date", "lesson_id", "student_id")
    )  # fmt: skip
    by_teacher: dict[int, list] = {}
    for user_id, journal, lesson, student, version, grade in marks.iterator():
        if user_id is None:
            continue
        cells = by_teacher.setdefault(user_id, [])
        if len(cells) < CELLS_PER_TEACHER:
            cells.append([journal, lesson, student, version, 5 if grade != 5 else 4])
        if len(by_teacher) >= TEACHERS and all(len(c) >= CELLS_PER_TEACHER for c in by_teacher.values()):
            break
    users = get_user_model().objects.in_bulk(list(by_teacher)[:TEACHERS])
    for user_id, user in users.items():
        teachers.append({"token": api_token_issue(user=user, valid_days=1).key, "cells": by_teacher[user_id]})

    families = []
    readers = [(g.user, s) for g in Guardian.objects.filter(user__isnull=False) for s in g.students.all()[:1]]
    readers += [(s.user, s) for s in Student.objects.filter(user__isnull=False)[:2]]
    for user, student in readers[:4]:
        client = Client()
        client.force_login(user)
        families.append({
            "student": student.pk,
            "token": api_token_issue(user=user, valid_days=1).key,
            "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        })  # fmt: skip
    return {"teachers": teachers, "families": families}


def publish(title: str) -> str:
    """An editor publishes a news page with a new title; returns its address."""
    from home.models import HomePage

    page = HomePage.objects.live().first().get_children().live().specific().first()
    page.title = page.title_ky = title
    page.save_revision().publish()
    return page.get_url()


def reports() -> dict:
    runs = ReportRun.objects.all()
    return {
        "runs": runs.count(),
        "done": runs.filter(status=ReportRun.Status.DONE).count(),
        "taken_over": runs.filter(attempts__gt=1).count(),
        "duplicate_keys": runs.values("key").annotate(n=Count("id")).filter(n__gt=1).count(),
        "statuses": dict(runs.values_list("status").annotate(n=Count("id"))),
    }


if __name__ == "__main__":
    action = sys.argv[1]
    result = {"people": people, "reports": reports}.get(action)
    sys.stdout.write(json.dumps(result() if result else publish(sys.argv[2])) + "\n")
