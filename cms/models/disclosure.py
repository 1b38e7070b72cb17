"""W1: the disclosure index of a school site (`/<lang>/info/`) and the ten mandated sections under it.

Each section holds structured, bilingual fields for its mandated items. Facts that live elsewhere are rendered,
never retyped (W2): contacts from SchoolContacts, leadership and staff from the diary's staff records, students
per programme from the diary's enrolments.
"""

from functools import partial

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, Site

from cms.models.workflow import ChecklistOnPublish

RICH_TEXT = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "document-link"]
DOCUMENT_MODEL = settings.WAGTAILDOCS_DOCUMENT_MODEL


def document_field(label):
    return models.ForeignKey(
        DOCUMENT_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=label
    )


class DisclosureIndexPage(ChecklistOnPublish, Page):
    """W1: the disclosure root of one school site (`/<lang>/info/`); its children are the mandated sections."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = [
        "cms.GeneralInfoPage",
        "cms.StructurePage",
        "cms.DocumentsPage",
        "cms.EducationPage",
        "cms.StandardsPage",
        "cms.LeadershipPage",
        "cms.StaffPage",
        "cms.FacilitiesPage",
        "cms.AdmissionPage",
        "cms.FinancePage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("information about the school")
        verbose_name_plural = _("information about the school")


class DisclosureSectionPage(ChecklistOnPublish, Page):
    """A mandated section (W1) at its fixed slug, allowed once per school site."""

    section_slug = ""
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT)

    parent_page_types = ["cms.DisclosureIndexPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        # W1: a section's address is fixed (`/<lang>/info/<section>/`) in both languages.
        self.slug = self.slug_ky = self.slug_ru = self.section_slug
        super().full_clean(*args, **kwargs)


class SectionDocument(Orderable):
    """A document listed by a section: regulations of units, local acts, financial reports (W8)."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="section_documents")
    document = models.ForeignKey(DOCUMENT_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("document"))

    panels = [FieldPanel("document")]
    api_fields = [APIField("document")]


class GeneralInfoPage(DisclosureSectionPage):
    """`general`: founding date, address and branches, working hours, phones, e-mail (from SchoolContacts, W2)."""

    section_slug = "general"

    def get_context(self, request, *args, **kwargs):
        from cms.models.settings import SchoolContacts

        context = super().get_context(request, *args, **kwargs)
        context["contacts"] = SchoolContacts.for_request(request)
        return context

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("general information")


class StructurePage(DisclosureSectionPage):
    """`structure`: structure and governing bodies, with the regulations of structural units attached."""

    section_slug = "structure"
    governing_bodies = RichTextField(_("structure and governing bodies"), blank=True, features=RICH_TEXT)
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("governing_bodies"),
        InlinePanel("section_documents", label=_("regulations of structural units")),
    ]
    api_fields = [APIField("intro"), APIField("governing_bodies"), APIField("section_documents")]

    class Meta:
        verbose_name = _("structure and governing bodies")


class DocumentsPage(DisclosureSectionPage):
    """`documents`: charter, licence with annexes, state accreditation certificate with annexes, local acts."""

    section_slug = "documents"
    charter = document_field(_("charter"))
    licence = document_field(_("licence with annexes"))
    accreditation = document_field(_("state accreditation certificate with annexes"))
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("charter"),
        FieldPanel("licence"),
        FieldPanel("accreditation"),
        InlinePanel("section_documents", label=_("local acts")),
    ]
    api_fields = [APIField(name) for name in ("intro", "charter", "licence", "accreditation", "section_documents")]

    class Meta:
        verbose_name = _("documents")


