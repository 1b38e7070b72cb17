"""Project middleware."""

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
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


class PersonalDataNoStoreMiddleware:
    """Diary pages and diary API answers hold personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PERSONAL_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


def lockout_response(request, *args, **kwargs):
    """What a locked-out login sees (django-axes): one generic, translated message; JSON for the API."""
    message = _("Too many failed attempts. Try again in an hour.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
    return render(request, "lockout.html", {"message": message}, status=429)
