from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect


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
