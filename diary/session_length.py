"""How long a diary session lasts, by who signs in and where (SECURITY.md, "Sessions").

Students, and anyone who ticks "shared computer" when signing in, get a session that ends with the browser and after
a short idle time (MEKTEP_SESSION_IDLE_SECONDS_STUDENT, MEKTEP_SESSION_IDLE_SECONDS_SHARED); everyone else keeps
Django's SESSION_COOKIE_AGE. Only the session's public API is used: `set_expiry(0)` at login, and the time of the
last request kept in the session, which the middleware compares and refreshes.
"""

import time

from django.conf import settings
from django.contrib.auth import logout

from diary.permissions import student_of

IDLE_KEY = "mektep_idle_seconds"
SEEN_KEY = "mektep_seen_at"
# The last-seen time is written again at most this often, so that a busy page does not save its session each time.
SEEN_RESOLUTION_SECONDS = 30


def session_idle_limit(request, *, seconds: int) -> None:
    """From now on the session ends with the browser, and after `seconds` without a request (the shorter limit
    wins when two apply)."""
    if seconds <= 0:
        return
    session = request.session
    current = session.get(IDLE_KEY)
    session.set_expiry(0)
    session[IDLE_KEY] = min(seconds, current) if current else seconds
    session[SEEN_KEY] = int(time.time())


def student_session_limit(request, user) -> None:
    """A student's session is short whatever computer they use (receiver of `user_logged_in`)."""
    if request is not None and hasattr(request, "session") and student_of(user) is not None:
        session_idle_limit(request, seconds=settings.MEKTEP_SESSION_IDLE_SECONDS_STUDENT)


class SessionIdleMiddleware:
    """Ends a session with an idle limit once it has been idle too long; otherwise notes this request's time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        idle = session.get(IDLE_KEY) if session is not None and session.session_key else None
        if idle:
            now = int(time.time())
            seen = session.get(SEEN_KEY, now)
            if now - seen > idle:
                logout(request)
            elif now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SEEN_KEY] = now
        return self.get_response(request)
