from django import forms
from django.utils.translation import gettext_lazy as _


class QuestionForm(forms.Form):
    """W6: a visitor's question. The hidden `website` field is left empty by people and filled by robots."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("E-mail (for the answer)"), required=False)
    question = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("The message could not be sent."))
        cleaned.pop("website", None)
        return cleaned
