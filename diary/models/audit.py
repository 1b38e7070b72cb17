from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diary.models.base import SchoolOwned


class AuditEntry(SchoolOwned):
    """D16: one change to a mark, attendance, final grade or lesson — who, when, what, old, new, why, late (D5).

    Append-only: entries are never edited or deleted, so the trail replays to the current value of every cell.
    """

    class Field(models.TextChoices):
        GRADES = "grades", _("grades")
        ATTENDANCE = "attendance", _("attendance")
        COMMENT = "comment", _("comment")
        FINAL = "final", _("final grade")
        TOPIC = "topic", _("lesson topic")
        HOMEWORK = "homework", _("homework")
        FINAL_WINDOW = "final_window", _("final-grade window")
        SUBSTITUTION = "substitution", _("substitution")
        SUBGROUPS = "subgroups", _("subgroups")
        ANONYMISATION = "anonymisation", _("anonymisation")
        CONTACTS = "contacts", _("guardian contacts")
        SCHOOL_RULES = "school_rules", _("school rules")
        ADMIN_EDIT = "admin_edit", _("correction in the admin")
        CLASS_MOVE = "class_move", _("move to another class")

    at = models.DateTimeField(_("when"), db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    journal = models.ForeignKey("diary.Journal", on_delete=models.PROTECT, null=True, related_name="audit_entries")
    lesson = models.ForeignKey("diary.Lesson", on_delete=models.PROTECT, null=True, related_name="+")
    student = models.ForeignKey("diary.Student", on_delete=models.PROTECT, null=True, related_name="+")
    period = models.ForeignKey("diary.Period", on_delete=models.PROTECT, null=True, related_name="+")
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    old = models.JSONField(_("old value"), null=True)
    new = models.JSONField(_("new value"), null=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    is_late = models.BooleanField(_("late entry"), default=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["journal", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit entries are append-only (D16).")
        super().save(*args, **kwargs)
