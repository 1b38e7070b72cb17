"""W3: which mandated disclosure items a school site publishes — present, missing, untranslated (L3) or stale.

The one place that knows the full list of mandated items (W1). The admin dashboard panel, the
`check_disclosure` command and `GET /api/v2/disclosure/` all read `disclosure_report`.
"""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import (
    DEFAULT_UPDATE_MONTHS,
    SECTION_MODELS,
    DisclosureIndexPage,
    SchoolContacts,
    SectionUpdateFrequency,
)
from cms.models.disclosure import FACILITY_FIELDS
from cms.selectors import (
    leadership,
    public_staff,
    school_for_site,
    students_in_grades,
    students_per_grade,
    subjects_in_grades,
    subjects_per_grade,
)

LANGUAGES = ("ky", "ru")


@dataclass(frozen=True)
class Item:
    section: str
    key: str
    label: object
    value: Callable  # (context) -> value: a bool, a text, or {"ky": text, "ru": text} for bilingual items


def both(obj, name):
    return None if obj is None else {language: getattr(obj, f"{name}_{language}", "") for language in LANGUAGES}


def has_documents(page) -> bool:
    return page is not None and page.section_documents.exists()


def programmes(context):
    page = context["sections"].get("education")
    return list(page.programmes.all()) if page is not None else []


def every_programme(context, test) -> bool:
    items = programmes(context)
    return bool(items) and all(test(programme) for programme in items)


# L1, W3: what the staff page shows of each teacher; the first four every teacher has, in both languages.
STAFF_REQUIRED_FIELDS = ("post", "education", "specialty", "qualification")
# Not every teacher has these; one written in a single language is untranslated (L3).
STAFF_OPTIONAL_FIELDS = ("professional_development", "publications")


def staff_profiles(context) -> dict[str, bool]:
    """Per language, whether every teacher's mandated profile is written in it (L1)."""
    teachers = [person.staff for person in context["teachers"]]

    def written(member, field, language) -> bool:
        return bool((getattr(member, f"{field}_{language}", "") or "").strip())

    def complete(member, language) -> bool:
        other = next(code for code in LANGUAGES if code != language)
        return all(written(member, field, language) for field in STAFF_REQUIRED_FIELDS) and all(
            written(member, field, language) or not written(member, field, other) for field in STAFF_OPTIONAL_FIELDS
        )

    return {
        language: bool(teachers) and all(complete(member, language) for member in teachers) for language in LANGUAGES
    }


ITEMS = [
    Item("general", "founding_date", _("founding date"), lambda c: c["contacts"] and c["contacts"].founding_date),
    Item("general", "address", _("address"), lambda c: both(c["contacts"], "address")),
    Item("general", "working_hours", _("working hours"), lambda c: both(c["contacts"], "working_hours")),
    Item("general", "phones", _("phones"), lambda c: c["contacts"] and c["contacts"].phones),
    Item("general", "email", _("e-mail"), lambda c: c["contacts"] and c["contacts"].email),
    Item(
        "structure",
        "governing_bodies",
        _("structure and governing bodies"),
        lambda c: both(c["sections"].get("structure"), "governing_bodies"),
    ),
    Item(
        "structure",
        "regulations",
        _("regulations of structural units"),
        lambda c: has_documents(c["sections"].get("structure")),
    ),
    Item("documents", "charter", _("charter"), lambda c: getattr(c["sections"].get("documents"), "charter_id", None)),
    Item(
        "documents",
        "licence",
        _("licence with annexes"),
        lambda c: getattr(c["sections"].get("documents"), "licence_id", None),
    ),
    Item(
        "documents",
        "accreditation",
        _("state accreditation certificate with annexes"),
        lambda c: getattr(c["sections"].get("documents"), "accreditation_id", None),
    ),
    Item("documents", "local_acts", _("local acts"), lambda c: has_documents(c["sections"].get("documents"))),
    Item(
        "education",
        "programmes",
        _("education levels, forms and normative durations"),
        lambda c: every_programme(c, lambda p: p.level and p.form_of_study and p.duration_years),
    ),
    Item(
        "education",
        "programme_names",
        _("programme names"),
        lambda c: {
            lang: all(getattr(p, f"name_{lang}") for p in programmes(c)) and bool(programmes(c)) for lang in LANGUAGES
        },
    ),
    Item(
        "education",
        "accreditation_terms",
        _("accreditation term of each programme"),
        lambda c: every_programme(c, lambda p: p.accreditation_until),
    ),
    Item(
        "education",
        "programme_descriptions",
        _("programme descriptions"),
        lambda c: every_programme(c, lambda p: p.description_document_id),
    ),
    Item("education", "curricula", _("curricula"), lambda c: every_programme(c, lambda p: p.curriculum_document_id)),
    Item(
        "education",
        "calendar_schedules",
        _("calendar study schedules"),
        lambda c: every_programme(c, lambda p: p.calendar_document_id),
    ),
    Item(
        "education",
        "methodological_documents",
        _("methodological documents"),
        lambda c: every_programme(c, lambda p: p.methodology_document_id),
    ),
    Item(
        "education",
        "languages",
        _("languages of instruction"),
        lambda c: {
            lang: bool(programmes(c)) and all(getattr(p, f"languages_{lang}") for p in programmes(c))
            for lang in LANGUAGES
        },
    ),
    Item(
        "education",
        "students_per_programme",
        _("number of students per programme"),
        lambda c: c["school"] is not None and bool(programmes(c)),
    ),
    Item(
        "standards",
        "standards",
        _("state education standards applied"),
        lambda c: (
            c["sections"].get("standards") is not None
            and c["sections"]["standards"].standards.filter(document__isnull=False).exists()
        ),
    ),
    Item("leadership", "head", _("the head and deputies"), lambda c: bool(c["leadership"])),
    Item(
        "leadership",
        "head_contacts",
        _("phones and e-mail of the head"),
        lambda c: bool(c["leadership"]) and all(p.staff.phone and p.staff.email for p in c["leadership"]),
    ),
    Item("staff", "teaching_staff", _("teaching staff"), lambda c: bool(c["teachers"])),
    Item(
        "staff",
        "profiles",
        _("post, education, specialty, qualification, professional development and publications of each teacher"),
        staff_profiles,
    ),
    *[
        Item("facilities", name, label, lambda c, name=name: both(c["sections"].get("facilities"), name))
        for name, label in FACILITY_FIELDS.items()
    ],
    Item(
        "admission",
        "admission_rules",
        _("admission per programme"),
        lambda c: both(c["sections"].get("admission"), "admission_rules"),
    ),
    Item(
        "admission",
        "vacancies",
        _("vacant places"),
        lambda c: c["sections"].get("admission") is not None and c["sections"]["admission"].vacancies.exists(),
    ),
    Item(
        "finance",
        "activity_volume",
        _("volume of educational activity"),
        lambda c: both(c["sections"].get("finance"), "activity_volume"),
    ),
    Item(
        "finance",
        "receipts_and_spending",
        _("receipt and spending of means"),
        lambda c: both(c["sections"].get("finance"), "receipts_and_spending"),
    ),
    Item("finance", "financial_reports", _("financial reports"), lambda c: has_documents(c["sections"].get("finance"))),
]


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same moment `months` calendar months earlier (the last day of a shorter month)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def is_stale(page, frequency, now) -> bool:
    """W3: a section not updated within the months the head approved for it (12 by default)."""
    published = getattr(page, "last_published_at", None)
    months = frequency.months_for(page.section_slug) if frequency is not None else DEFAULT_UPDATE_MONTHS
    return published is not None and published < months_before(now, months)


