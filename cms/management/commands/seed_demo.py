"""`manage.py seed_demo`: the demo school (its website and, later, its diary). Safe to run twice."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from cms.demo import (
    DEMO_ADMIN_PASSWORD,
    DEMO_ADMIN_USERNAME,
    DEMO_HOSTNAME,
    DEMO_INTRO_KY,
    DEMO_INTRO_RU,
    DEMO_TITLE_KY,
    DEMO_TITLE_RU,
)
from cms.services.sites import school_site_ensure


class Command(BaseCommand):
    help = "Creates the demo school (website home page and demo logins). Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        site = school_site_ensure(
            hostname=DEMO_HOSTNAME,
            title_ky=DEMO_TITLE_KY,
            title_ru=DEMO_TITLE_RU,
            intro_ky=DEMO_INTRO_KY,
            intro_ru=DEMO_INTRO_RU,
            is_default=True,
        )
        user_model = get_user_model()
        admin = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
        if admin is None:
            user_model.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@localhost", DEMO_ADMIN_PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"Demo school site: {site.hostname} ({site.root_page.title})"))
        self.stdout.write(f"Administrator login: {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}  (/admin/)")
