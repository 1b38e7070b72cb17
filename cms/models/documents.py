"""W8: the documents the website publishes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document


def max_document_bytes() -> int:
    """W8: the largest upload (MEKTEP_DOCUMENT_MAX_MB, 20 MB by default), read when a document is checked."""
    return settings.MEKTEP_DOCUMENT_MAX_MB * 1024 * 1024


class DocumentKind(models.TextChoices):
    CHARTER = "charter", _("charter")
    LICENCE = "licence", _("licence")
    ACCREDITATION = "accreditation", _("accreditation certificate")
    LOCAL_ACT = "local_act", _("local act")
    REGULATION = "regulation", _("regulation of a structural unit")
    PROGRAMME = "programme", _("programme description")
    CURRICULUM = "curriculum", _("curriculum")
    CALENDAR = "calendar", _("calendar study schedule")
    METHODOLOGY = "methodology", _("methodological document")
    STANDARD = "standard", _("state education standard")
    FINANCE = "finance", _("financial report")
    OTHER = "other", _("other")


class SchoolDocument(AbstractDocument):
    """W8: a downloadable copy (charter, licence, curriculum, …) with its type, language and date."""

    class Language(models.TextChoices):
        KY = "ky", _("Kyrgyz")
        RU = "ru", _("Russian")
        BOTH = "ky-ru", _("Kyrgyz and Russian")

    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.KY)
    document_date = models.DateField(_("date of the document"), null=True, blank=True)

    admin_form_fields = (*Document.admin_form_fields, "kind", "language", "document_date")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def clean(self):
        super().clean()
        if self.file and getattr(self.file, "size", 0) > max_document_bytes():
            raise ValidationError(
                {"file": _("A document may be at most %(size)s MB.") % {"size": settings.MEKTEP_DOCUMENT_MAX_MB}}
            )
