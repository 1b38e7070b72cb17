"""The kept pages' CSRF token (cms/csrf.py): Django's token format and checks, a fresh uniform mask on every page."""

import collections
import re

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import Client

from cms import csrf


def test_a_token_is_the_secret_under_a_new_mask_each_time():
    secret = _get_new_csrf_string()
    tokens = [csrf.masked(secret) for _ in range(200)]
    assert all(len(token) == 2 * CSRF_SECRET_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS) for token in tokens)
    assert all(_unmask_cipher_token(token) == secret for token in tokens)
    assert len({token[:CSRF_SECRET_LENGTH] for token in tokens}) == len(tokens)  # no mask twice


def test_every_character_of_the_mask_is_equally_likely():
    """64,000 mask characters: each of the 62 appears about 1,032 times (a skewed draw, such as taking bytes
    modulo 62 without dropping the top ones, puts the first eight characters about 25 % above the rest)."""
    counts = collections.Counter(
        char for _ in range(2000) for char in csrf.masked(_get_new_csrf_string())[:CSRF_SECRET_LENGTH]
    )
    expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)
    chi_square = sum((counts[char] - expected) ** 2 / expected for char in CSRF_ALLOWED_CHARS)
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert chi_square < 120  # 61 degrees of freedom: a fair draw goes above 120 about once in 100,000 runs
    top, rest = CSRF_ALLOWED_CHARS[:8], CSRF_ALLOWED_CHARS[8:]
    assert sum(counts[c] for c in top) / 8 < 1.1 * sum(counts[c] for c in rest) / len(rest)


def test_a_secret_django_did_not_make_is_left_to_django(monkeypatch):
    asked = []
    monkeypatch.setattr(csrf, "_mask_cipher_secret", lambda secret: asked.append(secret) or "django's")
    assert csrf.masked("short") == "django's" and csrf.masked("é" * CSRF_SECRET_LENGTH) == "django's"
    assert asked == ["short", "é" * CSRF_SECRET_LENGTH]


def test_a_request_with_a_secret_renews_its_cookie_and_one_without_gets_a_new_secret(rf):
    with_secret = rf.get("/")
    secret = _get_new_csrf_string()
    with_secret.META["CSRF_COOKIE"] = secret
    assert _unmask_cipher_token(csrf.get_token(with_secret)) == secret
    assert with_secret.META["CSRF_COOKIE_NEEDS_UPDATE"] is True and with_secret.META["CSRF_COOKIE"] == secret

    first_visit = rf.get("/")
    token = csrf.get_token(first_visit)
    assert _unmask_cipher_token(token) == first_visit.META["CSRF_COOKIE"]
    assert first_visit.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


@pytest.mark.django_db
def test_the_kept_pages_form_posts_with_its_token_and_not_with_a_forged_one(small_school):
    client = Client(enforce_csrf_checks=True)
    client.force_login(small_school.user("parent"))
    url = f"/ky/diary/students/{small_school.students[0].pk}/week/"
    client.get(url)  # rendered and kept
    page = client.get(url).content.decode()  # served from the kept copy, with this request's token
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    forged = token[:CSRF_SECRET_LENGTH] + _get_new_csrf_string()
    assert client.post("/ky/diary/logout/", {"csrfmiddlewaretoken": forged}).status_code == 403
    assert client.get(url).status_code == 200  # still logged in
    assert client.post("/ky/diary/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(url).status_code == 302  # logged out
