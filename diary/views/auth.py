"""Signing in and out of the diary, and creating an account from an access code (D4)."""

from django import forms
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View

from cms.client import client_address
from diary.exceptions import DiaryError
from diary.services.access import access_code_redeem


class LoginView(auth_views.LoginView):
    """Password login; repeated failures lock the account out (django-axes answers before the form is checked)."""

    template_name = "diary/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("diary:home")


class LogoutView(auth_views.LogoutView):
    """Logout is a POST (a link cannot sign someone out); the session is flushed on the server."""

    next_page = reverse_lazy("diary:login")


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("Access code"), max_length=40)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, max_length=128)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class RedeemView(View):
    """D4: a person types the code from their slip, chooses a username and password, and is signed in."""

    template_name = "diary/redeem.html"

    def get(self, request):
        return render(request, self.template_name, {"form": RedeemForm()})

    def post(self, request):
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
                form.add_error(None, error.message)
                for field, messages in error.fields.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
                return render(request, self.template_name, {"form": form}, status=error.status)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("diary:home")
        return render(request, self.template_name, {"form": form}, status=400)


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("redeem/", RedeemView.as_view(), name="redeem"),
]
