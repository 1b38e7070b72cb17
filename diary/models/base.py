from django.db import models
from django.utils.translation import gettext_lazy as _


class NoHardDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are never deleted (D16); archive them instead.")


class SchoolOwned(models.Model):
    """A row that belongs to exactly one school (the tenant) and is never hard-deleted (D16)."""

    school = models.ForeignKey("diary.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = NoHardDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are never deleted (D16); archive them instead.")
