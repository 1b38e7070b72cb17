"""Limits count failures, not people: a class behind one address (a school's computer lab, a parents' meeting on
one Wi-Fi) is never refused for the mistakes of a few, while guessing stays bounded (SECURITY.md, "Lockout").

django-axes locks a username on one address after AXES_FAILURE_LIMIT failures; wrong access codes are counted per
address and first group of four (diary/services/access.py); DRF's "auth" throttle is only a flood brake.
"""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from diary.services.access import access_code_issue
from tests import factories

pytestmark = pytest.mark.django_db
LAB = "192.0.2.10"
PASSWORD = "correct horse battery staple"


def mistyped(code: str) -> str:
    """The code with one character of its last group changed, as a hurried pupil types it."""
    last = code[-1]
    return code[:-1] + ("A" if last != "A" else "C")


def test_a_class_redeems_and_logs_in_from_one_address_with_mistakes_among_them(small_school):
    """D4: 40 pupils of one class redeem their codes and then log in three times each from one address within five
    minutes; 10 of them mistype their password once and 5 their code: no correct attempt is refused."""
    pupils = [factories.EnrolmentFactory(school_class=small_school.class_5a).student for _ in range(40)]
    lab = APIClient(REMOTE_ADDR=LAB)
    refused = []
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), tick=False) as clock:
        codes = [access_code_issue(actor=small_school.homeroom.user, person=pupil).code for pupil in pupils]
        for number, code in enumerate(codes):
            username = f"pupil{number}"
            if number < 5:
                wrong = lab.post(
                    "/api/diary/v1/auth/redeem/",
                    {"code": mistyped(code), "username": username, "password": PASSWORD},
                    format="json",
                )
                assert wrong.status_code == 400
            answer = lab.post(
                "/api/diary/v1/auth/redeem/", {"code": code, "username": username, "password": PASSWORD}, format="json"
            )
            if answer.status_code != 201:
                refused.append(("redeem", username, answer.status_code))
            for attempt in range(3):
                if number >= 30 and attempt == 0:
                    wrong = lab.post(
                        "/api/diary/v1/auth/login/", {"username": username, "password": "oops"}, format="json"
                    )
                    assert wrong.status_code == 401
                login = lab.post(
                    "/api/diary/v1/auth/login/", {"username": username, "password": PASSWORD}, format="json"
                )
                if login.status_code != 200:
                    refused.append(("login", username, login.status_code))
            clock.shift(dt.timedelta(seconds=7))  # 40 pupils in 280 seconds
    assert refused == []
    assert all(pupil.user is not None for pupil in type(pupils[0]).objects.filter(pk__in=[p.pk for p in pupils]))


def test_one_address_locking_a_username_does_not_lock_it_everywhere(small_school, settings):
    """The per-account lockout is on (username, address): someone failing at the lab does not lock the teacher
    out at home."""
    lab, home = APIClient(REMOTE_ADDR=LAB), APIClient(REMOTE_ADDR="198.51.100.7")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        lab.post("/api/diary/v1/auth/login/", {"username": "teacher", "password": "wrong"}, format="json")
    locked = lab.post("/api/diary/v1/auth/login/", {"username": "teacher", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert (
        home.post("/api/diary/v1/auth/login/", {"username": "teacher", "password": PASSWORD}, format="json").status_code
        == 200
    )


def test_a_valid_code_works_from_an_address_where_others_mistyped_many_codes(small_school):
    """D4: ten mistyped codes of other people, at one address, leave a classmate's right code working there."""
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[2])
    lab = APIClient(REMOTE_ADDR=LAB)
    for attempt in range(10):
        guess = f"{'CDEF'[attempt % 4]}{'GHJK'[attempt // 4]}AA-AAAA-AA{attempt:02d}"
        if guess[:4] == issued.code[:4]:
            continue
        assert (
            lab.post(
                "/api/diary/v1/auth/redeem/", {"code": guess, "username": "x", "password": PASSWORD}, format="json"
            ).status_code
            == 400
        )
    body = {"code": issued.code, "username": "pupil_after", "password": PASSWORD}
    assert lab.post("/api/diary/v1/auth/redeem/", body, format="json").status_code == 201


def test_guessing_from_one_address_is_bounded(small_school, clock_cache):
    """D4: past the address's ceiling of failures, every further redemption from it is refused for the hour."""
    from diary.services import access

    lab = APIClient(REMOTE_ADDR=LAB)
    issued = access_code_issue(actor=small_school.homeroom.user, person=small_school.students[2])
    for attempt in range(access.REDEEM_ADDRESS_FAILURE_LIMIT):
        guess = f"{access.CODE_ALPHABET[attempt % 25]}{access.CODE_ALPHABET[attempt // 25]}AA-AAAA-AAAA"
        answer = lab.post(
            "/api/diary/v1/auth/redeem/", {"code": guess, "username": "x", "password": PASSWORD}, format="json"
        )
        assert answer.status_code in (400, 429)
    body = {"code": issued.code, "username": "too_late", "password": PASSWORD}
    assert lab.post("/api/diary/v1/auth/redeem/", body, format="json").status_code == 429
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=1, minutes=1)):
        assert lab.post("/api/diary/v1/auth/redeem/", body, format="json").status_code == 201
