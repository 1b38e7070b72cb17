"""W6: the form of the site administrators' own account screen (cms/admin_views.py)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from cms.permissions import site_groups_managed_by


class SiteAccountForm(forms.Form):
    """An editor or site administrator account of the actor's own sites: no superuser flag, no other groups."""

    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    group = forms.ModelChoiceField(label=_("Role on the site"), queryset=None, empty_label=None)
    password1 = forms.CharField(label=_("Password"), required=False, strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), required=False, strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, actor, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["group"].queryset = site_groups_managed_by(actor)
        username_field = get_user_model()._meta.get_field("username")
        self.fields["username"].validators.extend(username_field.validators)
        if account is None:
            self.fields["password1"].required = True
            self.fields["password2"].required = True
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True
            self.fields["password1"].help_text = _("Leave empty to keep the current password.")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if self.account is None and get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken; choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 or password2:
            if password1 != password2:
                self.add_error("password2", _("The two passwords do not match."))
            else:
                try:
                    validate_password(password1, user=self.account)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned
