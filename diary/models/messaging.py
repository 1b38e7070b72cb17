from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diary.calendar import month_label
from diary.models.base import SchoolOwned


class Thread(SchoolOwned):
    """D13: a conversation of the internal mail between people of one school."""

    subject = models.CharField(_("subject"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at"]


class ThreadParticipant(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="thread_participant_unique")]
        indexes = [models.Index(fields=["user", "thread"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.thread_id}"


class Message(SchoolOwned):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]


class ReportRun(SchoolOwned):
    """D14: one build of one report for one school and period or month, of the data in one state.

    The key holds the state of the data (`data_state`, diary/services/report_state.py) for a run someone asked for,
    so asking twice with nothing changed is one run and asking after a change is a new one; the sweep's official
    run holds the reopenings of its period instead, so a reopened final-grade window brings a new official run.
    """

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("activity report")
        PROGRESS = "progress", _("progress and quality report")
        COMPLIANCE = "compliance", _("compliance report")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period = models.ForeignKey("diary.Period", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    month = models.CharField(_("month"), max_length=7, blank=True)
    key = models.CharField(max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    summary = models.JSONField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    xlsx = models.FileField(upload_to="reports/", blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    # Each claim by a worker counts one attempt; only the latest attempt may mark the run done (D14).
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # D14: the state of the data the run was built from (the state when asked for, until it is built).
    data_state = models.CharField(_("state of the data"), max_length=64, blank=True)
    # D14: built by the sweep after the period's final-grade window (or the month) closed.
    official = models.BooleanField(_("official"), default=False)
    # D14: built before the window closed: the figures may still change.
    preview = models.BooleanField(_("preview"), default=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "kind", "period", "month", "data_state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period or month_label(self.month)}"

    @property
    def duration(self):
        """How long the last successful build took."""
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class Reminder(SchoolOwned):
    """A reminder sent by the sweep (D5, D7, D11, D12); the key makes each reminder go out once."""

    class Kind(models.TextChoices):
        WEEKLY_ENTRIES = "weekly_entries", _("marks or topics of last week missing")
        FINALS = "finals", _("final grades missing")
        DATA_CHECK = "data_check", _("monthly data check due")
        INSPECTION = "inspection", _("monthly journal inspection due")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=160, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
