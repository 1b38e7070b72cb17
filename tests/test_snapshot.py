"""The demo website written again from its captured rows (tests/snapshot.py) is the website a real build makes."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page, Site

from tests.snapshot import RowsSnapshot, _count

pytestmark = pytest.mark.django_db


def build():
    call_command("seed_demo", website_only=True, stdout=io.StringIO())


def what_a_visitor_meets(snapshot: RowsSnapshot) -> dict:
    site = Site.objects.get(is_default_site=True)
    return {
        "rows": {change.table: _count(change.table) for change in snapshot.changes},
        "site": (site.hostname, site.root_page.specific.title_ky, site.root_page.specific.title_ru),
        "pages": sorted(
            Page.objects.filter(live=True).values_list("url_path_ky", "url_path_ru", "title_ky", "title_ru", "depth"),
            key=str,
        ),
    }


def test_the_written_rows_make_the_same_site_as_a_real_build(client):
    snapshot = RowsSnapshot.of(build)
    assert snapshot.fits()
    with transaction.atomic():
        snapshot.apply()
        written = what_a_visitor_meets(snapshot)
        assert client.get("/ru/info/staff/").status_code == 200
        transaction.set_rollback(True)
    with transaction.atomic():
        build()
        built = what_a_visitor_meets(snapshot)
        transaction.set_rollback(True)
    assert written == built
    assert len(written["pages"]) > 10
