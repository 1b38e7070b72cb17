"""B1: anonymous visitors are served cached pages; publishing shows at once; people logged in never get a copy."""

import pytest

from cms.models import FacilitiesPage

pytestmark = pytest.mark.django_db


def test_a_cached_page_costs_no_database_query(client, demo_site, django_assert_num_queries):
    first = client.get("/ru/info/facilities/")
    with django_assert_num_queries(0):
        second = client.get("/ru/info/facilities/")
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_publishing_a_change_shows_at_once(client, demo_site):
    assert "Библиотека: 18 000 книг" in client.get("/ru/info/facilities/").content.decode()
    page = FacilitiesPage.objects.get()
    page.library_ru = "Библиотека: 20 000 книг."
    page.save_revision().publish()
    html = client.get("/ru/info/facilities/").content.decode()
    assert "Библиотека: 20 000 книг." in html


def test_a_saved_draft_does_not_reach_visitors(client, demo_site):
    client.get("/ru/info/facilities/")
    page = FacilitiesPage.objects.get()
    page.library_ru = "Черновик"
    page.save_revision()
    assert "Черновик" not in client.get("/ru/info/facilities/").content.decode()


def test_logged_in_people_are_never_served_a_cached_copy(
    admin_client, client, demo_site, django_assert_max_num_queries
):
    client.get("/ky/")
    admin_client.get("/ky/")
    response = admin_client.get("/ky/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    with django_assert_max_num_queries(30) as captured:
        admin_client.get("/ky/")
    assert len(captured.captured_queries) > 0


def test_a_published_home_page_shows_at_once_when_pages_are_rendered(client, demo_site, settings):
    """The site and its home page are kept in each process only while nothing is published (SiteLookupMiddleware)."""
    from home.models import HomePage

    settings.MEKTEP_PAGE_CACHE = False
    client.get("/ru/")
    home = HomePage.objects.get()
    home.title_ru = "Школа № 5: новое название"
    home.save_revision().publish()
    assert "Школа № 5: новое название" in client.get("/ru/").content.decode()
    assert client.get("/ru/info/staff/").status_code == 200
