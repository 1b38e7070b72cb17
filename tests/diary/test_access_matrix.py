"""D15: every diary API endpoint × every persona, with the exact outcome, and no other pupil's data leaking.

Personas and what each may do are described in tests/conftest.py; here the substitute also covers the journal in
the week of the requests (D6). Every request carries a real bearer token
(the deactivated persona's was issued before the account was closed). Objects outside a persona's view are
404 (their existence is not revealed); actions on a visible object the persona may not take are 403.
"""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from diary.services.access import access_code_issue, api_token_issue
from diary.services.messaging import thread_start
from diary.services.reports import report_request
from diary.services.staffing import substitution_create

pytestmark = pytest.mark.django_db
BASE = "/api/diary/v1"
PERSONAS = [
    "anonymous",
    "student",
    "parent",
    "other_parent",
    "teacher",
    "other_teacher",
    "substitute",
    "homeroom",
    "director",
    "stranger",
    "deactivated",
    "deputy",
    "admin",
    "teacher_parent",
]


def endpoints(s):
    """name → (method, url, body). `s` is the small school."""
    lesson, student = s.lessons[0], s.students[0]
    code = access_code_issue(actor=s.homeroom.user, person=s.students[1]).access_code
    thread = thread_start(sender=s.parent.user, recipient_ids=[s.homeroom.user.pk], subject="Суроо", body="…")
    run = report_request(actor=s.director.user, school=s.school, kind="progress", period=s.q1)
    return {
        "login": ("post", f"{BASE}/auth/login/", {"username": "teacher", "password": "wrong"}),
        "redeem": ("post", f"{BASE}/auth/redeem/", {"code": "AAAA-AAAA-AAAA", "username": "x", "password": "y"}),
        "me": ("get", f"{BASE}/me/", None),
        "journals": ("get", f"{BASE}/journals/", None),
        "journal": ("get", f"{BASE}/journals/{s.journal.pk}/?period=quarter-1", None),
        "marks": (
            "post",
            f"{BASE}/journals/{s.journal.pk}/marks/",
            # D16: the administration's entries carry a reason; the matrix is about who may, not why.
            {
                "changes": [{"lesson": lesson.pk, "student": student.pk, "grades": [5], "version": None}],
                "reason": "Түзөтүү",
            },
        ),
        "lesson": ("patch", f"{BASE}/lessons/{lesson.pk}/", {"topic": "Тема"}),
        "finals": (
            "post",
            f"{BASE}/journals/{s.journal.pk}/finals/",
            {"period": "quarter-1", "finals": [{"student": student.pk, "value": 5}], "reason": "Түзөтүү"},
        ),
        "history": ("get", f"{BASE}/journals/{s.journal.pk}/history/", None),
        "inspections": ("post", f"{BASE}/journals/{s.journal.pk}/inspections/", {"remarks": "Текшерилди"}),
        "substitutions": (
            "post",
            f"{BASE}/substitutions/",
            {
                "journal": s.journal.pk,
                "teacher": s.other_teacher.code,
                "date_from": "2026-09-09",
                "date_to": "2026-09-09",
            },
        ),
        "access_codes": (
            "post",
            f"{BASE}/access-codes/",
            {"person_kind": "student", "person_code": s.students[1].code},
        ),
        "access_codes_list": ("get", f"{BASE}/access-codes/?class=5А", None),
        "code_slips": ("post", f"{BASE}/access-codes/slips/", {"class": "5А"}),
        "code_revoke": ("post", f"{BASE}/access-codes/{code.pk}/revoke/", None),
        "thread": ("get", f"{BASE}/threads/{thread.pk}/", None),
        "thread_reply": ("post", f"{BASE}/threads/{thread.pk}/messages/", {"body": "Рахмат"}),
        "report": ("get", f"{BASE}/reports/{run.pk}/", None),
        "student_diary": ("get", f"{BASE}/students/{student.pk}/diary/?week=2026-W37", None),
        "student_grades": ("get", f"{BASE}/students/{student.pk}/grades/?period=quarter-1", None),
        # The teacher who is also a parent: her own child (D15, the union of her roles).
        "child_diary": ("get", f"{BASE}/students/{s.students[2].pk}/diary/?week=2026-W37", None),
        "child_grades": ("get", f"{BASE}/students/{s.students[2].pk}/grades/?period=quarter-1", None),
        "threads": ("get", f"{BASE}/threads/", None),
        "thread_start": ("post", f"{BASE}/threads/", {"to": [s.homeroom.user.pk], "subject": "Суроо", "body": "…"}),
        "reports": ("get", f"{BASE}/reports/", None),
        "report_request": ("post", f"{BASE}/reports/", {"kind": "progress", "period": "quarter-1"}),
        "student_move": ("post", f"{BASE}/students/{student.pk}/move/", {"class": s.class_1a.pk}),
        "logout": ("post", f"{BASE}/auth/logout/", None),
    }


