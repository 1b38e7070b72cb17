from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

register = template.Library()


def url_in_language(request, page, language: str) -> str:
    """The address of what the visitor is looking at, in another language."""
    if isinstance(page, Page):
        # Slugs are translated (wagtail-modeltranslation), so ask the page for its URL in that language.
        with translation.override(language):
            url = page.get_url(request)
        if url:
            return url
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
