"""Anonymous visitors get the public pages from the cache; publishing anything makes every cached page stale.

Pages that show the diary's records (staff, leadership, students per programme) may lag the diary by at most
TIMEOUT; everything an editor publishes shows at once.
"""

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Page

from cms.db_router import publish_pin

CACHE_PREFIXES = ("/ky/", "/ru/")
NEVER_CACHED = ("/ky/diary/", "/ru/diary/")
VERSION_KEY = "mektep:public-pages:version"
TIMEOUT = 10 * 60


def pages_version(request=None) -> int:
    """The publish version; with a request, read once for all of that request's fragments."""
    if request is not None and hasattr(request, "mektep_pages_version"):
        return request.mektep_pages_version
    version = cache.get_or_set(VERSION_KEY, 1, timeout=None) or 1
    if request is not None:
        request.mektep_pages_version = version
    return version


def page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        public_pages_changed()


def public_pages_changed(**kwargs) -> None:
    """Called on publish, unpublish, delete, move, privacy and settings changes: every cached page becomes stale."""
    publish_pin()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


class AnonymousPageCacheMiddleware:
    """Whole-page cache for anonymous GETs of the public site (B1); never for logged-in people or the diary.

    It sits before the session, locale, CSRF and authentication middleware: a visitor who sends no session cookie
    is anonymous, so a cached page (stored with every header those added) is answered before they run, in one
    round trip to the cache that reads the publish version and the page together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def cacheable(self, request) -> bool:
        return (
            settings.MEKTEP_PAGE_CACHE
            and request.method in ("GET", "HEAD")
            and request.path_info.startswith(CACHE_PREFIXES)
            and not request.path_info.startswith(NEVER_CACHED)
            and not request.GET
            # A session may be a logged-in person's, and holds the messages waiting for one visitor.
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    def __call__(self, request):
        if not self.cacheable(request):
            return self.get_response(request)
        key = f"mektep:page:{request.get_host()}:{request.path_info}"
        found = cache.get_many([VERSION_KEY, key])
        version = request.mektep_pages_version = found.get(VERSION_KEY) or pages_version()
        cached = found.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "csrfmiddlewaretoken" not in response.content.decode(errors="ignore")
        ):
            # Stored with the version read before the page was built: a publish meanwhile makes it stale at once.
            cache.set(key, (version, response), TIMEOUT)
        return response
