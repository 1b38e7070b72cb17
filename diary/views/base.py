"""What every diary page shares: login required, the viewer's school and staff record, domain errors as pages."""

import hashlib
import hmac
from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views import View

from cms.csrf import get_token
from diary.exceptions import DiaryError
from diary.menu import menu_roles
from diary.permissions import children_of, school_of, staff_member_of, student_of
from diary.screen_cache import screens


def login_redirect(request):
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return redirect(f"{reverse('diary:login')}?{query}")


def error_page(request, error: DiaryError):
    """A refused request: the translated reason, with the status the API would give, and nothing changed."""
    return render(request, "diary/error.html", {"error": error}, status=error.status)


class DiaryView(View):
    """A diary page for a logged-in person. `self.school` and `self.staff` (None unless staff) are set before the
    handler runs; a DiaryError raised by a service or a permission check becomes a page with its message."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return login_redirect(request)
        self.school = school_of(user)
        # school_of answers from the staff record first, so that record is the staff member in self.school.
        self.staff = staff_member_of(user) if self.school else None
        try:
            return super().dispatch(request, *args, **kwargs)
        except DiaryError as error:
            return error_page(request, error)


def diary_login_required(view):
    """The function-view form of DiaryView's login check."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_active:
            return login_redirect(request)
        try:
            return view(request, *args, **kwargs)
        except DiaryError as error:
            return error_page(request, error)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def form_add_domain_error(form, error: DiaryError) -> None:
    """Shows a refused request next to its form: the message on top, each field's own messages beside that field."""
    form.add_error(None, error.message)
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def journal_page_urls(journals) -> None:
    """Each journal gets `page_url`: its journal page, or "" where that page is not installed."""
    from django.urls import NoReverseMatch

    for journal in journals:
        try:
            journal.page_url = reverse("diary:journal", args=[journal.pk])
        except NoReverseMatch:
            journal.page_url = ""


@cache
def _csrf_hole() -> str:
    """Stands for the CSRF token in a kept page: not guessable, so no shown text can contain it."""
    return hmac.new(settings.SECRET_KEY.encode(), b"diary-page-csrf-hole", hashlib.sha256).hexdigest()


def _kept_page(template: str, context: dict, request) -> bytes:
    """A kept page is kept encoded: the response is the same bytes with the token put in, not a text of Cyrillic
    to encode again at every request."""
    return render_to_string(template, context, request=request).encode(settings.DEFAULT_CHARSET)


def personal_page(request, template: str, context: Callable[[], dict], *, shows: tuple) -> HttpResponse:
    """A page of one person's own, rendered once and kept in the screen cache (diary/screen_cache.py) under
    everything it shows: `shows` (the data versions of its records, read with them), the person (account, name,
    menu, their own and their children's records), the address, the day and the language. Only the CSRF token of
    the logout form differs from one request to the next; it is put in at each. With messages waiting, the page
    is rendered as usual (they are shown once). Permission checks and access logs run before, on every request;
    `context` is called only when the page is rendered."""
    if get_messages(request):
        return render(request, template, context())
    user = request.user
    student, children = student_of(user), children_of(user)
    parts = (
        template, shows, user.pk, user.get_username(), sorted(menu_roles(user).items()),
        student and (student.pk, student.data_version), [(child.pk, child.data_version) for child in children],
        request.get_full_path(), timezone.localdate().isoformat(), get_language(),
    )  # fmt: skip
    key = "diary:page-bytes:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    hole = _csrf_hole()
    page = screens.get(key, lambda: _kept_page(template, {**context(), "csrf_token": hole}, request))
    return HttpResponse(page.replace(hole.encode(), get_token(request).encode()))
