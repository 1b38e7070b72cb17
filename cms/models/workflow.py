"""W4, W5: moderation of disclosure content, with the prohibited-content checklist at the approval step."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask

# W5: what must never be published; the approver confirms each point before approving.
PROHIBITED_CONTENT_CHECKLIST = {
    "no_calls_to_violence": _("No calls to violence or to changing the constitutional order by force."),
    "no_hatred": _("No material inciting ethnic, racial or religious hatred."),
    "no_defamation": _("Nothing damaging anyone's honour, dignity or business reputation."),
    "no_false_information": _("No false information about heads of organisations."),
    "no_violence_propaganda": _("No propaganda of violence, and no pupil's personal data."),
}


class ProhibitedContentChecklistForm(TaskStateCommentForm):
    """The approval form: every W5 point must be confirmed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in PROHIBITED_CONTENT_CHECKLIST.items():
            self.fields[name] = forms.BooleanField(label=label, required=True)


class ProhibitedContentReviewTask(AbstractGroupApprovalTask):
    """W4: the site administrators approve disclosure content, confirming the W5 checklist to do so."""

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Check and approve"), True),
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
                raise ValueError("The prohibited-content checklist (W5) was not confirmed.")
            comment = kwargs.pop("comment", "") or ""
            kwargs["comment"] = f"{comment}\n[W5 ✓]".strip()
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Site administrators approve, after confirming the prohibited-content checklist (W5)")

    class Meta:
        verbose_name = _("approval with the prohibited-content checklist")
        verbose_name_plural = _("approvals with the prohibited-content checklist")
