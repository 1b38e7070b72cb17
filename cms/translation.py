"""Bilingual (ky/ru) fields of the website's page types (L1), via django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from home.models import HomePage


@register(HomePage)
class HomePageTranslation(TranslationOptions):
    fields = ("intro",)
