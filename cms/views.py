from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect


def root_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """`/` → the visitor's chosen language, else Kyrgyz (L1: ky is the default)."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return HttpResponseRedirect(f"/{language}/")
