from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The front page of one school's website: the root page of that school's Wagtail Site."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul", "h2", "h3"],
        help_text=_("A few sentences that greet the visitor on the front page."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.DisclosureIndexPage"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")
