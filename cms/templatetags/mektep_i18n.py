from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from cms.cache import is_kept

register = template.Library()


def url_in_language(request, page, language: str) -> str:
    """The address of what the visitor is looking at, in another language."""
    if isinstance(page, Page):
        # Slugs are translated (wagtail-modeltranslation), so ask the page for its URL in that language. A page
        # kept in the process while nothing is published (cms/cache.py) remembers the answer, which only a
        # publish, a move or a site change alters (and they replace the kept page).
        known = page.__dict__.setdefault("_mektep_urls", {}) if is_kept(page) else {}
        key = (language, request.get_host() if request is not None else None)
        if key not in known:
            with translation.override(language):
                known[key] = page.get_url(request)
        if known[key]:
            return known[key]
    if request is None:
        return f"/{language}/"
    path = request.get_full_path()
    current = f"/{translation.get_language()}/"
    if path.startswith(current):
        # Only the language prefix differs (the non-page addresses are not translated): no need to resolve them.
        return f"/{language}/{path[len(current) :]}"
    return translate_url(path, language)


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    languages = [
        {"code": code, "name": name, "url": url_in_language(request, page, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
    return {"languages": languages}
