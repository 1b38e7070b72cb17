"""One Wagtail Site with its home page per school."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from home.models import HomePage


@transaction.atomic
def bilingual_page_add(*, parent: Page, model: type[Page], slug: str, title_ky: str, title_ru: str, **fields) -> Page:
    """A new page with both languages' titles and slugs, validated, and published as Wagtail's editor publishes it
    (`save_revision().publish()`: its revision, log entries and signals)."""
    # Set every language's title and slug explicitly: which one `title` means depends on the active language.
    page = model(title=title_ky, title_ky=title_ky, title_ru=title_ru, slug=slug, slug_ky=slug, slug_ru=slug, **fields)
    parent.add_child(instance=page)  # validated here (Page.save runs full_clean); logged as created
    page.save_revision().publish()
    return page


@transaction.atomic
def school_site_ensure(
    *,
    hostname: str,
    title_ky: str,
    title_ru: str,
    intro_ky: str | None = None,
    intro_ru: str | None = None,
    port: int = 80,
    is_default: bool = False,
) -> Site:
    """The school's Site and home page, created once; later calls update the titles (and the intro when given)."""
    site = Site.objects.filter(hostname=hostname, port=port).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        home = site.root_page.specific
        wanted = {"title_ky": title_ky, "title_ru": title_ru}
        wanted.update(
            {key: value for key, value in (("intro_ky", intro_ky), ("intro_ru", intro_ru)) if value is not None}
        )
        if any(getattr(home, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(home, field, value)
            home.save_revision().publish()
        return site

    root = _tree_root()
    slug = hostname.replace(".", "-")
    home = bilingual_page_add(
        parent=root,
        model=HomePage,
        slug=slug,
        title_ky=title_ky,
        title_ru=title_ru,
        intro_ky=intro_ky or "",
        intro_ru=intro_ru or "",
    )

    if is_default:
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
    if site is None:
        site = Site(hostname=hostname, port=port)
    site.root_page = home
    site.site_name = title_ky
    site.is_default_site = is_default or site.is_default_site
    site.save()
    _remove_wagtail_placeholder(root)
    return site


def _tree_root() -> Page:
    """The page tree's root; Wagtail's migrations make it, but an emptied database has none."""
    root = Page.get_first_root_node()
    if root is None:
        language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
        Locale.objects.get_or_create(language_code=language)
        root = Page.add_root(
            instance=Page(title="Root", title_ky="Root", title_ru="Root", slug="root", slug_ky="root", slug_ru="root")
        )
    return root


def _remove_wagtail_placeholder(root: Page) -> None:
    """Wagtail's first migration leaves a 'Welcome' page; once a school exists it serves no one."""
    placeholder = root.get_children().filter(content_type__model="page", content_type__app_label="wagtailcore")
    for page in placeholder:
        if not Site.objects.filter(root_page=page).exists():
            page.delete()
