"""Accounts (D4): access codes issued, redeemed, revoked; API tokens issued and revoked."""

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.auth import username_normalise
from diary.exceptions import DiaryError, DiaryPermissionDenied, DiaryValidationError
from diary.models import AccessCode, AccountSession, ApiToken, Guardian, StaffMember, Student
from diary.permissions import (
    is_administration,
    may_issue_code,
    may_link_person,
    may_manage_class,
    school_of,
)
from diary.selectors.homeroom import class_students
from diary.services.accounts import administration_access_grant

logger = logging.getLogger("diary.access")

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud at a parents' meeting is typed right the first time.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12  # 25^12 ≈ 6·10^16 codes
CODE_VALID_DAYS = 14
TOKEN_VALID_DAYS = 30
# Failed redemptions (a wrong code, a taken username) are counted per client address and the code's first group of
# four, and per address: a class behind one address meets only its own mistakes, and guessing stays bounded.
REDEEM_FAILURE_LIMIT = 10  # per address and first four characters, per hour
REDEEM_ADDRESS_FAILURE_LIMIT = 200  # per address, per hour
REDEEM_FAILURE_WINDOW = 3600
USERNAME_MAX_LENGTH = 150


class RedeemThrottled(DiaryError):
    code = "throttled"
    status = 429