def _status(value, page, now, frequency=None) -> str:
    if isinstance(value, dict):
        filled = [language for language, text in value.items() if text and str(text).strip()]
        if not filled:
            return "missing"
        if len(filled) < len(value):
            return "untranslated"  # L3
    elif not value:
        return "missing"
    if is_stale(page, frequency, now):
        return "stale"
    return "present"


def disclosure_context(site) -> dict:
    index = DisclosureIndexPage.objects.live().descendant_of(site.root_page).first() if site else None
    sections = {}
    if index is not None:
        for page in index.get_children().live().specific():
            if type(page) in SECTION_MODELS:
                sections[page.section_slug] = page
    school = school_for_site(site)
    return {
        "site": site,
        "index": index,
        "sections": sections,
        "contacts": SchoolContacts.for_site(site) if site else None,
        "frequency": SectionUpdateFrequency.for_site(site) if site else None,
        "school": school,
        "leadership": leadership(school),
        "teachers": public_staff(school, roles={"teacher"}),
    }


def education_programmes(context) -> list[dict]:
    """W1, W2, W9: each programme with its students and subjects as the diary counts them (for the JSON API)."""
    items = programmes(context)
    if not items:
        return []
    counts, taught = students_per_grade(context["school"]), subjects_per_grade(context["school"])
    return [
        {
            "name": programme.name,
            "grade_from": programme.grade_from,
            "grade_to": programme.grade_to,
            "students": students_in_grades(counts, programme.grade_from, programme.grade_to),
            "subjects": [
                {"code": subject.code, "name": subject.name}
                for subject in subjects_in_grades(taught, programme.grade_from, programme.grade_to)
            ],
        }
        for programme in items
    ]


def disclosure_report(site, *, now: dt.datetime | None = None) -> dict:
    """Per section its items and their status, and the completeness: percent present, and what is not."""
    now = now or timezone.now()
    context = disclosure_context(site)
    sections: dict[str, dict] = {}
    problems: dict[str, list[str]] = {"missing": [], "untranslated": [], "stale": []}
    present = 0
    for model in SECTION_MODELS:
        page = context["sections"].get(model.section_slug)
        sections[model.section_slug] = {
            "title": page.title if page else str(model._meta.verbose_name),
            "url": page.url if page else None,
            "updated_at": page.last_published_at.isoformat() if page and page.last_published_at else None,
            "items": {},
        }
    for item in ITEMS:
        page = context["sections"].get(item.section)
        status = "missing" if page is None else _status(item.value(context), page, now, context["frequency"])
        # General facts live in the contacts setting, but the section must exist to show them.
        sections[item.section]["items"][item.key] = {"label": str(item.label), "status": status}
        if status == "present":
            present += 1
        else:
            problems[status].append(f"{item.section}.{item.key}")
    school = context["school"]
    sections["education"]["programmes"] = education_programmes(context)
    return {
        "school": {"code": school.code, "name": school.name} if school else None,
        "languages": list(LANGUAGES),
        "sections": sections,
        "completeness": {"percent": round(100 * present / len(ITEMS), 1), **problems},
    }
