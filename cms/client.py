"""The client's address, taken the same way by the throttles, the lockouts, the app's own counters and the logs.

Behind ``MEKTEP_TRUSTED_PROXIES`` proxies (0 by default), the address is the one the outermost trusted proxy saw: the
entry that many places from the right of ``X-Forwarded-For``. With no trusted proxy, ``X-Forwarded-For`` is ignored,
so a client cannot choose its own address by sending the header. DRF's throttles use the same rule (``NUM_PROXIES``
is set to the same number in the settings).
"""

from django.conf import settings


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def client_ip(request) -> str | None:
    """The address, or None where the request has none (a login made in code): django-axes stores it as an IP."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.MEKTEP_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
