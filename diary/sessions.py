"""Login sessions in the database, read together with their account (`SESSION_ENGINE = "diary.sessions"`).

Every logged-in request reads its session, then the session's account, then (for the D15 checks of every diary
page) the account's own students. Here the session row carries its account in a column (`LoginSession.account`),
so one statement reads all three (`PreparedPair`, cms/prepared.py): the session, the account with whether it has a
staff record, and the students. `AuthenticationMiddleware` lets the login backend find what the request's own
session read (diary/backends.py), instead of asking the database again; any other request for an account (another
session, a token, a task) reads it as before. The session is checked exactly as Django checks it: unknown or
expired keys open nothing, the stored data is verified by its signature, and Django's session hash still ties the
session to the account's password.
"""

import re
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cms.prepared import PreparedPair
from diary.models import LoginSession
from diary.permissions import own_students_query, staff_record_subquery


def _session_with_account(session_key: str):
    return (
        LoginSession.objects.filter(session_key=session_key)
        .select_related("account")
        .annotate(staff_pk=staff_record_subquery(OuterRef("account_id")))[:1]
    )


def _session_own_students(session_key: str):
    account = LoginSession.objects.filter(session_key=session_key).values("account_id")[:1]
    return own_students_query(Subquery(account))


_session_read = PreparedPair(_session_with_account, _session_own_students)


@dataclass(frozen=True)
class AccountRead:
    """What a session read with itself: its account (None for a visitor's session), whether the account has a
    staff record, and the account's own students (diary/permissions.py)."""

    account: object
    staff_pk: int | None
    own_students: list


def account_id_of(data: dict) -> int | None:
    try:
        return int(data[auth.SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


# The keys Django makes (32 of VALID_KEY_CHARS), within the column's 40 characters; any other cookie value (a NUL
# byte PostgreSQL refuses to compare, a value longer than the column) opens no session instead of an error.
SESSION_KEY_FORM = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(DatabaseSessionStore):
    """Django's database session store over `LoginSession`, which reads the session's account with it."""

    account_read: AccountRead | None = None

    @classmethod
    def get_model_class(cls):
        return LoginSession

    def _validate_session_key(self, key) -> bool:
        return isinstance(key, str) and SESSION_KEY_FORM.fullmatch(key) is not None

    def load(self) -> dict:
        sessions, own_students = _session_read(self.session_key)
        session = next(iter(sessions), None)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return {}
        self.account_read = AccountRead(session.account, session.staff_pk, own_students)
        return self.decode(session.session_data)

    def create_model_instance(self, data: dict) -> LoginSession:
        session = super().create_model_instance(data)
        session.account_id = account_id_of(data)
        return session


# The session of the request whose user is being found, while it is (set by AuthenticationMiddleware only).
_session_in_hand: ContextVar = ContextVar("mektep_session_in_hand", default=None)


def session_account(user_id: int) -> AccountRead | None:
    """What the request's own session read about account `user_id`, while the request's user is being found; None
    anywhere else, or when the session read no account or another one."""
    read = getattr(_session_in_hand.get(), "account_read", None)
    if read is None or read.account is None or read.account.pk != user_id:
        return None
    return read


def _user(request):
    """`django.contrib.auth.middleware.get_user`, with the request's session at hand for the login backend."""
    if not hasattr(request, "_cached_user"):
        token = _session_in_hand.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _session_in_hand.reset(token)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's AuthenticationMiddleware: `request.user` is found as Django finds it (session key, backend, session
    hash), the backend taking the account from what the request's session read with itself."""

    def process_request(self, request) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))
