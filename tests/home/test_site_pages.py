"""The school site's own pages: news, the feedback form whose questions land in the admin (W6), the site map (W7)."""

import pytest
from wagtail.models import Page

from home.models import NewsArticlePage, Question

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/ky/news/", "/ru/news/news-1/", "/ky/feedback/", "/ru/site-map/", "/sitemap.xml"])
def test_the_site_pages_are_served(client, demo_site, path):
    assert client.get(path).status_code == 200


def test_a_page_is_found_by_its_address_in_each_language_and_an_unpublished_one_is_not(client, demo_site):
    from cms.models import StaffPage

    staff = StaffPage.objects.get()
    assert client.get("/ky/info/staff/").status_code == 200
    assert client.get("/ru/info/staff/").status_code == 200
    # A page whose stored address in a language is missing still takes the usual route.
    Page.objects.filter(pk=staff.pk).update(url_path_ru="")
    assert client.get("/ru/info/staff/").status_code == 200
    staff.unpublish()
    assert client.get("/ky/info/staff/").status_code == 404
    assert client.get("/ky/info/no-such-page/").status_code == 404


def test_the_home_page_lists_the_latest_news_in_its_language(client, demo_site):
    assert "Экинчи чейрек башталды" in client.get("/ky/").content.decode()
    assert "Началась вторая четверть" in client.get("/ru/").content.decode()
    assert NewsArticlePage.objects.live().count() == 2


def test_a_visitors_question_lands_in_the_admin_unpublished(client, demo_site):
    response = client.post("/ru/feedback/", {"name": "Асан", "email": "asan@example.kg", "question": "Качан жыйналыш?"})
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.name, question.is_published, question.site) == ("Асан", False, demo_site)
    assert "Качан жыйналыш?" not in client.get("/ru/feedback/").content.decode()


def test_an_answer_shows_once_an_administrator_publishes_it(client, demo_site):
    Question.objects.create(
        site=demo_site,
        name="Асан",
        question="Качан жыйналыш?",
        answer_ky="Жума күнү.",
        answer_ru="В пятницу.",
        is_published=True,
    )
    html = client.get("/ru/feedback/").content.decode()
    assert "Качан жыйналыш?" in html
    assert "В пятницу." in html


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "question": "?"},
        {"name": "А", "question": ""},
        {"name": "А", "question": "x" * 2001},
        {"name": "А", "question": "?", "email": "not-an-address"},
        {"name": "Бот", "question": "?", "website": "x"},
    ],
)
def test_bad_questions_are_refused_with_a_translated_error_and_nothing_is_saved(client, demo_site, data):
    response = client.post("/ru/feedback/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html or 'class="errors"' in html
    assert Question.objects.count() == 0


def test_the_feedback_page_is_never_cached_with_someone_elses_csrf_token(demo_site):
    """A cached form would hand the first visitor's CSRF token to everyone after them."""
    import re

    from django.test import Client

    def token() -> str:
        html = Client().get("/ky/feedback/").content.decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert token() != token()


def test_the_site_map_lists_every_section(client, demo_site):
    html = client.get("/ru/site-map/").content.decode()
    for title in ("Сведения о школе", "Педагогический состав", "Новости", "Карта сайта"):
        assert title in html
