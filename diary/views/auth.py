"""Signing in and out of the diary, creating an account from an access code or linking a code to one's own account
(D4), and changing one's password."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from cms.client import client_address
from diary.exceptions import DiaryError
from diary.menu import menu_forget
from diary.services.access import access_code_link, access_code_redeem
from diary.session_length import session_idle_limit
from diary.views.base import DiaryView, form_add_domain_error, login_redirect


class LoginForm(AuthenticationForm):
    shared = forms.BooleanField(label=_("This is a shared computer (school, library)"), required=False)


class LoginView(auth_views.LoginView):
    """Password login; repeated failures lock the account out (django-axes answers before the form is checked).
    On a shared computer the session ends with the browser and after a short idle time."""

    template_name = "diary/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("diary:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("shared"):
            session_idle_limit(self.request, seconds=settings.MEKTEP_SESSION_IDLE_SECONDS_SHARED)
        return response


class LogoutView(auth_views.LogoutView):
    """Logout is a POST (a link cannot sign someone out); the session is flushed on the server."""

    next_page = reverse_lazy("diary:login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # What this device kept of the diary (the service worker's pages, the unsent edits) goes with the session:
        # a shared phone shows the next person nothing of the last one's.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response


# Phones capitalise and autocorrect a text field: a username or a code is typed as it is.
TYPED_AS_IS = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("Access code"), max_length=40, widget=forms.TextInput(attrs=TYPED_AS_IS))
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={**TYPED_AS_IS, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
        # The active validators' rules, shown before the first try (Django's own, translated).
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, max_length=128)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class RedeemView(View):
    """D4: a person types the code from their slip, chooses a username and password, and is signed in to their new
    account. Someone already signed in links a code to their own account instead (`CodeLinkView`)."""

    template_name = "diary/redeem.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect("diary:code_link")
        # The slip's QR code and address carry the code (`?code=`): it is filled in, and can still be edited.
        code = request.GET.get("code", "")[:40]
        return render(request, self.template_name, {"form": RedeemForm(initial={"code": code} if code else None)})

    def post(self, request):
        if request.user.is_authenticated:
            return redirect("diary:code_link")
        form = RedeemForm(request.POST)
        if form.is_valid():
            try:
                user = access_code_redeem(
                    code=form.cleaned_data["code"],
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    client=client_address(request),
                )
            except DiaryError as error:
                form_add_domain_error(form, error)
                return render(request, self.template_name, {"form": form}, status=error.status)
            login(request, user, backend="cms.auth.CaseInsensitiveModelBackend")
            return redirect("diary:home")
        return render(request, self.template_name, {"form": form}, status=400)


class CodeLinkForm(forms.Form):
    code = forms.CharField(label=_("Access code"), max_length=40)


class CodeLinkView(DiaryView):
    """D4: someone signed in adds the code of a slip to their own account: a teacher who is also a parent, a
    parent with a second child's code. No password is asked again: the session is the proof."""

    template_name = "diary/code_link.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CodeLinkForm()})

    def post(self, request):
        form = CodeLinkForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        try:
            person = access_code_link(user=request.user, code=form.cleaned_data["code"], client=client_address(request))
        except DiaryError as error:
            form_add_domain_error(form, error)
            return render(request, self.template_name, {"form": form}, status=error.status)
        menu_forget(request.user)
        messages.success(request, gettext("%(name)s is now linked to your account.") % {"name": person.full_name})
        return redirect("diary:home")


class DiaryPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the current password checked through `authenticate()`, so that django-axes counts a
    wrong one like a failed login (and a locked-out account cannot be probed from an open session)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every diary user changes their own password; the session they are in stays signed in (Django's view keeps
    it with `update_session_auth_hash`), every other session of the account ends."""

    template_name = "diary/password_change.html"
    form_class = DiaryPasswordChangeForm
    success_url = reverse_lazy("diary:home")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_active:
            return login_redirect(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your password has been changed."))
        return response


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("redeem/", RedeemView.as_view(), name="redeem"),
    path("link-code/", CodeLinkView.as_view(), name="code_link"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
]
