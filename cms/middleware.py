"""Project middleware."""

import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
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


# What `add_never_cache_headers` writes on a response that has no caching headers yet.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
_expires_now = (0, "")


def _http_date_now() -> str:
    """`http_date(time.time())`, formatted once a second."""
    global _expires_now
    second = int(time.time())
    if _expires_now[0] != second:
        _expires_now = (second, http_date(second))
    return _expires_now[1]


class PersonalDataNoStoreMiddleware:
    """Diary pages and diary API answers hold personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PERSONAL_PREFIXES):
            headers = response.headers
            if "Cache-Control" in headers or "Expires" in headers:
                add_never_cache_headers(response)  # merged with what the view set: no-store, and private
            else:
                # The same headers, written directly: Django's merge was a thirtieth of a family's kept week page.
                headers["Expires"] = _http_date_now()
                headers["Cache-Control"] = NEVER_CACHE
        return response


def lockout_response(request, *args, **kwargs):
    """What a locked-out login sees (django-axes): one generic, translated message; JSON for the API."""
    message = _("Too many failed attempts. Try again in an hour.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
    return render(request, "lockout.html", {"message": message}, status=429)


# What a view can set on its response to change its policy (django-csp's decorators).
_CSP_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_csp_policies: dict[str, tuple[str, tuple[str, ...]]] = {}


@receiver(setting_changed)
def _csp_settings_changed(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_policies.clear()


def _csp_policy(setting: str, header: str) -> tuple[str, tuple[str, ...]]:
    """The policy the settings give (with no nonce and no override), and its excluded address prefixes."""
    if setting not in _csp_policies:
        config = getattr(settings, setting, None) or {}
        policy = build_policy(report_only=header == HEADER_REPORT_ONLY)
        _csp_policies[setting] = (policy, tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ()))
    return _csp_policies[setting]


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, except that the policy of a response with no policy of its own (no csp_update,
    csp_replace, … decorator) and no nonce is built once, from the settings, rather than at each response (about
    a twentieth of a family's kept week page). Any other response is django-csp's as before."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _CSP_OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response
        for setting, header, exempt in (
            ("CONTENT_SECURITY_POLICY", HEADER, "_csp_exempt"),
            ("CONTENT_SECURITY_POLICY_REPORT_ONLY", HEADER_REPORT_ONLY, "_csp_exempt_ro"),
        ):
            policy, excluded = _csp_policy(setting, header)
            wanted = policy and not getattr(response, exempt, False) and not request.path_info.startswith(excluded)
            if wanted and header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