def _keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _normalise(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def code_format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass
class IssuedCode:
    access_code: AccessCode
    code: str  # shown once


@transaction.atomic
def access_code_issue(*, actor, person, valid_days: int = CODE_VALID_DAYS) -> IssuedCode:
    """D4: a fresh code for a staff member (administration), or a student or guardian (their homeroom teacher
    or the administration). `actor=None` is the command line of the server's operator (`issue_code`)."""
    if actor is not None and not may_issue_code(actor, person):
        raise DiaryPermissionDenied(_("You may not issue an access code for this person."))
    if getattr(person, "archived_at", None) is not None:
        raise DiaryValidationError(_("This person has left the school."), code="person_archived")
    if person.user_id is not None:
        # D4: a code never moves a person who has an account to a new one; they sign in to the one they have.
        raise DiaryValidationError(
            _("This person already has an account. They sign in with it; a forgotten password is reset by the school."),
            code="person_has_account",
        )
    kind = {StaffMember: "staff", Student: "student", Guardian: "guardian"}[type(person)]
    # D4: only the newest code of a person works; the unused ones issued before it stop working now.
    AccessCode.objects.filter(**{kind: person}, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    access_code = AccessCode.objects.create(
        school=person.school,
        person_kind=kind,
        **{kind: person},
        code_hash=_keyed_hash(raw),
        expires_at=timezone.now() + dt.timedelta(days=valid_days),
        issued_by=actor,
    )
    logger.info("Access code %s issued for %s %s by %s", access_code.pk, kind, person.code, actor)
    return IssuedCode(access_code=access_code, code=code_format(raw))


@transaction.atomic
def access_code_revoke(*, actor, access_code: AccessCode) -> AccessCode:
    if not may_issue_code(actor, access_code.person):
        raise DiaryPermissionDenied(_("You may not revoke this access code."))
    if access_code.status == "active":
        access_code.revoked_at = timezone.now()
        access_code.save(update_fields=["revoked_at", "updated_at"])
    return access_code


def _failure_keys(client: str, raw: str) -> tuple[str, str]:
    """The counters a failed redemption adds to: the address and the code's first group of four (hashed: it is part
    of a secret), and the address alone."""
    return f"diary:redeem-failures:{client}:{_keyed_hash(raw[:4])[:16]}", f"diary:redeem-failures:{client}"


def _failures_check(client: str, raw: str) -> None:
    """Refuses before the code is looked up, so that a refused guess learns nothing: after REDEEM_FAILURE_LIMIT
    failures from this address with the same first four characters, or REDEEM_ADDRESS_FAILURE_LIMIT failures from
    the address in all. Only failures count; a correct code or a new account uses up nothing."""
    counts = cache.get_many(_failure_keys(client, raw))
    prefix_key, address_key = _failure_keys(client, raw)
    if counts.get(prefix_key, 0) >= REDEEM_FAILURE_LIMIT or counts.get(address_key, 0) >= REDEEM_ADDRESS_FAILURE_LIMIT:
        logger.warning("Refused redeeming from %s: too many failures", client)
        raise RedeemThrottled(_("Too many attempts. Try again in an hour."))


def _failure_record(client: str, raw: str) -> None:
    for key in _failure_keys(client, raw):
        if not cache.add(key, 1, timeout=REDEEM_FAILURE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=REDEEM_FAILURE_WINDOW)


def _code_take(*, code: str, client: str) -> tuple[AccessCode, str]:
    """The active code typed, locked for the redemption; unknown, used, expired and revoked codes get one and the
    same answer, and count as a failure."""
    raw = _normalise(code)
    _failures_check(client, raw)
    access_code = (
        AccessCode.objects.select_for_update(of=("self",))
        .select_related("staff", "student", "guardian")
        .filter(code_hash=_keyed_hash(raw))
        .first()
        if len(raw) == CODE_LENGTH
        else None
    )
    if access_code is None or access_code.status != "active":
        _failure_record(client, raw)
        logger.warning("Refused access code from %s", client)
        raise DiaryValidationError(_("This code is not valid. Check it, or ask for a new one."), code="invalid_code")
    return access_code, raw


def _code_use(*, access_code: AccessCode, person, user) -> None:
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    if isinstance(person, StaffMember) and person.is_administration:
        administration_access_grant(user)
    access_code.used_at = timezone.now()
    access_code.used_by = user
    access_code.save(update_fields=["used_at", "used_by", "updated_at"])
    logger.info("Access code %s redeemed by %s", access_code.pk, user.username)


@transaction.atomic
def access_code_redeem(*, code: str, username: str, password: str, client: str = "unknown"):
    """D4, anonymous: a valid code creates a NEW account for its person. Nothing here checks a password: an existing
    username gets one answer whatever the password given (someone who has an account links a code from it,
    `access_code_link`)."""
    access_code, raw = _code_take(code=code, client=client)
    person = access_code.person
    if person.user_id is not None:
        raise DiaryValidationError(
            _("This person already has an account. They sign in with it; a forgotten password is reset by the school."),
            code="person_has_account",
        )
    # Usernames are stored lowercased: login is case-insensitive (cms/auth.py), and "Aibek" is taken when "aibek" is.
    username = username_normalise(username)
    if username and get_user_model().objects.filter(username__iexact=username).exists():
        # A taken username counts as a failure, so that a code's holder cannot list the school's usernames.
        _failure_record(client, raw)
        raise _username_taken()
    user = _account_create(username=username, password=password, person=person)
    _code_use(access_code=access_code, person=person, user=user)
    return user


@transaction.atomic
def access_code_link(*, user, code: str, client: str = "unknown"):
    """D4, from the account's own logged-in session or token: the code's person is linked to this account (a
    teacher who is also a parent, a parent's code for another child), where `may_link_person` allows it. Returns
    the person."""
    access_code, _raw = _code_take(code=code, client=client)
    person = access_code.person
    if not may_link_person(user, person):
        raise DiaryValidationError(_("This code cannot be linked to your account."), code="cannot_link")
    _code_use(access_code=access_code, person=person, user=user)
    return person


def _username_taken() -> DiaryValidationError:
    return DiaryValidationError(
        _("The account was not created."),
        code="username_taken",
        fields={"username": [_("This username is taken. Choose another.")]},
    )


def _account_create(*, username: str, password: str, person):
    user_model = get_user_model()
    errors: dict[str, list[str]] = {}
    if not username or len(username) > USERNAME_MAX_LENGTH:
        errors["username"] = [_("Choose a username of up to 150 characters.")]
    else:
        try:
            user_model.username_validator(username)
        except ValidationError as error:
            errors["username"] = [str(message) for message in error.messages]
    candidate = user_model(username=username, first_name=person.first_name, last_name=person.last_name)
    try:
        password_validation.validate_password(password or "", user=candidate)
    except ValidationError as error:
        errors["password"] = [str(message) for message in error.messages]
    if errors:
        raise DiaryValidationError(_("The account was not created."), fields=errors)
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as error:
        raise _username_taken() from error
    return candidate


@dataclass
class IssuedToken:
    token: ApiToken
    key: str  # shown once


def api_token_issue(*, user, valid_days: int = TOKEN_VALID_DAYS) -> IssuedToken:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        expires_at=timezone.now() + dt.timedelta(days=valid_days),
    )
    return IssuedToken(token=token, key=key)


def api_token_find(key: str) -> ApiToken | None:
    """The live token for this key: not revoked, not expired, and its account still active."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hashlib.sha256(key.encode()).hexdigest(), revoked_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
        return None
    return token


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def account_deactivate(*, actor, user) -> None:
    """Closes an account at once: it can no longer log in, and its tokens stop working."""
    school = school_of(user)
    if not (actor.is_superuser or (school is not None and is_administration(actor, school))):
        raise DiaryPermissionDenied(_("Only the administration may close accounts."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    user_sessions_end(user=user)


def account_session_record(*, request, user) -> None:
    """Remembers the session an account has just logged in with (Django's `login` has put the account in it), so
    that `user_sessions_end` can find it. A login that opens no session (the API's, which issues a token) leaves
    nothing."""
    session = getattr(request, "session", None)
    if session is None or session.session_key is None or session.get(SESSION_KEY) != str(user.pk):
        return
    AccountSession.objects.update_or_create(session_key=session.session_key, defaults={"account": user})


def account_session_forget(*, request) -> None:
    """The session is being ended by its own logout: nothing of it is left to end later."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key is not None:
        AccountSession.objects.filter(session_key=session.session_key).delete()


def user_sessions_end(*, user) -> int:
    """Ends every session of the account on the server, on every device, not only the one asking.

    Django already refuses the session of an inactive account, or of one whose password changed, on its next
    request; deleting the sessions as well means nothing of them is left to be reused should the account be
    reopened. Returns how many were ended.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = list(AccountSession.objects.filter(account=user).values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    AccountSession.objects.filter(account=user, session_key__in=keys).delete()
    logger.info("Ended %s session(s) of %s", len(keys), user.username)
    return len(keys)


@dataclass
class CodeSlip:
    person: object
    kind: str
    code: str
    expires_at: dt.datetime
    links: list = field(default_factory=list)  # per language: the redeem address and its QR code (diary/pdf.py)


@transaction.atomic
def class_code_slips_issue(*, actor, school_class) -> list[CodeSlip]:
    """D4: fresh codes for a class's students and guardians, for slips handed out at a parents' meeting.

    People who already have an account are skipped; a new code revokes the person's earlier unused ones
    (`access_code_issue`), so only the printed code works.
    """
    if not may_manage_class(actor, school_class):
        raise DiaryPermissionDenied(_("Only the homeroom teacher or the administration prints this class's codes."))
    slips: list[CodeSlip] = []
    for student in class_students(school_class):
        people = [("student", student), *(("guardian", guardian) for guardian in student.guardians.all())]
        for kind, person in people:
            if person.user_id:
                continue
            issued = access_code_issue(actor=actor, person=person)
            slips.append(CodeSlip(person=person, kind=kind, code=issued.code, expires_at=issued.access_code.expires_at))
    return slips


@transaction.atomic
def person_code_slip_issue(*, actor, school_class, kind: str, person_id: int) -> CodeSlip:
    """D4: a fresh code for one student of the class, or one of their guardians (a lost slip): only this person's
    unused codes stop working (`access_code_issue`, which also records who issued it)."""
    if not may_manage_class(actor, school_class):
        raise DiaryPermissionDenied(_("Only the homeroom teacher or the administration prints this class's codes."))
    students = class_students(school_class)
    people = {("student", student.pk): student for student in students}
    people.update({("guardian", guardian.pk): guardian for student in students for guardian in student.guardians.all()})
    person = people.get((kind, person_id))
    if person is None:
        raise DiaryValidationError(_("This person is not in the class."), code="not_in_class")
    issued = access_code_issue(actor=actor, person=person)
    logger.info("One slip reissued for %s %s of class %s by %s", kind, person.code, school_class.pk, actor)
    return CodeSlip(person=person, kind=kind, code=issued.code, expires_at=issued.access_code.expires_at)
