"""W6: the questions visitors send through a site's feedback page, and the form that answers them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from cms.models.workflow import ProhibitedContentModelForm, checklist_panel


class QuestionAnswerForm(ProhibitedContentModelForm):
    """W6: a site administrator answers a visitor's question; a save that publishes asks for the checklist (W5)."""

    def publishes(self) -> bool:
        if not self.cleaned_data.get("is_published"):
            return False
        changed = [name for name in self.changed_data if name.startswith("answer")]
        return not self.instance.is_published or bool(changed)


class Question(models.Model):
    """W6: a question sent through the site; an administrator may answer it and publish the answer."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    question = models.TextField(_("question"), max_length=2000)
    answer = models.TextField(_("answer"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    panels = [
        FieldPanel("name", read_only=True),
        FieldPanel("email", read_only=True),
        FieldPanel("question", read_only=True),
        FieldPanel("answer"),
        FieldPanel("is_published"),
        checklist_panel(),
    ]
    # W4, W5: publishing an answer, or changing a published one, needs the prohibited-content checklist.
    base_form_class = QuestionAnswerForm

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions and answers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.question[:60]
