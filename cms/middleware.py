"""Project middleware."""

import hashlib
import re

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _

from diary.session_length import IDLE_KEY

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


# The pages people open again and again on a phone (B11): a teacher's journal grid and a family's week. Their
# browser may keep its own copy and must ask before each use (`private, no-cache` and an ETag): an unchanged page
# then costs a 304 instead of the page. Nothing is kept on the server or by a proxy; logging out clears the
# browser's copy. Sessions with an idle limit (students, shared computers) keep `no-store`.
REVALIDATED_PAGES = {"diary:journal", "diary:student_week"}
# Tells the diary's service worker that this session's answers stay off the device.
KEEP_HEADER = "Mektep-Keep"
# The CSRF tokens a page holds are masked afresh on every answer (BREACH); they are left out of its ETag. The copy
# the browser keeps holds tokens of the same secret, which stay valid, and the secret is part of the ETag.
CSRF_IN_PAGE = re.compile(rb'(name="csrfmiddlewaretoken" value="|data-csrf=")[A-Za-z0-9]{64}"')


def _revalidated(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    session = getattr(request, "session", None)
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and match is not None
        and match.view_name in REVALIDATED_PAGES
        and response.get("Content-Type", "").startswith("text/html")
        and session is not None
        and not session.get(IDLE_KEY)
    )


def _revalidate_in_browser(request, response):
    """`Cache-Control: private, no-cache` and an ETag of what the page shows; a 304 when the browser's copy is it."""
    csrf = response.cookies.get(settings.CSRF_COOKIE_NAME)
    secret = csrf.value if csrf is not None else request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    digest = hashlib.sha256(CSRF_IN_PAGE.sub(rb"\1", response.content))
    digest.update(f"\n{secret}\n{request.session.session_key or ''}".encode())
    response["ETag"] = quote_etag(digest.hexdigest()[:40])
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    return get_conditional_response(request, etag=response["ETag"], response=response)


class PersonalDataNoStoreMiddleware:
    """Diary pages and diary API answers hold personal data: no proxy may keep a copy, and no browser either, except
    the pages of REVALIDATED_PAGES, which a person's own browser keeps and revalidates before each use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PERSONAL_PREFIXES):
            if _revalidated(request, response):
                return _revalidate_in_browser(request, response)
            add_never_cache_headers(response)  # merged with what the view set: no-store, and private
            session = getattr(request, "session", None)
            if session is not None and session.get(IDLE_KEY):
                # A student's or a shared computer's session: the diary's service worker keeps nothing of it, even
                # a page fetched before the page's own script could say so (templates/diary/offline/sw.js).
                response[KEEP_HEADER] = "nothing"
        return response


def lockout_response(request, *args, **kwargs):
    """What a locked-out login sees (django-axes): one generic, translated message; JSON for the API."""
    message = _("Too many failed attempts. Try again in an hour.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
    return render(request, "lockout.html", {"message": message}, status=429)
