"""L1/L2: the public site speaks Kyrgyz by default and Russian on request, page for page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_root_redirects_to_kyrgyz(client, demo_site):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ky/"


def test_root_redirects_a_returning_visitor_to_the_language_they_chose(client, demo_site, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert client.get("/")["Location"] == "/ru/"


def test_root_ignores_a_language_cookie_we_do_not_speak(client, demo_site, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/")["Location"] == "/ky/"


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_home_page_is_served_in_each_language(client, demo_site, demo_titles, language):
    response = client.get(f"/{language}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert f"<h1>{demo_titles[language]}</h1>" in html
    other = "ru" if language == "ky" else "ky"
    assert f"<h1>{demo_titles[other]}</h1>" not in html


def test_kyrgyz_page_shows_kyrgyz_interface_text(client, demo_site):
    html = client.get("/ky/").content.decode()
    assert "Мектептин расмий сайты" in html
    assert "Официальный сайт школы" not in html


def test_language_switcher_points_to_the_same_page_in_the_other_language(client, demo_site):
    html = client.get("/ky/").content.decode()
    assert '<a href="/ru/" hreflang="ru" lang="ru">Русский</a>' in html
    assert '<span aria-current="true" lang="ky">Кыргызча</span>' in html


def test_language_switcher_on_a_diary_page_keeps_the_address_and_its_query(client, demo_site):
    html = client.get("/ky/diary/login/?next=/ky/diary/journals/").content.decode()
    assert 'href="/ru/diary/login/?next=/ky/diary/journals/"' in html


def test_unknown_address_gives_a_translated_not_found_page(client, demo_site):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_public_pages_carry_a_content_security_policy_without_inline_scripts(client, demo_site):
    response = client.get("/ky/")
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("language", "query", "title"),
    [("ru", "педагог", "Педагогический состав"), ("ky", "кызматкер", "Педагогикалык кызматкерлер")],
)
def test_search_finds_pages_by_their_title_in_the_visitors_language(client, demo_site, language, query, title):
    html = client.get(f"/{language}/search/?q={query}").content.decode()
    assert title in html


def test_search_with_nothing_found_says_so(client, demo_site):
    response = client.get("/ru/search/?q=" + "я" * 300)
    assert response.status_code == 200
    assert "ничего не найдено" in response.content.decode().lower()


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_no_translation_shows_a_rule_id(language):
    """Rule ids (D5, W5, …) belong in the code's comments; no message a person reads carries one.

    An ISO week such as 2026-W47 is a value, not a rule id.
    """
    catalogue = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = [line for line in catalogue.read_text().splitlines() if line.startswith(("msgid", "msgstr", '"'))]
    assert entries
    assert [line for line in entries if re.search(r"(?<![-\w])[DWL]\d{1,2}\b", line)] == []
