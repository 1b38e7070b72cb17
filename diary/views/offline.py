"""The diary as an installable web app that tolerates a weak connection: its manifest and its service worker.

The service worker (templates/diary/offline/sw.js) keeps the app shell (our own static files), the journals a
teacher opened last and the weeks a family looked at last in the device's cache, and answers from there when the
network does not. It is served from the site's root so that its scope covers the diary pages of both languages;
the marks entered offline wait in the page's IndexedDB (diary/static/diary/offline.js) and are sent through the
diary API's ordinary bulk save when the connection returns. Nothing personal is in either answer here, and no
diary page is kept in a server-side cache.
"""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import etag, require_safe

# The static files every diary page needs, cached when the service worker is installed.
SHELL_FILES = [
    "diary/diary.css",
    "diary/grid.css",
    "diary/family.css",
    "diary/grid.js",
    "diary/offline.js",
    "diary/icons/favicon.svg",
    "diary/icons/favicon.ico",
    "diary/icons/icon-192.png",
    "diary/icons/icon-512.png",
    "diary/icons/apple-touch-icon.png",
]
THEME_COLOR = "#0b5cad"
BACKGROUND_COLOR = "#f6f8fa"


def offline_page_texts() -> dict[str, dict[str, str]]:
    """What the service worker answers for a diary page it has not kept, in each language (no personal data)."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = {
                "title": _("No connection"),
                "text": _(
                    "This page is not saved on this device. The journals and weeks you opened last can be "
                    "opened without a connection."
                ),
            }
    return texts


@functools.lru_cache(maxsize=8)
def _service_worker(static_url: str) -> tuple[str, str]:
    shell = [static(name) for name in SHELL_FILES]
    languages = [code for code, _name in settings.LANGUAGES]
    config = {"shell": shell, "languages": languages, "offline": offline_page_texts()}
    digest = hashlib.sha256(render_to_string("diary/offline/sw.js", {"config": "{}"}).encode())
    digest.update(json.dumps(config, sort_keys=True).encode())
    # The files' contents too, where their addresses carry no hash (development, tests).
    for name in SHELL_FILES:
        found = finders.find(name)
        if found:
            digest.update(Path(found).read_bytes())
    version = digest.hexdigest()[:12]
    source = render_to_string(
        "diary/offline/sw.js", {"config": json.dumps({**config, "version": version}, ensure_ascii=False)}
    )
    return version, source


def service_worker_source() -> tuple[str, str]:
    """The script's version and text, with the shell's addresses (which carry the files' hashes in production) and
    a cache version derived from everything it serves: a deploy that changes any of it replaces the old caches.
    Built once per process (a deploy restarts it); in development on every request."""
    if settings.DEBUG:
        _service_worker.cache_clear()
    return _service_worker(settings.STATIC_URL)


@require_safe
@etag(lambda request: service_worker_source()[0])
def service_worker(request):
    """GET /sw.js: the diary's service worker, the same for every visitor."""
    response = HttpResponse(service_worker_source()[1], content_type="text/javascript; charset=utf-8")
    # Its scope may be any page under the root; the diary registers it for /ky/diary/ and /ru/diary/.
    response.headers["Service-Worker-Allowed"] = "/"
    # The browser checks for a new version on every visit (answered "not modified" while there is none): a deploy
    # reaches every phone at its next page load.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


def manifest(request):
    """GET /<language>/diary/manifest.webmanifest: the installable app's names in the page's language."""
    language = get_language()
    start = f"/{language}/diary/"
    data = {
        "name": _("Mektep: electronic diary"),
        "short_name": _("Diary"),
        "description": _("Marks, attendance and homework of the school's electronic diary."),
        "lang": language,
        "dir": "ltr",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static("diary/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("diary/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("diary/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": static("diary/icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response.headers["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response


urlpatterns = [path("manifest.webmanifest", manifest, name="manifest")]
