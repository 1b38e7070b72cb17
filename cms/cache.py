"""Anonymous visitors get the public pages from the cache; publishing anything makes every cached page stale.

Pages that show the diary's records (staff, leadership, students per programme) may lag the diary by at most
TIMEOUT; everything an editor publishes shows at once.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Page

CACHE_PREFIXES = ("/ky/", "/ru/")
NEVER_CACHED = ("/ky/diary/", "/ru/diary/")
VERSION_KEY = "mektep:public-pages:version"
TIMEOUT = 10 * 60


def pages_version(request=None) -> int:
    """The publish version; with a request, read once for all of that request's fragments."""
    if request is not None and hasattr(request, "_mektep_pages_version"):
        return request._mektep_pages_version
    version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
    if request is not None:
        request._mektep_pages_version = version
    return version


def page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        public_pages_changed()


def public_pages_changed(**kwargs) -> None:
    """Called on publish, unpublish, delete, move, privacy and settings changes: every cached page becomes stale."""
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
        version = request._mektep_pages_version = found.get(VERSION_KEY) or pages_version()
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


SITES_KEPT = 256
# However long the publish version stays the same (it cannot change while Redis is unreachable), a kept site, home
# page or routed page is read again after this many seconds.
SITE_SECONDS = 60


class KeptWhilePublished:
    """Objects read from the database for public pages, kept in this process for as long as the publish version
    (raised by every publish, unpublish, move, deletion, privacy and site change) stays the same, and at most
    SITE_SECONDS."""

    def __init__(self, size: int = SITES_KEPT) -> None:
        self.size = size
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, request, key, read):
        version = pages_version(request)  # read first: a publish while `read` runs makes what it read stale
        now = time.monotonic()
        with self._lock:
            known = self._items.get(key)
        if known is not None and known[0] == version and now - known[1] < SITE_SECONDS:
            return known[2]
        value = read()
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[key] = (version, now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def kept(page):
    """Marks a page object as one kept by `_sites` or `routes`: it lives while nothing is published."""
    if page is not None:
        page._mektep_kept_while_published = True
    return page


def is_kept(page) -> bool:
    return getattr(page, "_mektep_kept_while_published", False)


class ViewRestrictionsKept:
    """Page mixin: a kept page (`kept`) remembers its view restrictions and those of its ancestors.

    Wagtail checks them before serving every page, in two queries (the ancestors, then their restrictions); the
    answer can only change with a publish, move, deletion or privacy change, and every one of those raises the
    publish version, after which the page object itself is read again. Any other page object (the admin's, a
    task's) asks the database every time, as Wagtail does.
    """

    def get_view_restrictions(self):
        if not is_kept(self):
            return super().get_view_restrictions()
        known = self.__dict__.get("_mektep_view_restrictions")
        if known is None:
            restrictions = super().get_view_restrictions()
            known = self._mektep_view_restrictions = (restrictions, list(restrictions))
        restrictions, rows = known
        # A fresh queryset holding the rows read: iterating it asks nothing, anything chained on it asks again.
        answer = restrictions.all()
        answer._result_cache = list(rows)
        answer._prefetch_done = True
        return answer


_sites = KeptWhilePublished()
# A page below a home page, by the home page, the language and its address (home/models.py, home_page_route).
routes = KeptWhilePublished()


class SiteLookupMiddleware:
    """Wagtail reads the site of every public request from the database, and then its home page; here both are
    kept in the process while the publish version stays the same (`KeptWhilePublished`). A cached whole page never
    gets this far."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(CACHE_PREFIXES) and not path.startswith(NEVER_CACHED):
            request._wagtail_site = self.site_for(request)
        return self.get_response(request)

    @staticmethod
    def site_for(request):
        from django.http.request import split_domain_port
        from wagtail.models import Site

        request.get_host()  # refuses a host not in ALLOWED_HOSTS before anything is kept for it

        def read():
            site = Site._find_for_request(request)
            if site is not None:
                kept(site.root_page.specific)  # read now, kept with the site for the next requests
            return site

        return _sites.get(request, (split_domain_port(request._get_raw_host())[0], request.get_port()), read)


def sites_forget() -> None:
    """Forgets the sites and pages kept by this process (tests, which rebuild sites with the same ids)."""
    _sites.clear()
    routes.clear()
