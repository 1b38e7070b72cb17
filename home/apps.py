from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home page")

    def ready(self):
        # After wagtail_modeltranslation (listed first) has patched every page type's route.
        from home.models import HomePage, home_page_route

        HomePage.route = home_page_route(HomePage.route)
