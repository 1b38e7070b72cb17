from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary.models.base import SchoolOwned


class AccessCode(SchoolOwned):
    """D4: a single-use, expiring code that creates (or links) the account of one staff member, student or guardian.

    Only a keyed hash of the code is stored; the code itself is shown once, on screen or on a printed slip.
    """

    class PersonKind(models.TextChoices):
        STAFF = "staff", _("staff member")
        STUDENT = "student", _("student")
        GUARDIAN = "guardian", _("guardian")

    person_kind = models.CharField(_("for"), max_length=10, choices=PersonKind.choices)
    staff = models.ForeignKey("diary.StaffMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    student = models.ForeignKey("diary.Student", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guardian = models.ForeignKey("diary.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")
        ordering = ["-created_at"]

    @property
    def person(self):
        return self.staff or self.student or self.guardian

    @property
    def status(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class ApiToken(models.Model):
    """A bearer token of the diary API: stored hashed, expiring, revoked on logout and when the account is closed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class Inspection(SchoolOwned):
    """D12: the director or a deputy inspected a journal: who, when, which journal, remarks."""

    journal = models.ForeignKey("diary.Journal", on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey("diary.StaffMember", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("journal inspection")
        verbose_name_plural = _("journal inspections")
        ordering = ["-at"]


class LoginEvent(SchoolOwned):
    """A successful login, for the monthly activity report (D14): who, when, through the website or the API."""

    class Channel(models.TextChoices):
        WEB = "web", _("website")
        API = "api", _("API")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=3, choices=Channel.choices, default=Channel.WEB)

    class Meta:
        verbose_name = _("login")
        verbose_name_plural = _("logins")
        ordering = ["-at"]
        indexes = [models.Index(fields=["school", "at"])]


class AccountSession(models.Model):
    """The key of one login session of an account (written when the account logs in, removed when it logs out), so
    that every session of an account can be ended at once: a password change, a recovery code, a closed or
    anonymised account. The session itself is Django's, in its own store."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.account_id}: {self.created_at:%Y-%m-%d %H:%M}"
