"""Bilingual (ky/ru) names in the diary that people read (L1), via django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from diary.models import School, StaffMember, Subject


@register(School)
class SchoolTranslation(TranslationOptions):
    fields = ("name",)


@register(Subject)
class SubjectTranslation(TranslationOptions):
    fields = ("name",)


@register(StaffMember)
class StaffMemberTranslation(TranslationOptions):
    # L1: the public staff page (W1 `staff`) shows each of these in ky and ru.
    fields = ("post", "education", "specialty", "qualification", "professional_development", "publications")
