"""The CSRF token of a kept page's forms: Django's `get_token`, with the mask drawn from one read of the system's
random source.

Django masks the secret afresh for every page (so that the token differs from page to page, against BREACH),
drawing each of the mask's 32 characters with its own `secrets.choice`: 32 calls into the random source and
about 20 µs, a twentieth of a family's kept week page. Here the mask takes one `os.urandom` read, whose bytes
are mapped onto the 62 allowed characters with bytes above the largest multiple of 62 dropped, so that every
character stays equally likely; the token is the same as Django's in every other way (mask, then the secret
shifted by the mask), and Django's middleware checks it as its own.
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _mask_cipher_secret
from django.middleware.csrf import get_token as django_get_token

_CHARS = CSRF_ALLOWED_CHARS.encode()
_COUNT = len(_CHARS)  # 62
_KEPT = 256 - 256 % _COUNT  # bytes below 248 map evenly onto the 62 characters
# A random byte → the index of its character (bytes from _KEPT on are deleted by `translate`).
_BYTE_TO_INDEX = bytes(byte % _COUNT for byte in range(256))
_DROPPED = bytes(range(_KEPT, 256))
# A character of the secret → its index; an index (0…61) → its character.
_CHAR_TO_INDEX = bytes(_CHARS.index(byte) if byte in _CHARS else 255 for byte in range(256))
_INDEX_TO_CHAR = _CHARS + bytes(256 - _COUNT)
# The sum of two indexes (0…122) → the character of that sum modulo 62.
_SUM_TO_CHAR = _CHARS * 2


def _mask_indexes(length: int = CSRF_SECRET_LENGTH) -> bytes:
    """`length` indexes into the allowed characters, each drawn uniformly by the system's random source."""
    indexes = b""
    while len(indexes) < length:
        indexes += os.urandom(length + 8).translate(_BYTE_TO_INDEX, _DROPPED)
    return indexes[:length]


def masked(secret: str) -> str:
    """The secret as a token (`_mask_cipher_secret`'s format: the mask, then the secret shifted by it)."""
    secret_indexes = secret.encode().translate(_CHAR_TO_INDEX)
    if len(secret_indexes) != CSRF_SECRET_LENGTH or 255 in secret_indexes:
        return _mask_cipher_secret(secret)  # not a secret Django made: Django's own answer (or error)
    mask = _mask_indexes()
    cipher = bytes(_SUM_TO_CHAR[a + b] for a, b in zip(secret_indexes, mask, strict=True))
    return (mask.translate(_INDEX_TO_CHAR) + cipher).decode()


def get_token(request) -> str:
    """`django.middleware.csrf.get_token`: the request's secret masked for this page, and the cookie renewed on the
    response; a request with no secret yet gets a new one, made by Django."""
    if "CSRF_COOKIE" not in request.META:
        return django_get_token(request)
    # As Django's get_token: the cookie is being used, so it is sent again to renew its expiry.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return masked(request.META["CSRF_COOKIE"])
