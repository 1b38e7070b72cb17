"""The Wagtail admin in Kyrgyz and in Russian: an editor and a site administrator whose admin language is ky (or ru)
go through the dashboard, the page explorer, a disclosure page's editor, moderation with the checklist, uploading an
image and a document, and the completeness panel, and read no English word of the interface on any screen.

Each screen's screenshot is kept in test-artifacts/ (admin-<language>-<screen>.png).
"""

import io
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from PIL import Image
from playwright.sync_api import expect
from wagtail.models import Collection, GroupCollectionPermission, Page
from wagtail.users.models import UserProfile

from cms.models import EducationPage
from cms.services.disclosure import group_names
from tests import factories
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"

# Latin words a Kyrgyz or Russian screen may show: proper nouns, technical tokens and file types.
ALLOWED_LATIN = {
    "wagtail",
    "django",
    "url",
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "svg",
    "html",
    "api",
    "id",
    "localhost",
    "kb",
    "mb",
    "avif",
    "heic",
    "bmp",
    "tiff",
    "ico",
    # Language codes, e.g. a bilingual field's "[ky]" and "[ru]".
    "ky",
    "ru",
}
# The people of the walk carry Cyrillic names, so that their names are not counted as English.
PEOPLE = {
    "editor": ("Айгүл", "Осмонова", 0),
    "site_admin": ("Бакыт", "Токтогулов", 1),
}


def english_words(page) -> list[str]:
    text = page.evaluate("document.body.innerText")
    return sorted({word for word in re.findall(r"[A-Za-z][A-Za-z'’]*", text) if word.lower() not in ALLOWED_LATIN})


class Walk:
    """Keeps each screen's screenshot and the English words its visible text shows."""

    def __init__(self, page, language: str):
        self.page, self.language = page, language
        self.english: dict[str, list[str]] = {}

    def screen(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"admin-{self.language}-{name}.png"), full_page=True)
        if words := english_words(self.page):
            self.english[f"{name} ({self.page.url})"] = words


def log_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def person(site, username: str, language: str):
    first_name, last_name, group_index = PEOPLE[username]
    account = factories.UserFactory(username=username, first_name=first_name, last_name=last_name)
    account.groups.add(Group.objects.get(name=group_names(site)[group_index]))
    profile = UserProfile.get_for_user(account)
    profile.preferred_language = language
    profile.save()
    return account


def collection_uploads_allowed(group: Group) -> None:
    """Wagtail grants images and documents per collection: the group may add and choose them in the root one."""
    root = Collection.get_first_root_node()
    for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
        for action in ("add", "choose"):
            permission = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 100 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_admin_walk_shows_no_english_word_of_wagtail(live_server, demo_site, page, language):
    editor = person(demo_site, "editor", language)
    collection_uploads_allowed(editor.groups.get())
    person(demo_site, "site_admin", language)
    education = EducationPage.objects.get()
    home = Page.objects.get(pk=demo_site.root_page_id)
    base = live_server.url
    walk = Walk(page, language)

    # The editor: dashboard (with the completeness panel), the explorer, the page editor, submitting.
    log_in(page, base, "editor")
    expect(page.locator("html")).to_have_attribute("lang", language)
    walk.screen("dashboard")
    page.goto(f"{base}/admin/pages/{home.pk}/")
    walk.screen("explorer")
    page.goto(f"{base}/admin/pages/{education.pk}/edit/")
    walk.screen("edit")
    page.fill("#id_programmes-0-name_ky", "Башталгыч жалпы билим берүү (жаңыланган)")
    page.fill("#id_programmes-0-name_ru", "Начальное общее образование (обновлено)")
    with page.expect_navigation():
        page.evaluate("document.querySelector('button[name=\"action-submit\"]').click()")
    expect(page.locator(".messages")).to_be_visible()
    walk.screen("submitted")

    # Images and documents, uploaded through Wagtail's upload page.
    page.goto(f"{base}/admin/images/multiple/add/")
    walk.screen("images-add")
    page.set_input_files("#fileupload", files=[{"name": "мектеп.png", "mimeType": "image/png", "buffer": png_bytes()}])
    expect(page.locator(".upload-list li.upload-success")).to_be_visible()
    walk.screen("images-uploaded")
    page.goto(f"{base}/admin/documents/multiple/add/")
    walk.screen("documents-add")
    page.set_input_files(
        "#fileupload", files=[{"name": "устав.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    expect(page.locator(".upload-list li.upload-success")).to_be_visible()
    walk.screen("documents-uploaded")

    # The site administrator: the dashboard with what awaits them, the page under moderation, approving with the
    # checklist.
    log_in(page, base, "site_admin")
    walk.screen("moderator-dashboard")
    page.goto(f"{base}/admin/pages/{education.pk}/edit/")
    walk.screen("moderator-edit")
    page.evaluate("document.querySelector('button[data-workflow-action-name=\"approve\"]').click()")
    modal = page.locator(".modal form")
    expect(modal).to_be_visible()
    walk.screen("approve-checklist")
    checkboxes = modal.locator("input[type=checkbox]")
    for index in range(checkboxes.count()):
        checkboxes.nth(index).check()
    with page.expect_navigation():
        modal.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    walk.screen("approved")
    page.goto(f"{base}/admin/pages/{education.pk}/history/")
    walk.screen("history")
    assert walk.english == {}, json.dumps(walk.english, ensure_ascii=False, indent=1)
    education.refresh_from_db()
    assert education.live and not education.has_unpublished_changes
