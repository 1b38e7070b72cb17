"""Project middleware."""

import re

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

# Addresses that have no language prefix: a 404 there is a 404, not a redirect to /ky/….
UNPREFIXED = ("/api/", "/admin/", "/documents/", "/static/", "/media/", "/sitemap.xml")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that it never redirects the unprefixed API and admin addresses, and that
    the APIs also take `?lang=ky|ru` (L1)."""

    def process_request(self, request):
        super().process_request(request)
        language = request.GET.get("lang")
        if request.path_info.startswith("/api/") and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED):
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)


PERSONAL_PREFIXES = ("/api/diary/", *(f"/{code}/diary/" for code, _name in settings.LANGUAGES))


# The session keys Django makes (32 of lowercase letters and digits), within its session table's 40 characters.
SESSION_KEY_FORM = re.compile(r"[a-z0-9]{8,40}")


class SessionCookieFormMiddleware:
    """Before SessionMiddleware: a session cookie that is not of the form Django makes (a NUL byte, which
    PostgreSQL refuses to compare; a value longer than the session table's column) is dropped, so the request is
    a visitor's without a session rather than a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and SESSION_KEY_FORM.fullmatch(key) is None:
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)


class PersonalDataNoStoreMiddleware:
    """Diary pages and diary API answers hold personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PERSONAL_PREFIXES):
            add_never_cache_headers(response)  # merged with what the view set: no-store, and private
        return response


def lockout_response(request, *args, **kwargs):
    """What a locked-out login sees (django-axes): one generic, translated message; JSON for the API."""
    message = _("Too many failed attempts. Try again in an hour.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
    return render(request, "lockout.html", {"message": message}, status=429)
