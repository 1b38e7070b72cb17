"""`manage.py seed_demo`: the demo school (its website and, later, its diary). Safe to run twice."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from cms.services.sites import school_site_ensure

DEMO_HOSTNAME = "localhost"
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "mektep-admin-demo"

DEMO_TITLE_KY = "№ 5 Ч. Айтматов атындагы орто мектеби"
DEMO_TITLE_RU = "Средняя школа № 5 имени Ч. Айтматова"
DEMO_INTRO_KY = (
    "<p>Мектебибиздин расмий сайтына кош келиңиз! Бул жерде мектептин түзүлүшү, окуу программалары, "
    "кабыл алуу тартиби жана жаңылыктар тууралуу маалымат жарыяланат.</p>"
)
DEMO_INTRO_RU = (
    "<p>Добро пожаловать на официальный сайт нашей школы! Здесь публикуются сведения о структуре школы, "
    "образовательных программах, порядке приёма и новости.</p>"
)


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
