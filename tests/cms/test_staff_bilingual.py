"""L1, W3: the public staff profile in Kyrgyz and Russian, and its completeness in both languages."""

import pytest

from cms.completeness import disclosure_report
from diary.models import StaffMember

pytestmark = pytest.mark.django_db

PROFILE = {
    "education": ("Жогорку, КМУ", "Высшее, КГУ"),
    "specialty": ("Математика", "Математика и информатика"),
    "qualification": ("Жогорку категория", "Высшая категория"),
    "professional_development": ("Курстар, 2025", "Курсы, 2025"),
    "publications": ("Макала", "Статья"),
}


def fill_profiles(school, **blank):
    for member in StaffMember.objects.filter(school=school):
        for field, (ky, ru) in PROFILE.items():
            setattr(member, f"{field}_ky", ky)
            setattr(member, f"{field}_ru", "" if field in blank else ru)
        member.save()


def test_the_staff_page_shows_the_profile_in_the_visitors_language(client, school_site, settings):
    """L1: education, specialty, qualification, professional development and publications are bilingual."""
    settings.MEKTEP_PAGE_CACHE = False
    fill_profiles(school_site.school)
    ky = client.get("/ky/info/staff/").content.decode()
    ru = client.get("/ru/info/staff/").content.decode()
    for ky_text, ru_text in PROFILE.values():
        assert ky_text in ky
        assert ru_text in ru
    assert "Высшее, КГУ" not in ky
    assert "Жогорку категория" not in ru


def test_a_staff_profile_missing_in_russian_is_untranslated(school_site):
    """W3, L3: every mandated staff field is checked in both languages; a Russian gap is reported."""
    fill_profiles(school_site.school)
    report = disclosure_report(school_site.school.site)
    assert "staff.profiles" not in report["completeness"]["untranslated"]
    assert "staff.profiles" not in report["completeness"]["missing"]
    fill_profiles(school_site.school, qualification=True)
    report = disclosure_report(school_site.school.site)
    assert "staff.profiles" in report["completeness"]["untranslated"]
    assert report["sections"]["staff"]["items"]["profiles"]["status"] == "untranslated"
