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


def test_logged_in_people_are_never_served_a_cached_copy(admin_client, client, demo_site):
    client.get("/ky/")
    admin_client.get("/ky/")
    response = admin_client.get("/ky/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    assert "home/home_page.html" in [template.name for template in response.templates]  # rendered for them
    assert "home/home_page.html" not in [template.name for template in client.get("/ky/").templates]  # a copy


def test_a_published_home_page_shows_at_once_when_pages_are_rendered(client, demo_site, settings):
    """With the whole-page cache off, a published home page shows at once."""
    from home.models import HomePage

    settings.MEKTEP_PAGE_CACHE = False
    client.get("/ru/")
    home = HomePage.objects.get()
    home.title_ru = "Школа № 5: новое название"
    home.save_revision().publish()
    assert "Школа № 5: новое название" in client.get("/ru/").content.decode()
    assert client.get("/ru/info/staff/").status_code == 200


def test_pages_found_by_address_follow_publishing_at_once(client, demo_site, settings, django_assert_max_num_queries):
    """An unpublished page is gone at once in both languages, and a republished one is back."""
    from cms.models import StaffPage

    settings.MEKTEP_PAGE_CACHE = False
    assert client.get("/ky/info/staff/").status_code == 200
    with django_assert_max_num_queries(10):  # B2, once the fragments are made
        assert client.get("/ky/info/staff/").status_code == 200
    assert client.get("/ru/info/staff/").status_code == 200
    staff = StaffPage.objects.get()
    staff.unpublish()
    assert client.get("/ru/info/staff/").status_code == 404
    assert client.get("/ky/info/staff/").status_code == 404
    staff.refresh_from_db()
    staff.save_revision().publish()
    assert client.get("/ky/info/staff/").status_code == 200


def test_a_page_rendered_again_takes_at_most_10_queries_and_shows_the_same(
    client, demo_site, settings, django_assert_max_num_queries
):
    """B2: with the whole-page cache off, a public page is rendered in at most 10 queries."""
    settings.MEKTEP_PAGE_CACHE = False
    first = client.get("/ky/info/staff/")
    with django_assert_max_num_queries(10):
        second = client.get("/ky/info/staff/")
    assert second.status_code == 200 and second.content == first.content


def test_privacy_on_a_page_or_its_section_applies_at_once_to_rendered_pages(client, demo_site, settings):
    """A privacy change, a page's own or an ancestor's, applies at once."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from cms.models import DisclosureIndexPage

    settings.MEKTEP_PAGE_CACHE = False
    staff_only = Group.objects.create(name="Только сотрудники")
    for private in (FacilitiesPage.objects.get(), DisclosureIndexPage.objects.get()):
        assert client.get("/ru/info/facilities/").status_code == 200
        assert client.get("/ru/info/facilities/").status_code == 200  # kept, with no restriction
        restriction = PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.set([staff_only])
        response = client.get("/ru/info/facilities/")
        assert response.status_code == 302 and "Библиотека" not in response.content.decode()
        restriction.delete()
        assert client.get("/ru/info/facilities/").status_code == 200


def test_a_page_made_private_leaves_the_visitors_cache_at_once(client, demo_site):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    page = FacilitiesPage.objects.get()
    assert client.get("/ru/info/facilities/").status_code == 200  # now cached
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="Только сотрудники")])
    response = client.get("/ru/info/facilities/")
    assert response.status_code == 302 and "Библиотека" not in response.content.decode()
    restriction.delete()
    assert client.get("/ru/info/facilities/").status_code == 200


def test_a_published_article_shows_on_the_home_page_at_once(client, demo_site, settings):
    """The home page's news list is a fragment keyed by the publish version."""
    import datetime as dt

    from home.models import NewsArticlePage, NewsIndexPage

    settings.MEKTEP_PAGE_CACHE = False
    assert "Жаңы окуу куралдары" not in client.get("/ky/").content.decode()
    news = NewsIndexPage.objects.get()
    article = NewsArticlePage(title="Жаңы окуу куралдары", title_ru="Новые учебники", slug="new-books",
                              slug_ru="new-books", date=dt.date(2026, 12, 1))  # fmt: skip
    news.add_child(instance=article)
    article.save_revision().publish()
    assert "Жаңы окуу куралдары" in client.get("/ky/").content.decode()
    assert "Новые учебники" in client.get("/ru/").content.decode()
    assert client.get("/ky/news/new-books/").status_code == 200  # a new address, found at once
    article.unpublish()
    assert "Жаңы окуу куралдары" not in client.get("/ky/").content.decode()
    assert client.get("/ky/news/new-books/").status_code == 404


def test_the_language_switcher_follows_a_renamed_address_at_once(client, demo_site, settings):
    """The other language's address follows a renamed page at once."""
    import datetime as dt

    from home.models import NewsArticlePage, NewsIndexPage

    settings.MEKTEP_PAGE_CACHE = False
    article = NewsArticlePage(title="Жаңы окуу куралдары", title_ru="Новые учебники", slug="jangy-kitepter",
                              slug_ru="new-books", date=dt.date(2026, 12, 1))  # fmt: skip
    NewsIndexPage.objects.get().add_child(instance=article)
    article.save_revision().publish()
    for _ in range(2):
        assert 'href="/ru/news/new-books/" hreflang="ru"' in client.get("/ky/news/jangy-kitepter/").content.decode()
    article.slug_ru = "novye-uchebniki"
    article.save_revision().publish()
    shown = client.get("/ky/news/jangy-kitepter/").content.decode()
    assert 'href="/ru/news/novye-uchebniki/" hreflang="ru"' in shown
    assert client.get("/ru/news/novye-uchebniki/").status_code == 200


def test_the_home_page_reads_its_news_once_and_not_again_while_nothing_is_published(client, demo_site, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MEKTEP_PAGE_CACHE = False

    def news_queries(address):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200
        return response, [query for query in captured if "home_newsarticlepage" in query["sql"]]

    first, read = news_queries("/ru/")
    assert len(read) == 1  # the list is read once, though the template asks for it twice
    second, read_again = news_queries("/ru/")
    assert read_again == [] and second.content == first.content
    assert 'class="news-list"' in first.content.decode()
