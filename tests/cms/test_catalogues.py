"""The Kyrgyz admin: the catalogues of locale/ and locale/vendor/ speak with the words of docs/ky-glossary.md and
use Kyrgyz's one plural form."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
GLOSSARY = Path(settings.BASE_DIR) / "docs" / "ky-glossary.md"
KY_CATALOGUES = [LOCALE / "ky" / "LC_MESSAGES" / "django.po", LOCALE / "vendor" / "ky" / "LC_MESSAGES" / "django.po"]

# The admin's main screens and actions, and the glossary's word each translation contains.
GLOSSARY_TERMS = {
    "Publish": "жарыялоо",
    "Save draft": "долбоор",
    "Unpublish": "жарыялоону токтотуу",
    "Workflow": "иш тартиби",
    "Workflows": "иш тартиптери",
    "Cancel workflow ": "иш тартибин жокко чыгаруу",  # Wagtail's msgid ends with a space
    "Snippets": "үзүндүлөр",
    "Collections": "жыйнак",
    "Images": "сүрөт",
    "Documents": "документ",
    "Settings": "жөндөөлөр",
    "Search": "издөө",
    "Approve": "бекитүү",
    "Request changes": "өзгөртүүлөрдү талап кылуу",
    "revisions": "версиялар",
    "Privacy": "купуялык",
    "Tasks": "тапшырмалар",
    "Comments": "комментарийлер",
    "Dashboard": "башкы панель",
    "Redirects": "кайра багыттоо",
    "Users": "колдонуучу",
    "Groups": "топ",
    "Preview": "алдын ала көрүү",
    "Upload": "жүктөө",
    "Reports": "отчет",
}


def catalogue(po: Path) -> gettext.GNUTranslations:
    """The compiled catalogue next to `po` (tests/conftest.py compiles it when the .po changes)."""
    with po.with_suffix(".mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


@pytest.mark.parametrize(("msgid", "word"), GLOSSARY_TERMS.items())
def test_the_admins_main_words_are_the_glossarys_in_every_kyrgyz_catalogue(msgid, word):
    assert word.lower() in GLOSSARY.read_text().lower()
    vendor = catalogue(KY_CATALOGUES[1]).gettext(msgid)
    assert vendor != msgid, f"{msgid!r} is not translated in locale/vendor/ky"
    for po in KY_CATALOGUES:
        translated = catalogue(po).gettext(msgid)
        if translated != msgid:  # our own catalogue holds only the words our code uses
            assert word in translated.lower(), f"{po.relative_to(settings.BASE_DIR)}: {msgid!r} → {translated!r}"


@pytest.mark.parametrize("po", KY_CATALOGUES, ids=lambda po: str(po.relative_to(settings.BASE_DIR)))
def test_kyrgyz_catalogues_have_one_plural_form_holding_the_count(po):
    text = po.read_text()
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    plurals = [block for block in text.split("\n\n") if "\nmsgid_plural " in block]
    assert plurals
    for block in plurals:
        assert "msgstr[1]" not in block, block
        english = block[block.index("msgid_plural") : block.index("msgstr[0]")]
        kyrgyz = block[block.index("msgstr[0]") :]
        for placeholder in re.findall(r"%\((?:count|counter|num)\)[sd]", english):
            if kyrgyz != 'msgstr[0] ""':
                assert placeholder in kyrgyz, block
