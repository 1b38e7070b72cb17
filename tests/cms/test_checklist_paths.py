"""W4, W5: every path that publishes to the public site passes the prohibited-content checklist."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.models import Page
from wagtail.test.utils.form_data import rich_text

from cms.models import PROHIBITED_CONTENT_CHECKLIST, GeneralInfoPage
from cms.services.disclosure import group_names
from home.models import NewsArticlePage, NewsIndexPage, Question
from tests import factories

pytestmark = pytest.mark.django_db
CHECKLIST = dict.fromkeys(PROHIBITED_CONTENT_CHECKLIST, "on")


@pytest.fixture
def site_admin(demo_site):
    _editors, administrators = group_names(demo_site)
    user = factories.UserFactory(username="site_admin")
    user.groups.add(Group.objects.get(name=administrators))
    return user


def edit_form_data(page, **changes) -> dict:
    """What the page editor posts: the page's fields as they are, with `changes`, and no comments."""
    form_class = type(page).get_edit_handler().get_form_class()
    data = {}
    for name in form_class.base_fields:
        if name in PROHIBITED_CONTENT_CHECKLIST or not hasattr(page, name):
            continue
        value = getattr(page, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data.update(changes)
    for name, field in form_class.base_fields.items():
        if isinstance(field.widget, DraftailRichTextArea) and name in data:
            data[name] = rich_text(data[name])
    data.update({"comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0", "comments-MAX_NUM_FORMS": "1000"})
    return data


def test_the_checklist_names_social_status_and_content_unrelated_to_education_in_both_languages():
    """W5: the two points the seed lists that the checklist lacked are there, in ky and ru."""
    labels = {}
    for language in ("ky", "ru"):
        with translation.override(language):
            labels[language] = [str(label) for label in PROHIBITED_CONTENT_CHECKLIST.values()]
    assert "Адамдын социалдык абалына шек келтирген материал жок." in labels["ky"]
    assert "Мыйзамсыз маалымат жана билим берүүгө тиешеси жок маалымат жок." in labels["ky"]
    assert "Нет материалов, ставящих под сомнение социальный статус человека." in labels["ru"]
    assert "Нет противоправной информации и информации, не связанной с образованием." in labels["ru"]


def test_a_site_administrator_publishing_directly_without_the_checklist_is_refused(client, site_admin):
    """W4, W5: a direct publish from the editor, the workflow aside, is refused without the checklist."""
    page = GeneralInfoPage.objects.get()
    client.force_login(site_admin)
    data = edit_form_data(page, intro_ru="<p>Новый текст без проверки.</p>", **{"action-publish": "action-publish"})
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert "Жарыялоо үчүн тыюу салынган маалыматтын тизмесинин ар бир пунктун ырастаңыз." in response.content.decode()
    page.refresh_from_db()
    assert "без проверки" not in (page.intro_ru or "")


def test_a_site_administrator_publishes_directly_with_the_checklist(client, site_admin):
    """W4, W5: with every point confirmed, the direct publish goes through."""
    page = GeneralInfoPage.objects.get()
    client.force_login(site_admin)
    data = edit_form_data(
        page, intro_ru="<p>Проверенный текст.</p>", **{"action-publish": "action-publish"}, **CHECKLIST
    )
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302
    page.refresh_from_db()
    assert "Проверенный текст." in page.intro_ru
    assert page.live


def test_saving_a_draft_needs_no_checklist(client, site_admin):
    """W4: the checklist is asked when publishing, not when drafting."""
    page = GeneralInfoPage.objects.get()
    client.force_login(site_admin)
    response = client.post(f"/admin/pages/{page.pk}/edit/", edit_form_data(page, intro_ru="<p>Черновик.</p>"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert "Черновик." in page.get_latest_revision_as_object().intro_ru
    assert "Черновик." not in (page.intro_ru or "")


def test_news_passes_the_moderation_workflow(demo_site):
    """W4: news is moderated like the disclosure sections, with the checklist at the approval step."""
    news = NewsIndexPage.objects.get()
    workflow = Page.objects.get(pk=news.pk).get_workflow()
    assert workflow is not None
    assert workflow == GeneralInfoPage.objects.get().get_workflow()
    article = NewsArticlePage.objects.child_of(news).first()
    assert article.get_workflow() == workflow


def test_bulk_publishing_from_the_listing_is_refused(client, site_admin):
    """W4, W5: the listing's bulk publish would skip the checklist, so it is refused."""
    article = NewsArticlePage.objects.live().first()
    article.summary_ru = "Непроверенная сводка"
    article.save_revision()
    client.force_login(site_admin)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    listing = f"/admin/pages/{article.get_parent().pk}/"
    response = client.post(f"{url}?id={article.pk}&next={listing}", {"include_descendants": ""}, follow=True)
    assert "Барактар бирден, тыюу салынган маалыматтын тизмеси менен жарыяланат." in response.content.decode()
    article.refresh_from_db()
    assert article.summary_ru != "Непроверенная сводка"


def answer_form(question, **data):
    from wagtail.admin.panels import get_edit_handler

    form_class = get_edit_handler(Question).get_form_class()
    return form_class(data={"answer_ky": "Жооп", "answer_ru": "Ответ", **data}, instance=question)


def test_publishing_an_answer_without_the_checklist_is_refused(demo_site):
    """W4, W5: a published answer to a visitor's question passes the checklist; without it nothing is saved."""
    question = Question.objects.create(site=demo_site, name="Айгүл", question="Кабыл алуу качан?")
    form = answer_form(question, is_published="on")
    assert not form.is_valid()
    assert set(PROHIBITED_CONTENT_CHECKLIST) <= set(form.errors)
    question.refresh_from_db()
    assert not question.is_published


def test_publishing_an_answer_with_the_checklist_is_accepted_and_drafting_needs_none(demo_site):
    """W4, W5: with the checklist the answer is published; an unpublished answer needs no checklist."""
    question = Question.objects.create(site=demo_site, name="Айгүл", question="Кабыл алуу качан?")
    assert answer_form(question).is_valid()
    form = answer_form(question, is_published="on", **CHECKLIST)
    assert form.is_valid(), form.errors
    form.save()
    question.refresh_from_db()
    assert question.is_published
    assert question.answer_ru == "Ответ"
    assert not answer_form(question, answer_ru="Другой ответ", is_published="on").is_valid()
