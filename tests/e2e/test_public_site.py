"""A visitor reads the school's site in Kyrgyz and switches to Russian, in a real browser."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_home_page_in_kyrgyz_then_switches_to_russian(live_server, demo_site, demo_titles, page):
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/ky/"
    assert page.locator("html").get_attribute("lang") == "ky"
    assert page.locator("h1").inner_text() == demo_titles["ky"]
    assert "Мектептин расмий сайты" in page.locator("footer").inner_text()

    page.get_by_role("link", name="Русский").click()
    page.wait_for_url(live_server.url + "/ru/")
    assert page.locator("h1").inner_text() == demo_titles["ru"]
    assert "Официальный сайт школы" in page.locator("footer").inner_text()


def test_the_russian_page_opens_directly(live_server, demo_site, demo_titles, page):
    response = page.goto(live_server.url + "/ru/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == demo_titles["ru"]
    assert page.get_by_role("link", name="Кыргызча").get_attribute("href") == "/ky/"
