"""A new page made by `bilingual_page_add` (cms/services/sites.py) is what Wagtail's own `save_revision().publish()`
makes: the same state, revision, log entries, signals and search entry."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signals import page_published, published

from cms.services.disclosure import site_structure_ensure
from cms.services.sites import bilingual_page_add, school_site_ensure
from home.models import NewsArticlePage, NewsIndexPage

pytestmark = pytest.mark.django_db
# What differs between any two pages: who they are and when they were made.
OWN = {"pk", "id", "path", "title", "title_ky", "title_ru", "draft_title", "slug", "slug_ky", "slug_ru", "url_path",
       "url_path_ky", "url_path_ru", "translation_key", "latest_revision_created_at", "first_published_at",
       "last_published_at", "live_revision", "latest_revision", "page_ptr", "body", "body_ky", "body_ru"}  # fmt: skip
STATE = ("live", "has_unpublished_changes", "expired", "locked", "depth", "numchild", "show_in_menus",
         "content_type_id", "locale_id", "alias_of_id", "owner_id")  # fmt: skip


@pytest.fixture
def news_index():
    site = school_site_ensure(hostname="pages.localhost", title_ky="Мектеп", title_ru="Школа", is_default=True)
    site_structure_ensure(site=site)
    return NewsIndexPage.objects.child_of(site.root_page).get()


@pytest.fixture
def signals():
    heard = []

    def hear(signal_name):
        def receiver(sender, instance, revision, **kwargs):
            heard.append((signal_name, sender, instance.pk, revision.pk))

        return receiver

    receivers = {page_published: hear("page_published"), published: hear("published")}
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield heard
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def wagtails_way(parent, slug: str, **fields) -> Page:
    page = NewsArticlePage(title=fields["title_ky"], slug=slug, slug_ky=slug, slug_ru=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision(clean=False).publish()
    return NewsArticlePage.objects.get(pk=page.pk)


def test_the_same_page_as_wagtails_save_revision_and_publish(news_index, signals):
    fields = {"title_ky": "Жаңылык", "title_ru": "Новость", "summary_ky": "Кыскача", "body_ky": "<p>Текст</p>"}
    theirs = wagtails_way(news_index, "theirs", **fields)
    heard_theirs = [(name, sender) for name, sender, *_ in signals]
    signals.clear()
    ours = bilingual_page_add(parent=news_index, model=NewsArticlePage, slug="ours", **fields)
    mine = NewsArticlePage.objects.get(pk=ours.pk)

    assert [getattr(mine, field) for field in STATE] == [getattr(theirs, field) for field in STATE]
    assert mine.live and not mine.has_unpublished_changes and mine.first_published_at and mine.last_published_at
    assert mine.live_revision_id == mine.latest_revision_id and mine.draft_title == mine.title == "Жаңылык"
    assert mine.latest_revision_created_at == mine.latest_revision.created_at
    assert mine.url_path_ky.endswith("/news/ours/") and mine.url_path_ru.endswith("/news/ours/")
    # One revision each, of the same content but for the page's own identity.
    revisions = {page.pk: list(Revision.objects.for_instance(page)) for page in (theirs, mine)}
    assert [len(found) for found in revisions.values()] == [1, 1]
    their_content, my_content = revisions[theirs.pk][0].content, revisions[mine.pk][0].content
    assert set(their_content) == set(my_content)
    assert {k: v for k, v in my_content.items() if k not in OWN} == {
        k: v for k, v in their_content.items() if k not in OWN
    }
    assert revisions[mine.pk][0].object_str == "Жаңылык" and revisions[mine.pk][0].approved_go_live_at is None
    # The same history, and the same signals: page_published, then published.
    logs = {
        page.pk: list(PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", "revision_id"))
        for page in (theirs, mine)
    }
    assert logs[mine.pk] == [("wagtail.create", None), ("wagtail.publish", mine.live_revision_id)]
    assert [action for action, _ in logs[theirs.pk]] == [action for action, _ in logs[mine.pk]]
    assert [(name, sender) for name, sender, *_ in signals] == heard_theirs
    assert [(pk, revision) for _name, _sender, pk, revision in signals] == [(mine.pk, mine.live_revision_id)] * 2
    # Found by search and served to visitors.
    assert mine.pk in [page.pk for page in Page.objects.live().search("Жаңылык")]
    assert Client(HTTP_HOST="pages.localhost").get("/ky/news/ours/").status_code == 200


def test_a_new_school_sites_pages_are_live_and_found_by_search():
    before = set(Page.objects.values_list("pk", flat=True))  # with the tree's root, made here if missing
    with transaction.atomic():
        site = school_site_ensure(hostname="new-school.localhost", title_ky="Жаңы мектеп", title_ru="Новая школа")
        site_structure_ensure(site=site)
    created = Page.objects.filter(depth__gt=1).exclude(pk__in=before)
    assert created.count() == 15  # home, info and its ten sections, news, feedback, site map
    assert not created.filter(live=False).exists()
    found = Page.objects.live().descendant_of(site.root_page, inclusive=True).search("Новая школа")
    assert [page.pk for page in found] == [site.root_page_id]


def test_a_page_that_does_not_validate_leaves_nothing_behind(news_index, signals):
    bilingual_page_add(parent=news_index, model=NewsArticlePage, slug="first", title_ky="Бир", title_ru="Один")
    pages, revisions, logs = Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count()
    signals.clear()
    with pytest.raises(ValidationError), transaction.atomic():  # as its callers run it: in their own transaction
        bilingual_page_add(parent=news_index, model=NewsArticlePage, slug="first", title_ky="Эки", title_ru="Два")
    assert (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count()) == (pages, revisions, logs)
    assert signals == []
