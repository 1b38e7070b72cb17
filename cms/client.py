"""The client's address, taken the same way by the throttles, the lockouts, the app's own counters and the logs.

Behind ``MEKTEP_TRUSTED_PROXIES`` proxies (0 by default), the address is the one the outermost trusted proxy saw: the
entry that many places from the right of ``X-Forwarded-For``. With no trusted proxy, ``X-Forwarded-For`` is ignored,
so a client cannot choose its own address by sending the header. DRF's throttles use the same rule (``NUM_PROXIES``
is set to the same number in the settings), and so does gunicorn's access log (deploy/gunicorn.conf.py), which reads
the WSGI environ before Django's settings are at hand.
"""

from django.conf import settings


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def client_ip(request) -> str | None:
    """The address, or None where the request has none (a login made in code): django-axes stores it as an IP."""
    return address_from_environ(request.META, settings.MEKTEP_TRUSTED_PROXIES)


def address_from_environ(environ, proxies: int) -> str | None:
    """The rule itself, on a WSGI environ (``request.META``) and a number of trusted proxies."""
    remote = environ.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
