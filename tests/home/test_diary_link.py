"""The public site leads to the diary: its header on every page and the home page link to the diary's login page in
the page's own language."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "words"), [("ky", "Электрондук күндөлүк"), ("ru", "Электронный дневник")])
@pytest.mark.parametrize("path", ["/", "/news/"])
def test_the_public_header_links_to_the_diary_login_in_the_pages_language(client, demo_site, language, words, path):
    html = client.get(f"/{language}{path}").content.decode()
    header = html.split("</header>")[0]
    assert f'<a class="site-diary" href="/{language}/diary/login/">{words}</a>' in header


@pytest.mark.parametrize(("language", "words"), [("ky", "Күндөлүккө кирүү"), ("ru", "Вход в дневник")])
def test_the_home_page_invites_to_the_diary(client, demo_site, language, words):
    main = client.get(f"/{language}/").content.decode().split('<main id="main">')[1]
    assert f'href="/{language}/diary/login/">{words}</a>' in main
    assert client.get(f"/{language}/diary/login/").status_code == 200
