"""Bilingual (ky/ru) fields of everything a visitor reads on the website (L1), via django-modeltranslation."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from cms.models import (
    AdmissionPage,
    DisclosureIndexPage,
    DocumentsPage,
    EducationPage,
    EducationProgramme,
    EducationStandard,
    FacilitiesPage,
    FinancePage,
    GeneralInfoPage,
    LeadershipPage,
    SchoolContacts,
    StaffPage,
    StandardsPage,
    StructurePage,
)
from cms.models.disclosure import FACILITY_FIELDS
from home.models import FeedbackPage, HomePage, NewsArticlePage, NewsIndexPage, Question, SiteMapPage


@register(HomePage)
class HomePageTranslation(TranslationOptions):
    fields = ("intro",)


@register(SchoolContacts)
class SchoolContactsTranslation(TranslationOptions):
    fields = ("address", "branches", "working_hours")


@register(DisclosureIndexPage)
class DisclosureIndexTranslation(TranslationOptions):
    fields = ("intro",)


@register([GeneralInfoPage, DocumentsPage, EducationPage, StandardsPage, LeadershipPage, StaffPage])
class SectionTranslation(TranslationOptions):
    fields = ("intro",)


@register(StructurePage)
class StructureTranslation(TranslationOptions):
    fields = ("intro", "governing_bodies")


@register(FacilitiesPage)
class FacilitiesTranslation(TranslationOptions):
    fields = ("intro", *FACILITY_FIELDS)


@register(AdmissionPage)
class AdmissionTranslation(TranslationOptions):
    fields = ("intro", "admission_rules")


@register(FinancePage)
class FinanceTranslation(TranslationOptions):
    fields = ("intro", "activity_volume", "receipts_and_spending")


@register(EducationProgramme)
class EducationProgrammeTranslation(TranslationOptions):
    fields = ("name", "languages")


@register(EducationStandard)
class EducationStandardTranslation(TranslationOptions):
    fields = ("title",)


@register(NewsIndexPage)
class NewsIndexTranslation(TranslationOptions):
    fields = ("intro",)


@register(NewsArticlePage)
class NewsArticleTranslation(TranslationOptions):
    fields = ("summary", "body")


@register(FeedbackPage)
class FeedbackTranslation(TranslationOptions):
    fields = ("intro", "thank_you")


@register(SiteMapPage)
class SiteMapTranslation(TranslationOptions):
    fields = ()


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("answer",)
