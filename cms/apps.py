from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("School website")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cms.cache import page_deleted, public_pages_changed
        from cms.models import SchoolContacts

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(public_pages_changed, dispatch_uid=f"public-pages-{id(signal)}")
        post_save.connect(public_pages_changed, sender=SchoolContacts, dispatch_uid="public-pages-contacts")
        # A site's host or home page changed: cached pages and the sites kept by each process are stale.
        post_save.connect(public_pages_changed, sender=Site, dispatch_uid="public-pages-site")
        post_delete.connect(page_deleted, dispatch_uid="public-pages-delete")
        # A page made private (or public again) must leave (or may enter) the anonymous visitors' cache at once.
        for signal in (post_save, post_delete):
            signal.connect(
                public_pages_changed, sender=PageViewRestriction, dispatch_uid=f"public-pages-private-{id(signal)}"
            )
        self.rich_text_cleaning_connect()

    def rich_text_cleaning_connect(self) -> None:
        """No script is ever stored in rich text, however it is written (cms/sanitise.py)."""
        from django.apps import apps
        from django.db.models.signals import pre_save
        from wagtail.fields import RichTextField

        from cms.sanitise import page_rich_text_clean

        for model in apps.get_models():
            if any(isinstance(field, RichTextField) for field in model._meta.concrete_fields):
                pre_save.connect(page_rich_text_clean, sender=model, dispatch_uid=f"rich-text-{model._meta.label}")
