"""`seed_demo` builds the demo school and can be run again without duplicating anything."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site

from cms.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from home.models import HomePage

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_leaves_one_school_site_one_home_page_and_one_admin():
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Site.objects.count() == 1
    assert HomePage.objects.count() == 1
    assert get_user_model().objects.filter(username=DEMO_ADMIN_USERNAME).count() == 1
    assert f"{DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}" in out.getvalue()


def test_the_home_page_is_the_root_of_the_school_site_with_both_titles(demo_site, demo_titles):
    home = demo_site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title_ky == demo_titles["ky"]
    assert home.title_ru == demo_titles["ru"]
    assert home.live


def test_the_printed_admin_login_opens_the_wagtail_admin(client, demo_site):
    response = client.post(
        "/admin/login/", {"username": DEMO_ADMIN_USERNAME, "password": DEMO_ADMIN_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 200
