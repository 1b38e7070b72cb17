"""Creating pages the way every school site needs them: both languages' titles and slugs, published."""

from django.db import transaction
from wagtail.models import Page

from cms.tasks import tasks_held


@transaction.atomic
@tasks_held  # the page is saved three times below; its search and reference index entries are written once
def bilingual_page_add(*, parent: Page, model: type[Page], slug: str, title_ky: str, title_ru: str, **fields) -> Page:
    # Set every language's title and slug explicitly: which one `title` means depends on the active language.
    page = model(title=title_ky, title_ky=title_ky, title_ru=title_ru, slug=slug, slug_ky=slug, slug_ru=slug, **fields)
    parent.add_child(instance=page)  # validated here (Page.save runs full_clean)
    page.save_revision(clean=False).publish()  # the same fields: not validated a second time
    return page
