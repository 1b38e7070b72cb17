"""W1, W4: each school site's disclosure tree, and who drafts and who approves it."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import GroupPagePermission, GroupSitePermission, Page, Site, Workflow, WorkflowPage, WorkflowTask

from cms.models import SECTION_MODELS, DisclosureIndexPage, ProhibitedContentReviewTask
from cms.models.workflow import MODERATION_TASK_NAME, MODERATION_WORKFLOW_NAME, bilingual_name
from cms.permissions import group_names
from cms.services.sites import bilingual_page_add

INDEX_TITLES = ("Мектеп жөнүндө маалымат", "Сведения о школе")
SECTION_TITLES = {
    "general": ("Негизги маалымат", "Основные сведения"),
    "structure": ("Түзүмү жана башкаруу органдары", "Структура и органы управления"),
    "documents": ("Документтер", "Документы"),
    "education": ("Билим берүү", "Образование"),
    "standards": ("Билим берүү стандарттары", "Образовательные стандарты"),
    "leadership": ("Жетекчилик", "Руководство"),
    "staff": ("Педагогикалык кызматкерлер", "Педагогический состав"),
    "facilities": ("Материалдык-техникалык камсыздоо", "Материально-техническое обеспечение"),
    "admission": ("Кабыл алуу", "Приём"),
    "finance": ("Каржы-чарбалык ишмердүүлүк", "Финансово-хозяйственная деятельность"),
}
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
ADMINISTRATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
# W6: no global user permission (auth.*_user) and no global site setting: a site administrator manages their own
# site's accounts through cms.permissions.site_accounts_managed_by, and their own site's contacts through a
# per-site permission (ADMINISTRATOR_SITE_PERMISSIONS). Questions are read through cms.permissions too.
ADMINISTRATOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("home", "view_question"),
    ("home", "change_question"),
]
ADMINISTRATOR_SITE_PERMISSIONS = [("cms", "change_schoolcontacts")]
GLOBAL_PERMISSIONS_NEVER_HELD = [
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("auth", "delete_user"),
    ("auth", "add_group"),
    ("auth", "change_group"),
    ("auth", "delete_group"),
    ("cms", "change_schoolcontacts"),
]
EDITOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
]


def _permissions(pairs):
    query = Permission.objects.none()
    for app_label, codename in pairs:
        query = query | Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return query


@transaction.atomic
def moderation_ensure(*, site: Site) -> tuple[Group, Group, Workflow]:
    """W4, W6: the site's editors (draft only) and site administrators (approve, publish, manage accounts),
    and the disclosure workflow whose approval carries the W5 checklist."""
    editors_name, administrators_name = group_names(site)
    editors, _ = Group.objects.get_or_create(name=editors_name)
    administrators, _ = Group.objects.get_or_create(name=administrators_name)
    for group in (editors, administrators):
        group.permissions.remove(*_permissions(GLOBAL_PERMISSIONS_NEVER_HELD))
    editors.permissions.add(*_permissions(EDITOR_PERMISSIONS))
    administrators.permissions.add(*_permissions(ADMINISTRATOR_PERMISSIONS))
    for permission in _permissions(ADMINISTRATOR_SITE_PERMISSIONS):
        GroupSitePermission.objects.get_or_create(group=administrators, site=site, permission=permission)
    home = site.root_page
    for group, codenames in ((editors, EDITOR_PAGE_PERMISSIONS), (administrators, ADMINISTRATOR_PAGE_PERMISSIONS)):
        for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)

    # The site's task is the one its administrators approve; its workflow, the one holding that task.
    task = ProhibitedContentReviewTask.objects.filter(groups=administrators).order_by("pk").first()
    if task is None:
        task = ProhibitedContentReviewTask.objects.create(name=bilingual_name(MODERATION_TASK_NAME))
        task.groups.set([administrators])
    workflow = Workflow.objects.filter(workflow_tasks__task=task).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=bilingual_name(MODERATION_WORKFLOW_NAME))
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return editors, administrators, workflow


@transaction.atomic
def disclosure_tree_ensure(*, site: Site) -> DisclosureIndexPage:
    """W1: the site's `info/` page and its ten sections at their fixed slugs, published, under moderation (W4)."""
    home = site.root_page.specific
    index = DisclosureIndexPage.objects.child_of(home).first()
    if index is None:
        index = bilingual_page_add(
            parent=home,
            model=DisclosureIndexPage,
            slug="info",
            title_ky=INDEX_TITLES[0],
            title_ru=INDEX_TITLES[1],
            show_in_menus=True,
        )
    existing = {type(page) for page in index.get_children().specific()}
    for model in SECTION_MODELS:
        if model in existing:
            continue
        title_ky, title_ru = SECTION_TITLES[model.section_slug]
        bilingual_page_add(parent=index, model=model, slug=model.section_slug, title_ky=title_ky, title_ru=title_ru)
    _editors, _administrators, workflow = moderation_ensure(site=site)
    WorkflowPage.objects.get_or_create(page=Page.objects.get(pk=index.pk), defaults={"workflow": workflow})
    return index


SITE_PAGES = {
    "news": ("NewsIndexPage", "Жаңылыктар", "Новости"),
    "feedback": ("FeedbackPage", "Кайтарым байланыш / суроо-жооп", "Обратная связь / вопрос-ответ"),
    "site-map": ("SiteMapPage", "Сайттын картасы", "Карта сайта"),
}


@transaction.atomic
def site_structure_ensure(*, site: Site) -> None:
    """Everything a school site must have (W1, W6, W7): disclosure, news, feedback and the site map."""
    from home import models as home_models

    models = {slug: getattr(home_models, model_name) for slug, (model_name, *_titles) in SITE_PAGES.items()}
    # Each new page reads its type's content type; the fifteen are read in one query (Django keeps them).
    ContentType.objects.get_for_models(DisclosureIndexPage, *SECTION_MODELS, *models.values())
    disclosure_tree_ensure(site=site)
    home = site.root_page.specific
    for slug, (_model_name, title_ky, title_ru) in SITE_PAGES.items():
        model = models[slug]
        if model.objects.child_of(home).exists():
            continue
        bilingual_page_add(
            parent=home, model=model, slug=slug, title_ky=title_ky, title_ru=title_ru, show_in_menus=True
        )
    # W4: news passes the same approval, with the W5 checklist, as the disclosure sections.
    news = models["news"].objects.child_of(home).first()
    if news is not None:
        _editors, _administrators, workflow = moderation_ensure(site=site)
        WorkflowPage.objects.get_or_create(page=Page.objects.get(pk=news.pk), defaults={"workflow": workflow})
