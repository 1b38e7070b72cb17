from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = _("Electronic diary")

    def ready(self):
        from diary import (
            signals,  # noqa: F401  (records logins for the activity report)
            tasks,  # noqa: F401  (registers the tasks the services queue by name, so eager mode runs them too)
        )
        from diary.api import schema  # noqa: F401  (registers the OpenAPI description of bearer tokens)
        from diary.services.freshness import receivers_connect

        receivers_connect()