class EducationPage(DisclosureSectionPage):
    """`education`: the programmes taught, each with its mandated facts; students counted from the diary (W2)."""

    section_slug = "education"

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import (
            school_for_site,
            students_in_grades,
            students_per_grade,
            subjects_in_grades,
            subjects_per_grade,
        )

        context = super().get_context(request, *args, **kwargs)
        school = school_for_site(Site.find_for_request(request))
        counts = students_per_grade(school)
        taught = subjects_per_grade(school)  # W1: each programme's subjects, from the diary (W2)
        context["programmes"] = [
            (
                programme,
                students_in_grades(counts, programme.grade_from, programme.grade_to),
                subjects_in_grades(taught, programme.grade_from, programme.grade_to),
            )
            for programme in self.programmes.select_related(
                "description_document", "curriculum_document", "calendar_document", "methodology_document"
            )
        ]
        return context

    content_panels = [*Page.content_panels, FieldPanel("intro"), InlinePanel("programmes", label=_("programmes"))]
    api_fields = [APIField("intro"), APIField("programmes")]

    class Meta:
        verbose_name = _("education")


class EducationProgramme(Orderable):
    """One education programme of the `education` section."""

    class Level(models.TextChoices):
        PRESCHOOL = "preschool", _("preschool education")
        PRIMARY = "primary", _("primary general education")
        BASIC = "basic", _("basic general education")
        SECONDARY = "secondary", _("secondary general education")

    class Form(models.TextChoices):
        FULL_TIME = "full_time", _("full-time")
        PART_TIME = "part_time", _("part-time")
        FAMILY = "family", _("family education")
        DISTANCE = "distance", _("distance learning")

    page = ParentalKey(EducationPage, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("education level"), max_length=20, choices=Level.choices)
    form_of_study = models.CharField(_("form of study"), max_length=20, choices=Form.choices, default="full_time")
    duration_years = models.PositiveSmallIntegerField(_("normative duration, years"))
    accreditation_until = models.DateField(_("accreditation valid until"), null=True, blank=True)
    languages = models.CharField(_("languages of instruction"), max_length=100, blank=True)
    grade_from = models.PositiveSmallIntegerField(_("from grade"), default=1)
    grade_to = models.PositiveSmallIntegerField(_("to grade"), default=4)
    description_document = document_field(_("programme description"))
    curriculum_document = document_field(_("curriculum"))
    calendar_document = document_field(_("calendar study schedule"))
    methodology_document = document_field(_("methodological documents"))

    panels = [
        FieldPanel("name"),
        FieldPanel("level"),
        FieldPanel("form_of_study"),
        FieldPanel("duration_years"),
        FieldPanel("accreditation_until"),
        FieldPanel("languages"),
        MultiFieldPanel([FieldPanel("grade_from"), FieldPanel("grade_to")], heading=_("grades (students are counted)")),
        FieldPanel("description_document"),
        FieldPanel("curriculum_document"),
        FieldPanel("calendar_document"),
        FieldPanel("methodology_document"),
    ]
    api_fields = [
        APIField(name)
        for name in (
            "name",
            "level",
            "form_of_study",
            "duration_years",
            "accreditation_until",
            "languages",
            "grade_from",
            "grade_to",
            "description_document",
            "curriculum_document",
            "calendar_document",
            "methodology_document",
        )
    ]


class StandardsPage(DisclosureSectionPage):
    """`standards`: the state education standards applied."""

    section_slug = "standards"
    content_panels = [*Page.content_panels, FieldPanel("intro"), InlinePanel("standards", label=_("standards"))]
    api_fields = [APIField("intro"), APIField("standards")]

    class Meta:
        verbose_name = _("education standards")


class EducationStandard(Orderable):
    page = ParentalKey(StandardsPage, on_delete=models.CASCADE, related_name="standards")
    title = models.CharField(_("title"), max_length=300)
    document = document_field(_("document"))

    panels = [FieldPanel("title"), FieldPanel("document")]
    api_fields = [APIField("title"), APIField("document")]


class LeadershipPage(DisclosureSectionPage):
    """`leadership`: the director and deputies, rendered from the diary's staff records (W2)."""

    section_slug = "leadership"

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import leadership, school_for_site

        context = super().get_context(request, *args, **kwargs)
        school = school_for_site(Site.find_for_request(request))
        # Read only when the list's cached fragment (keyed by the school's data version) is missing.
        context.update(school=school, people=partial(leadership, school))
        return context

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("leadership")


