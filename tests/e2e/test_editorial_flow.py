"""W4, W5 in a real browser: an editor drafts a change to `education`, a site administrator approves it with the
prohibited-content checklist, and a visitor sees it in Kyrgyz and Russian."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.models import TaskState, WorkflowState

from cms.models import EducationPage
from cms.models.workflow import CHECKLIST_CONFIRMED, PROHIBITED_CONTENT_CHECKLIST
from cms.services.disclosure import group_names
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_an_editor_drafts_the_administrator_approves_and_visitors_see_it(live_server, demo_site, page):
    editors_name, administrators_name = group_names(demo_site)
    editor = factories.UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name=editors_name))
    approver = factories.UserFactory(username="site_admin")
    approver.groups.add(Group.objects.get(name=administrators_name))
    education = EducationPage.objects.get()
    base = live_server.url

    log_in(page, base, "editor")
    page.goto(f"{base}/admin/pages/{education.pk}/edit/")
    page.fill("#id_programmes-0-name_ky", "Башталгыч жалпы билим берүү (жаңыланган)")
    page.fill("#id_programmes-0-name_ru", "Начальное общее образование (обновлено)")
    # Wait for the answer to the submission itself: a visit made before it arrives would race the redirect.
    with page.expect_navigation():
        page.evaluate("document.querySelector('button[name=\"action-submit\"]').click()")
    assert "(обновлено)" not in page.context.request.get(f"{base}/ru/info/education/").text()

    page.context.clear_cookies()
    log_in(page, base, "site_admin")
    page.goto(f"{base}/admin/pages/{education.pk}/edit/")
    page.evaluate("document.querySelector('button[data-workflow-action-name=\"approve\"]').click()")
    modal = page.locator(".modal form")
    expect(modal).to_be_visible()
    checkboxes = modal.locator("input[type=checkbox]")
    # W5: one box per point of the checklist, each labelled with its point.
    assert checkboxes.count() == len(PROHIBITED_CONTENT_CHECKLIST)
    for label in PROHIBITED_CONTENT_CHECKLIST.values():
        expect(modal).to_contain_text(str(label))
    for index in range(checkboxes.count()):
        checkboxes.nth(index).check()
    with page.expect_navigation():
        modal.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()

    for language, expected in (
        ("ky", "Башталгыч жалпы билим берүү (жаңыланган)"),
        ("ru", "Начальное общее образование (обновлено)"),
    ):
        page.goto(f"{base}/{language}/info/education/")
        expect(page.locator("main")).to_contain_text(expected)
    state = WorkflowState.objects.for_instance(education).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    approval = TaskState.objects.get(workflow_state=state, status=TaskState.STATUS_APPROVED)
    assert str(CHECKLIST_CONFIRMED) in approval.get_comment()
