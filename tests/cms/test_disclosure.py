"""W1–W3, W8, W9, L1–L3: the disclosure sections, their completeness, documents, and the headless API."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.completeness import disclosure_report
from cms.models import SECTION_MODELS, DisclosureIndexPage, DocumentsPage, FacilitiesPage, SchoolContacts, StaffPage
from diary.models import StaffMember
from tests import factories

pytestmark = pytest.mark.django_db
SLUGS = [model.section_slug for model in SECTION_MODELS]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("language", ["ky", "ru"])
def test_every_section_is_served_at_its_fixed_address_in_both_languages(client, school_site, slug, language):
    response = client.get(f"/{language}/info/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'itemprop="' in html
    assert 'aria-current="page"' in html


def test_the_sections_titles_are_translated(client, demo_site):
    assert "<h1>Педагогикалык кызматкерлер</h1>" in client.get("/ky/info/staff/").content.decode()
    assert "<h1>Педагогический состав</h1>" in client.get("/ru/info/staff/").content.decode()


def test_a_section_keeps_its_slug_and_exists_once_per_site(demo_site):
    index = DisclosureIndexPage.objects.get()
    page = StaffPage.objects.get()
    page.slug = page.slug_ru = "sotrudniki"
    page.save_revision().publish()
    page.refresh_from_db()
    assert (page.slug, page.slug_ru) == ("staff", "staff")
    assert not StaffPage.can_create_at(index)


def test_the_demo_site_is_complete(school_site):
    report = disclosure_report(school_site.school.site)
    assert report["completeness"] == {"percent": 100.0, "missing": [], "untranslated": [], "stale": []}
    assert report["languages"] == ["ky", "ru"]
    assert set(report["sections"]) == set(SLUGS)


def test_removing_a_document_makes_it_missing(school_site):
    documents = DocumentsPage.objects.get()
    documents.charter = None
    documents.save_revision().publish()
    completeness = disclosure_report(school_site.school.site)["completeness"]
    assert completeness["missing"] == ["documents.charter"]
    assert completeness["percent"] < 100


def test_blanking_the_russian_text_makes_it_untranslated(school_site):
    """L3."""
    facilities = FacilitiesPage.objects.get()
    facilities.library_ru = ""
    facilities.save_revision().publish()
    assert disclosure_report(school_site.school.site)["completeness"]["untranslated"] == ["facilities.library"]


def test_sections_not_updated_for_a_year_are_stale(school_site):
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=400)):
        completeness = disclosure_report(school_site.school.site)["completeness"]
    assert "finance.financial_reports" in completeness["stale"]
    assert completeness["missing"] == []


def test_check_disclosure_prints_json_and_exits_1_when_something_is_missing(school_site):
    out = io.StringIO()
    call_command("check_disclosure", "--json", stdout=out)
    assert '"percent": 100.0' in out.getvalue()
    SchoolContacts.objects.update(email="")
    with pytest.raises(SystemExit) as exit_code:
        call_command("check_disclosure", stdout=io.StringIO())
    assert exit_code.value.code == 1


def test_the_disclosure_api_follows_the_language_asked_for(client, school_site):
    ru = client.get("/api/v2/disclosure/", HTTP_ACCEPT_LANGUAGE="ru").json()
    ky = client.get("/api/v2/disclosure/?lang=ky", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert ru["sections"]["staff"]["title"] == "Педагогический состав"
    assert ky["sections"]["staff"]["title"] == "Педагогикалык кызматкерлер"
    assert ru["sections"]["general"]["url"] == "/ru/info/general/"
    assert ru["completeness"]["percent"] == 100.0
    assert ru["school"]["code"] == school_site.school.code


def test_the_pages_api_serves_translated_fields(client, demo_site):
    url = "/api/v2/pages/?type=cms.FacilitiesPage&fields=library"
    ky = client.get(url, HTTP_ACCEPT_LANGUAGE="ky").json()["items"][0]
    ru = client.get(url + "&lang=ru").json()["items"][0]
    assert ky["library"].startswith("Китепкана")
    assert ru["library"].startswith("Библиотека")
    assert ru["title"] == "Материально-техническое обеспечение"


def test_staff_and_leadership_come_from_the_diary(client, school_site):
    """W2: the roster, posts and subjects taught are the diary's, never retyped."""
    html = client.get("/ru/info/staff/").content.decode()
    assert school_site.teacher.full_name in html
    assert school_site.journal.subject.name_ru in html
    assert school_site.director.full_name not in html  # the director teaches nothing here
    leadership = client.get("/ky/info/leadership/").content.decode()
    assert school_site.director.full_name in leadership
    assert "director@mektep.kg" in leadership


def test_no_pupil_appears_on_the_public_site(client, school_site):
    pupils = [student.full_name for student in school_site.students]
    for slug in SLUGS:
        html = client.get(f"/ky/info/{slug}/").content.decode()
        assert not any(name in html for name in pupils)


def test_students_per_programme_are_counted_from_enrolments(client, school_site):
    """W2: 5А has three pupils; the basic programme covers grades 5–9."""
    html = client.get("/ru/info/education/").content.decode()
    assert '<dd itemprop="numberAll">3</dd>' in html  # grades 5–9
    assert '<dd itemprop="numberAll">1</dd>' in html  # grades 1–4: the first-grader


def test_the_staff_page_takes_the_same_queries_whatever_the_staff(client, school_site, settings):
    settings.MEKTEP_PAGE_CACHE = False  # B2: the page as rendered, not as cached

    def queries() -> int:
        client.get("/ky/info/staff/")  # warm the caches of the site and its settings
        with CaptureQueriesContext(connection) as context:
            assert client.get("/ky/info/staff/").status_code == 200
        return len(context.captured_queries)

    before = queries()
    for _ in range(15):
        teacher = factories.StaffMemberFactory(school=school_site.school)
        factories.JournalFactory(school_class=school_site.class_5a, teacher=teacher)
    assert queries() == before <= 10


def test_a_change_to_the_staff_in_the_diary_shows_at_once_on_the_rendered_page(client, school_site, settings):
    """The staff list is a fragment cached under the school's data version: a change in the diary shows at once."""
    settings.MEKTEP_PAGE_CACHE = False
    assert school_site.teacher.full_name in client.get("/ru/info/staff/").content.decode()
    teacher = StaffMember.objects.get(pk=school_site.teacher.pk)
    teacher.last_name = "Жаңыбеков"
    teacher.save()  # what the Wagtail admin's edit form does
    newcomer = factories.StaffMemberFactory(school=school_site.school, last_name="Токтогулов")
    factories.JournalFactory(school_class=school_site.class_5a, teacher=newcomer)
    html = client.get("/ru/info/staff/").content.decode()
    assert "Жаңыбеков" in html
    assert "Токтогулов" in html


def test_the_home_page_takes_few_queries(client, demo_site, django_assert_max_num_queries, settings):
    settings.MEKTEP_PAGE_CACHE = False
    client.get("/ky/")
    with django_assert_max_num_queries(10):
        assert client.get("/ky/").status_code == 200


def test_documents_are_served_as_downloads(client, demo_site):
    documents = DocumentsPage.objects.get()
    response = client.get(documents.charter.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_admin_dashboard_shows_completeness(admin_client, school_site):
    html = admin_client.get("/admin/").content.decode()
    assert "100,0%" in html  # a decimal comma in Kyrgyz
