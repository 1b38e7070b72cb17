"""W4, W5: moderation of the site's content, with the prohibited-content checklist on every path that publishes.

The checklist is confirmed at the workflow's approval step, in the page editor when a site administrator publishes
directly, when an answer to a visitor's question is published, and before a staff member first appears on the site.
"""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask, Page

# W5: what must never be published; the approver confirms each point before approving.
PROHIBITED_CONTENT_CHECKLIST = {
    "no_calls_to_violence": _("No calls to violence or to changing the constitutional order by force."),
    "no_hatred": _("No material inciting ethnic, racial or religious hatred."),
    "no_defamation": _("Nothing damaging anyone's honour, dignity or business reputation."),
    "no_false_information": _("No false information about heads of organisations."),
    "no_violence_propaganda": _("No propaganda of violence, and no pupil's personal data."),
    "no_social_status_doubt": _("Nothing casting doubt on a person's social status."),
    "no_illegal_or_unrelated": _("No illegal content, and nothing unrelated to education."),
}


def checklist_confirmed(data: Mapping) -> bool:
    """W5: every point of the checklist is confirmed in `data` (a form's cleaned data or a request's POST)."""
    return all(data.get(name) for name in PROHIBITED_CONTENT_CHECKLIST)


def checklist_form_fields() -> dict[str, forms.Field]:
    """The checklist as optional form fields: a draft needs none, publishing needs all (checked in `clean`)."""
    return {
        name: forms.BooleanField(label=label, required=False) for name, label in PROHIBITED_CONTENT_CHECKLIST.items()
    }


def checklist_panel() -> MultiFieldPanel:
    return MultiFieldPanel(
        [FieldPanel(name) for name in PROHIBITED_CONTENT_CHECKLIST],
        heading=_("Prohibited-content checklist (needed to publish)"),
    )


# What the approval records in its comment, in the approver's language (W5).
CHECKLIST_CONFIRMED = _("Every point of the prohibited-content checklist is confirmed.")
CHECKLIST_REFUSED = _("To publish, confirm every point of the prohibited-content checklist.")


def checklist_refuse(form: forms.Form) -> None:
    """W5: marks each unconfirmed point of the checklist on `form`, and refuses it."""
    for name in PROHIBITED_CONTENT_CHECKLIST:
        if not form.cleaned_data.get(name):
            form.add_error(name, _("Confirm this point to publish."))
    raise ValidationError(CHECKLIST_REFUSED, code="checklist_not_confirmed")


# The checklist's fields declared on a form class, so that admin panels (FieldPanel) can place them.
ChecklistFields = type("ChecklistFields", (forms.Form,), checklist_form_fields())


class ProhibitedContentPageForm(ChecklistFields, WagtailAdminPageForm):
    """W4, W5: the page editor's form. Publishing from it, as a site administrator may do without the workflow,
    needs the whole checklist; saving a draft or submitting to moderation does not."""

    def clean(self):
        cleaned = super().clean()
        if "action-publish" in self.data and not checklist_confirmed(cleaned):
            checklist_refuse(self)
        return cleaned


class ProhibitedContentModelForm(ChecklistFields, WagtailAdminModelForm):
    """W5: the checklist on an admin form of a non-page object that publishes (a visitor's question answered);
    the model's form says in `publishes()` when a save publishes."""

    def publishes(self) -> bool:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.publishes() and not checklist_confirmed(cleaned):
            checklist_refuse(self)
        return cleaned


class ChecklistOnPublish:
    """W4, W5: a page type whose editor asks for the checklist when publishing (in the Settings tab)."""

    base_form_class = ProhibitedContentPageForm
    settings_panels = [*Page.settings_panels, checklist_panel()]


class ProhibitedContentChecklistForm(TaskStateCommentForm):
    """The approval form: every W5 point must be confirmed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's form translates this label once, when it is imported; here it follows the approver's language.
        self.fields["comment"].label = _("Comment")
        for name, label in PROHIBITED_CONTENT_CHECKLIST.items():
            self.fields[name] = forms.BooleanField(label=label, required=True)


# The names of each school site's moderation workflow and its task. Wagtail shows a workflow's and a task's name as
# stored, whatever the editor's language, so the name is stored in both languages, Kyrgyz first.
MODERATION_WORKFLOW_NAME = _("Moderation of the site's content")
MODERATION_TASK_NAME = _("Approval with the prohibited-content checklist")


def bilingual_name(message) -> str:
    """`message` in Kyrgyz and in Russian, as one name: "Кыргызча / Русский"."""
    names = []
    for language in ("ky", "ru"):
        with translation.override(language):
            names.append(str(message))
    return " / ".join(dict.fromkeys(names))


class ProhibitedContentReviewTask(AbstractGroupApprovalTask):
    """W4: the site administrators approve disclosure content, confirming the W5 checklist to do so."""

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            # Wagtail words the last task's approval "%(label)s and Publish": the label is the verb alone.
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), True),
            ]
        return []

    def get_form_for_action(self, action):
        if action == "approve":
            return ProhibitedContentChecklistForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            confirmed = [name for name in PROHIBITED_CONTENT_CHECKLIST if kwargs.pop(name, False)]
            if len(confirmed) != len(PROHIBITED_CONTENT_CHECKLIST):
                raise ValueError("The prohibited-content checklist was not confirmed.")
            comment = kwargs.pop("comment", "") or ""
            kwargs["comment"] = f"{comment}\n{CHECKLIST_CONFIRMED}".strip()
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Site administrators approve, after confirming the prohibited-content checklist")

    class Meta:
        verbose_name = _("approval with the prohibited-content checklist")
        verbose_name_plural = _("approvals with the prohibited-content checklist")