_ = 404  # outside the persona's view
# fmt: off
EXPECTED = {
    #                anon  student parent o_par teacher o_tch  subst  homer  direc  strng  deact  deput  admin  t_par
    # Logging in with a wrong password and redeeming a wrong code are the same for everyone; redeeming reads the
    # caller's token (a code is linked to one's own account, D4), so a closed account's token is refused.
    "login":         [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    "redeem":        [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 401, 400, 400, 400],
    "me":            [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 200, 200, 200],
    "journals":      [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 200, 200, 200],
    "journal":       [401, _,   _,   _,   200, _,   200, 200, 200, _,   401, 200, 200, _],
    # The substitute's cover of 7 September ended more than the grace period ago (D6): that day is closed to them.
    "marks":         [401, _,   _,   _,   200, _,   400, 403, 200, _,   401, 200, 200, _],
    "lesson":        [401, _,   _,   _,   200, _,   403, 403, 200, _,   401, 200, 200, _],
    # Q1's window closed on 2 November (D7): those who may set finals are told so; the others are refused first.
    "finals":        [401, _,   _,   _,   400, _,   403, 403, 400, _,   401, 400, 400, _],
    "history":       [401, _,   _,   _,   200, _,   200, 200, 200, _,   401, 200, 200, _],
    # D12: the director and the deputy inspect; the diary administrator does not.
    "inspections":   [401, _,   _,   _,   403, _,   403, 403, 201, _,   401, 201, 403, _],
    "substitutions": [401, _,   _,   _,   403, _,   403, 403, 201, _,   401, 201, 201, _],
    "access_codes":  [401, 403, 403, 403, 403, 403, 403, 201, 201, _,   401, 201, 201, 403],
    "access_codes_list": [401, 403, 403, 403, 403, 403, 403, 200, 200, _, 401, 200, 200, 403],
    "code_slips":    [401, 403, 403, 403, 403, 403, 403, 200, 200, _,   401, 200, 200, 403],
    "code_revoke":   [401, 403, 403, 403, 403, 403, 403, 200, 200, _,   401, 200, 200, 403],
    # The parent's thread with the homeroom teacher: only the two of them.
    "thread":        [401, _,   200, _,   _,   _,   _,   200, _,   _,   401, _,   _,   _],
    "thread_reply":  [401, _,   201, _,   _,   _,   _,   201, _,   _,   401, _,   _,   _],
    "report":        [401, _,   _,   _,   200, 200, 200, 200, 200, _,   401, 200, 200, 200],
    "student_diary": [401, 200, 200, _,   200, _,   200, 200, 200, _,   401, 200, 200, _],
    "student_grades": [401, 200, 200, _,  200, _,   200, 200, 200, _,   401, 200, 200, _],
    "child_diary":   [401, _,   _,   _,   200, _,   200, 200, 200, _,   401, 200, 200, 200],
    "child_grades":  [401, _,   _,   _,   200, _,   200, 200, 200, _,   401, 200, 200, 200],
    "threads":       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 200, 200, 200],
    # Writing to 5А's homeroom teacher: everyone of 5А may; the homeroom teacher does not write to themself.
    "thread_start":  [401, 201, 201, 201, 201, 201, 201, 403, 201, 403, 401, 201, 201, 201],
    "reports":       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 200, 200, 200],
    # The stranger's own school has no periods, so its quarter-1 is unknown.
    "report_request": [401, 403, 403, 403, 202, 202, 202, 202, 202, 400, 401, 202, 202, 202],
    # Only the administration moves a student to another class; those who see the student are refused.
    "student_move":  [401, 403, 403, _,   403, _,   403, 403, 200, _,   401, 200, 200, _],
    "logout":        [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 401, 204, 204, 204],
}
# fmt: on

# Whose data each persona must never receive (by student code).
MUST_NOT_SEE = {
    "anonymous": [0, 1, 2],
    "student": [1, 2],
    "parent": [1, 2],
    "other_parent": [0, 2],
    "other_teacher": [0, 1, 2],
    "stranger": [0, 1, 2],
    "deactivated": [0, 1, 2],
    "teacher_parent": [0, 1],
}


@pytest.fixture(autouse=True)
def in_the_second_quarter():
    """20 November 2026: the first quarter and its final-grade window (D7) are over."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def substitute_covers_this_week(small_school, in_the_second_quarter):
    """D6: the substitute covers the journal this week (16–20 November), besides 7 September (conftest)."""
    substitution_create(
        actor=small_school.director.user, journal=small_school.journal, teacher=small_school.substitute,
        date_from=dt.date(2026, 11, 16), date_to=dt.date(2026, 11, 20),
    )  # fmt: skip


def client_for(small_school, persona: str) -> APIClient:
    client = APIClient()
    user = small_school.user(persona)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user).key}")
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_every_endpoint_answers_every_persona_exactly_as_d15_says(small_school, endpoint, persona, figures):
    method, url, body = endpoints(small_school)[endpoint]
    response = getattr(client_for(small_school, persona), method)(url, body, format="json")
    expected = EXPECTED[endpoint][PERSONAS.index(persona)]
    figures.add("D15 matrix", cells_checked=1, mismatches=int(response.status_code != expected))
    assert response.status_code == expected, response.content[:300]
    text = response.content.decode(errors="replace")
    for index in MUST_NOT_SEE.get(persona, []):
        assert small_school.students[index].code not in text
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message", "fields"}
