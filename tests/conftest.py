"""Shared fixtures. Personas (with what each may see, D15) join here as the diary grows."""

import io

import pytest
from django.core.management import call_command

from cms.demo import DEMO_TITLE_KY, DEMO_TITLE_RU


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Kyrgyz, the default (L1), whatever the previous request activated."""
    from django.utils import translation

    with translation.override("ky"):
        yield


@pytest.fixture
def demo_site(db):
    """The demo school's website: a Site with its bilingual home page (what `seed_demo` builds)."""
    from wagtail.models import Site

    call_command("seed_demo", website_only=True, stdout=io.StringIO())
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def demo_titles():
    return {"ky": DEMO_TITLE_KY, "ru": DEMO_TITLE_RU}


def pytest_sessionstart(session):
    """Tests read the compiled ky/ru catalogues; compile them when a .po is newer than its .mo."""
    import subprocess
    from pathlib import Path

    for po in Path(__file__).resolve().parents[1].glob("locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
            # Django may have cached the old catalogue while starting up; drop it.
            from django.utils.translation.reloader import translation_file_changed

            translation_file_changed(sender=None, file_path=mo)