class StaffPage(DisclosureSectionPage):
    """`staff`: the teaching staff with subjects taught, rendered from the diary's records (W2)."""

    section_slug = "staff"

    def get_context(self, request, *args, **kwargs):
        from cms.selectors import public_staff, school_for_site

        context = super().get_context(request, *args, **kwargs)
        school = school_for_site(Site.find_for_request(request))
        # Read only when the list's cached fragment (keyed by the school's data version) is missing.
        context.update(school=school, people=partial(public_staff, school, roles={"teacher"}))
        return context

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("teaching staff")


FACILITY_FIELDS = {
    "classrooms": _("classrooms"),
    "equipped_objects": _("objects for practical lessons"),
    "library": _("library"),
    "sports": _("sports facilities"),
    "health": _("health protection"),
    "catering": _("catering"),
    "ict_access": _("access to ICT networks"),
    "electronic_resources": _("electronic resources"),
}


class FacilitiesPage(DisclosureSectionPage):
    """`facilities`: material and technical support, item by item."""

    section_slug = "facilities"
    classrooms = models.TextField(FACILITY_FIELDS["classrooms"], blank=True)
    equipped_objects = models.TextField(FACILITY_FIELDS["equipped_objects"], blank=True)
    library = models.TextField(FACILITY_FIELDS["library"], blank=True)
    sports = models.TextField(FACILITY_FIELDS["sports"], blank=True)
    health = models.TextField(FACILITY_FIELDS["health"], blank=True)
    catering = models.TextField(FACILITY_FIELDS["catering"], blank=True)
    ict_access = models.TextField(FACILITY_FIELDS["ict_access"], blank=True)
    electronic_resources = models.TextField(FACILITY_FIELDS["electronic_resources"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), *(FieldPanel(name) for name in FACILITY_FIELDS)]
    api_fields = [APIField("intro"), *(APIField(name) for name in FACILITY_FIELDS)]

    class Meta:
        verbose_name = _("material and technical support")


class AdmissionPage(DisclosureSectionPage):
    """`admission`: admission per programme and the vacant places."""

    section_slug = "admission"
    admission_rules = RichTextField(_("admission per programme"), blank=True, features=RICH_TEXT)
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("admission_rules"),
        InlinePanel("vacancies", label=_("vacant places")),
    ]
    api_fields = [APIField("intro"), APIField("admission_rules"), APIField("vacancies")]

    class Meta:
        verbose_name = _("admission")


class Vacancy(Orderable):
    page = ParentalKey(AdmissionPage, on_delete=models.CASCADE, related_name="vacancies")
    # The class level (1–11) a place is in, not a mark: "grade" means both.
    grade = models.PositiveSmallIntegerField(pgettext_lazy("class level", "grade"))
    places = models.PositiveSmallIntegerField(_("vacant places"))

    panels = [FieldPanel("grade"), FieldPanel("places")]
    api_fields = [APIField("grade"), APIField("places")]


class FinancePage(DisclosureSectionPage):
    """`finance`: volume of educational activity; receipt and spending of means, with reports attached."""

    section_slug = "finance"
    activity_volume = RichTextField(_("volume of educational activity"), blank=True, features=RICH_TEXT)
    receipts_and_spending = RichTextField(_("receipt and spending of means"), blank=True, features=RICH_TEXT)
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("activity_volume"),
        FieldPanel("receipts_and_spending"),
        InlinePanel("section_documents", label=_("financial reports")),
    ]
    api_fields = [APIField(name) for name in ("intro", "activity_volume", "receipts_and_spending", "section_documents")]

    class Meta:
        verbose_name = _("finance")


SECTION_MODELS = [
    GeneralInfoPage,
    StructurePage,
    DocumentsPage,
    EducationPage,
    StandardsPage,
    LeadershipPage,
    StaffPage,
    FacilitiesPage,
    AdmissionPage,
    FinancePage,
]
