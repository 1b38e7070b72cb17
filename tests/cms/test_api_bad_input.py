"""Bad input on the website's API (Wagtail API v2): never a server error, on SQLite and PostgreSQL alike.

Junk in the search text (an unclosed quote, a NUL character, the full-text query language's operators) and in the
other query parameters answers 200, or 400 with the Wagtail API's usual `{"message": ...}` body."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ENDPOINTS = ["pages", "documents", "images"]
SEARCH_JUNK = ['"', 'a"b', '"""', "%00", "a%00b", "'", "(", ")", "*", "a AND", "OR", "NOT", "-", "a:b", "^", "ң ө ү"]
OTHER_JUNK = [
    "order=%22",
    "order=-%00",
    "limit=-1",
    "limit=99999999999999999999",
    "offset=a",
    "fields=%22",
    "type=a%22b",
    "child_of=%00",
    "search_operator=%22",
    "lang=%00",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("search", SEARCH_JUNK)
def test_junk_search_text_on_the_website_api_is_answered_without_a_server_error(demo_site, endpoint, search):
    """An unclosed quote or a NUL in `?search=` is a 400 with a message, never a 500."""
    from urllib.parse import quote

    value = search if "%" in search else quote(search)
    answer = Client().get(f"/api/v2/{endpoint}/?search={value}")
    assert answer.status_code in (200, 400)
    if answer.status_code == 400:
        assert answer.json()["message"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("query", OTHER_JUNK)
def test_junk_query_parameters_on_the_website_api_are_answered_without_a_server_error(demo_site, endpoint, query):
    answer = Client().get(f"/api/v2/{endpoint}/?{query}")
    assert answer.status_code in (200, 400)
    if answer.status_code == 400:
        assert answer.json()["message"]


def test_an_unclosed_quote_in_the_search_is_refused_with_a_translated_message(demo_site):
    answer = Client().get('/api/v2/pages/?search=a"b', HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 400
    assert "кавычк" in answer.json()["message"]
