"""W2: facts stored once per school site."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class SchoolContacts(BaseSiteSetting):
    """W2: the school's contacts, stored once per site and shown by the header, footer and the `general` section."""

    founding_date = models.DateField(_("founding date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    branches = models.TextField(_("branches"), blank=True)
    working_hours = models.TextField(_("working hours"), blank=True)
    phones = models.CharField(_("phones"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    panels = [
        FieldPanel("founding_date"),
        FieldPanel("address"),
        FieldPanel("branches"),
        FieldPanel("working_hours"),
        FieldPanel("phones"),
        FieldPanel("email"),
    ]

    class Meta:
        verbose_name = _("school contacts")
        verbose_name_plural = _("school contacts")

    def __str__(self) -> str:
        return str(self.site)


DEFAULT_UPDATE_MONTHS = 12


class SectionUpdateFrequency(BaseSiteSetting):
    """W3: how often each disclosure section must be updated, in months, as the head (director) approved it for
    the school's site. Changed only through `update_frequency_set`, which writes the audit entry."""

    months = models.JSONField(_("months between updates, per section"), default=dict, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("update frequency of the sections")
        verbose_name_plural = _("update frequency of the sections")

    def __str__(self) -> str:
        return str(self.site)

    def months_for(self, section: str) -> int:
        return int(self.months.get(section, DEFAULT_UPDATE_MONTHS))
