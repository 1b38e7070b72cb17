"""W2: facts stored once per school site."""

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
