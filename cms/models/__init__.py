"""The school website's content: documents (W8), contacts (W2) and the disclosure sections (W1)."""

from cms.models.disclosure import (
    SECTION_MODELS,
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
    SectionDocument,
    StaffPage,
    StandardsPage,
    StructurePage,
    Vacancy,
)
from cms.models.documents import DocumentKind, SchoolDocument
from cms.models.settings import DEFAULT_UPDATE_MONTHS, SchoolContacts, SectionUpdateFrequency
from cms.models.workflow import PROHIBITED_CONTENT_CHECKLIST, ProhibitedContentReviewTask

__all__ = [
    "DEFAULT_UPDATE_MONTHS",
    "PROHIBITED_CONTENT_CHECKLIST",
    "SECTION_MODELS",
    "AdmissionPage",
    "DisclosureIndexPage",
    "DocumentKind",
    "DocumentsPage",
    "EducationPage",
    "EducationProgramme",
    "EducationStandard",
    "FacilitiesPage",
    "FinancePage",
    "GeneralInfoPage",
    "LeadershipPage",
    "ProhibitedContentReviewTask",
    "SchoolContacts",
    "SchoolDocument",
    "SectionDocument",
    "SectionUpdateFrequency",
    "StaffPage",
    "StandardsPage",
    "StructurePage",
    "Vacancy",
]
