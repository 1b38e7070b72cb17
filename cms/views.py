from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from wagtail.models import Page, Site


def root_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """`/` → the visitor's chosen language, else Kyrgyz (L1: ky is the default)."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return HttpResponseRedirect(f"/{language}/")


def page_not_found(request: HttpRequest, exception=None):
    """404: the contract's JSON error under /api/, the site's translated page elsewhere."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        return JsonResponse({"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}, status=404)
    from django.views.defaults import page_not_found as default_page_not_found

    return default_page_not_found(request, exception)


SEARCH_MAX_LENGTH = 100


def search(request: HttpRequest):
    """Public search over the school site's pages, in both languages' titles and descriptions."""
    query = (request.GET.get("q") or "").strip()[:SEARCH_MAX_LENGTH]
    results = []
    site = Site.find_for_request(request)
    if query and site is not None:
        # Matched in Python with casefold(): SQLite's LIKE ignores case only for Latin letters, not Cyrillic.
        needle = query.casefold()
        fields = [
            f"{name}_{language}" for language in dict(settings.LANGUAGES) for name in ("title", "search_description")
        ]
        pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True).order_by("path")
        results = [page for page in pages if any(needle in (getattr(page, field) or "").casefold() for field in fields)]
        results = results[:50]
    return TemplateResponse(request, "search.html", {"query": query, "results": results})
