"""The school site's own pages: the home page, news, the feedback / questions-and-answers page (W6) and the
site map (W7). The questions themselves are in home/models/questions.py."""

from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page, Site

from cms.client import client_address
from cms.models.workflow import ChecklistOnPublish
from home.exceptions import FeedbackRefused
from home.forms import QuestionForm
from home.models.questions import Question
from home.services import question_submit

RICH_TEXT = ["bold", "italic", "link", "ol", "ul", "h2", "h3", "document-link"]


class HomePage(ChecklistOnPublish, Page):
    """The front page of one school's website: the root page of that school's Wagtail Site."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul", "h2", "h3"],
        help_text=_("A few sentences that greet the visitor on the front page."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.DisclosureIndexPage", "home.NewsIndexPage", "home.FeedbackPage", "home.SiteMapPage"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the news fragment (keyed by the publish version) is not in the cache; a callable, which the
        # template calls, so that not even the queryset is built when it is.
        context["news"] = lambda: NewsArticlePage.objects.live().descendant_of(self).order_by("-date")[:3]
        return context


class NewsIndexPage(ChecklistOnPublish, Page):
    """The school's news, newest first (one per site)."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = NewsArticlePage.objects.live().child_of(self).order_by("-date")
        context["articles"] = Paginator(articles, 10).get_page(request.GET.get("page"))
        return context


class NewsArticlePage(ChecklistOnPublish, Page):
    """One piece of news."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = RichTextField(_("text"), blank=True, features=RICH_TEXT)
    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    api_fields = [APIField("date"), APIField("summary"), APIField("body")]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")


class FeedbackPage(ChecklistOnPublish, Page):
    """W6: the public feedback form; questions land in the admin, published answers show here."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT)
    thank_you = models.CharField(_("thank-you message"), max_length=300, blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("thank_you")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("feedback and questions")
        verbose_name_plural = _("feedback and questions")

    def serve(self, request, *args, **kwargs):
        site = Site.find_for_request(request)
        form = QuestionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                question_submit(site=site, client_address=client_address(request), **form.cleaned_data)
            except FeedbackRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                return redirect(f"{self.url}?sent=1")
        context = self.get_context(request, *args, **kwargs)
        context.update(
            form=form,
            sent=request.GET.get("sent") == "1",
            answered=Question.objects.filter(site=site, is_published=True).exclude(answer="")[:50],
        )
        return TemplateResponse(request, self.get_template(request, *args, **kwargs), context)


class SiteMapPage(ChecklistOnPublish, Page):
    """W7: the site's structure as a page: every published page, nested."""

    content_panels = Page.content_panels
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("site map")
        verbose_name_plural = _("site maps")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = Site.find_for_request(request).root_page
        pages = list(Page.objects.live().public().descendant_of(home, inclusive=True).order_by("path"))
        context["tree"] = [(page, page.depth - home.depth) for page in pages]
        return context


def home_page_route(translated_route):
    """HomePage.route (installed by HomeConfig.ready over wagtail-modeltranslation's own): a page under the home
    page is found by its address in the visitor's language (wagtail-modeltranslation keeps a url_path per language)
    in one query, where the translated route reads every level's children in turn; an address not found that way
    takes that route, so both answer alike."""

    def route(self, request, path_components):
        if path_components:
            target = f"{self.url_path}{'/'.join(path_components)}/"
            page = Page.objects.filter(url_path=target, path__startswith=self.path).specific().first()
            if page is not None:
                return page.route(request, [])
        return translated_route(self, request, path_components)

    return route
