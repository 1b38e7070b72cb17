"""What every diary page shares: login required, the viewer's school and staff record, domain errors as pages."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from diary.exceptions import DiaryError, DiaryPermissionDenied
from diary.permissions import school_of, staff_member_of


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


def form_add_domain_error(form, error: DiaryError) -> None:
    """Shows a refused request next to its form: the message on top, each field's own messages beside that field."""
    form.add_error(None, error.message)
    for field, field_messages in error.fields.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def form_submit(
    request, form, action: Callable[[dict], Any], *, success: Callable[[Any], str], redirect_to: str,
    invalid: Callable[[Any], Any],
):  # fmt: skip
    """The POST block of every diary form: form → service → domain error → message → redirect.

    - the form is not valid → `invalid(form)`: the page again with the form's errors (the caller answers 400);
    - `action(form.cleaned_data)` calls the one service; a DiaryPermissionDenied propagates (DiaryView shows
      the 403 page), any other DiaryError is shown beside the form by `form_add_domain_error`, then `invalid(form)`;
    - it succeeded → `success(result)` (what the action returned) is the translated message shown on the next page,
      and the answer redirects to `redirect_to` (a URL or a URL name), so that reloading posts nothing again.
    """
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except DiaryPermissionDenied:
            raise
        except DiaryError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(request, success(result))
            return redirect(redirect_to)
    return invalid(form)


def journal_page_urls(journals) -> None:
    """Each journal gets `page_url`: its journal page, or "" where that page is not installed."""
    from django.urls import NoReverseMatch

    for journal in journals:
        try:
            journal.page_url = reverse("diary:journal", args=[journal.pk])
        except NoReverseMatch:
            journal.page_url = ""
