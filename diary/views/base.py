"""What every diary page shares: login required, the viewer's school and staff record, domain errors as pages."""

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from diary.exceptions import DiaryError
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
