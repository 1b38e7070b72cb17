"""W4, W5: editors draft; publishing disclosure content goes through the site administrators' approval, which
requires the prohibited-content checklist."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from wagtail.models import Workflow
from wagtail.users.models import UserProfile

from cms.models import PROHIBITED_CONTENT_CHECKLIST, EducationPage, ProhibitedContentReviewTask
from cms.services.disclosure import group_names
from tests import factories

pytestmark = pytest.mark.django_db
CHECKLIST = dict.fromkeys(PROHIBITED_CONTENT_CHECKLIST, True)


@pytest.fixture
def people(demo_site):
    editors_name, administrators_name = group_names(demo_site)
    editor = factories.UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name=editors_name))
    approver = factories.UserFactory(username="site_admin")
    approver.groups.add(Group.objects.get(name=administrators_name))
    return editor, approver


def draft_and_submit(editor):
    page = EducationPage.objects.get()
    page.intro_ky = "<p>Жаңы окуу жылына кабыл алуу башталды.</p>"
    page.intro_ru = "<p>Начался приём на новый учебный год.</p>"
    revision = page.save_revision(user=editor)
    workflow = page.get_workflow()
    state = workflow.start(page, editor)
    return page, revision, state


def test_an_editor_cannot_publish_a_disclosure_page_directly(people):
    editor, approver = people
    page = EducationPage.objects.get()
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(editor).can_edit()
    assert page.permissions_for_user(approver).can_publish()


def test_the_approver_sees_the_w5_checklist_and_approval_publishes(people):
    editor, approver = people
    page, _revision, state = draft_and_submit(editor)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert [action[0] for action in task.get_actions(page, approver)] == ["reject", "approve"]
    assert task.get_actions(page, editor) == []
    form = task.get_form_for_action("approve")(data={"comment": "", **CHECKLIST})
    assert form.is_valid()
    task.on_action(task_state, approver, "approve", **form.cleaned_data)
    page.refresh_from_db()
    assert page.live
    assert page.intro_ru == "<p>Начался приём на новый учебный год.</p>"


@pytest.mark.parametrize("unchecked", list(PROHIBITED_CONTENT_CHECKLIST))
def test_approval_without_every_checklist_point_is_refused(people, unchecked):
    editor, _approver = people
    page, _revision, state = draft_and_submit(editor)
    task = state.current_task_state.task.specific
    form = task.get_form_for_action("approve")(data={"comment": "", **{**CHECKLIST, unchecked: False}})
    assert not form.is_valid()
    assert unchecked in form.errors
    page.refresh_from_db()
    assert "Начался приём" not in (page.intro_ru or "")


def test_the_approver_can_send_a_draft_back(people):
    editor, approver = people
    page, _revision, state = draft_and_submit(editor)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, approver, "reject", comment="Датаны текшериңиз")
    state.refresh_from_db()
    page.refresh_from_db()
    assert state.status == state.STATUS_NEEDS_CHANGES
    assert "Начался приём" not in (page.intro_ru or "")


def test_the_editors_admin_page_offers_submitting_not_publishing(client, people):
    editor, approver = people
    page = EducationPage.objects.get()
    client.force_login(editor)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html
    client.force_login(approver)
    assert 'name="action-publish"' in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()


def test_each_sites_workflow_and_task_are_named_in_kyrgyz_and_russian_without_the_host(site_people, demo_site):
    for site in (demo_site, site_people.other_site):
        administrators = Group.objects.get(name=group_names(site)[1])
        task = ProhibitedContentReviewTask.objects.get(groups=administrators)
        workflow = Workflow.objects.get(workflow_tasks__task=task)
        assert workflow.name == "Сайттын материалдарын модерациялоо / Модерация материалов сайта"
        assert (
            task.name
            == "Тыюу салынган маалыматтын тизмеси менен бекитүү / Утверждение по перечню запрещённой информации"
        )
        assert site.hostname not in workflow.name + task.name
    assert ProhibitedContentReviewTask.objects.count() == 2


def test_the_approval_records_in_words_that_the_checklist_was_confirmed(people):
    editor, approver = people
    _page, _revision, state = draft_and_submit(editor)
    task_state = state.current_task_state
    task = task_state.task.specific
    with translation.override("ky"):
        task.on_action(task_state, approver, "approve", comment="", **CHECKLIST)
    task_state.refresh_from_db()
    assert task_state.get_comment() == "Тыюу салынган маалыматтын тизмесинин бардык пункттары ырасталды."


@pytest.mark.parametrize(("language", "verb"), [("ky", "Бекитүү"), ("ru", "Утвердить")])
def test_the_approvers_button_is_one_sentence_in_their_language(client, people, language, verb):
    editor, approver = people
    page, _revision, _state = draft_and_submit(editor)
    profile = UserProfile.get_for_user(approver)
    profile.preferred_language = language
    profile.save()
    client.force_login(approver)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    # The last task's approval publishes: Wagtail words it "%(label)s and Publish" around our label.
    button = re.search(r'data-workflow-action-name="approve".*?</svg>([^<]*)</button>', html, re.S).group(1).strip()
    assert button.startswith(verb)
    assert not re.search(r"[A-Za-z]", button)
