from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary.models.base import SchoolOwned


class StudentAccessLog(SchoolOwned):
    """Who looked at which student's records, and when: the personal-data law asks the school to be able to say.

    Append-only, one row per request that showed a student's records; the person's own and their guardians'
    views are recorded too. Read by the administration and included in the student's data export.
    """

    class What(models.TextChoices):
        DIARY = "diary", _("diary")
        GRADES = "grades", _("grades")
        DETAIL = "detail", _("student record")
        EXPORT = "export", _("data export")
        ACCESS_LOG = "access_log", _("access log")

    at = models.DateTimeField(_("when"), default=timezone.now)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("viewed by")
    )
    student = models.ForeignKey(
        "diary.Student", on_delete=models.PROTECT, related_name="access_log", verbose_name=_("student")
    )
    what = models.CharField(_("what"), max_length=20, choices=What.choices)

    # One INSERT per view: Wagtail's reference index would add its own queries to every logged request.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("student record view")
        verbose_name_plural = _("student records access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["student", "at"], name="access_log_student_at"),
            models.Index(fields=["school", "at"], name="access_log_school_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} · {self.viewer} · {self.student_id} · {self.what}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The access log is append-only.")
        super().save(*args, **kwargs)
