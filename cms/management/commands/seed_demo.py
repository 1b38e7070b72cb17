"""`manage.py seed_demo`: the demo school (its website and its diary) with demo logins. Safe to run twice."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from cms.demo import (
    DEMO_ADMIN_PASSWORD,
    DEMO_ADMIN_USERNAME,
    DEMO_HOSTNAME,
    DEMO_INTRO_KY,
    DEMO_INTRO_RU,
    DEMO_PASSWORD,
    DEMO_TITLE_KY,
    DEMO_TITLE_RU,
    DEMO_WORKBOOK,
)
from cms.demo_content import demo_website_content_ensure
from cms.models import PROHIBITED_CONTENT_CHECKLIST
from cms.services.sites import school_site_ensure
from cms.services.staff_publication import staff_awaiting_check, staff_public_check
from diary.demo.activity import demo_accounts_ensure, demo_activity_build
from diary.services.school_import import school_import
from diary.workbook import workbook_read


def statistics_refresh() -> None:
    """The database plans each query from its statistics of the tables, which still describe them as they were
    before this transaction inserted a school into them: thousands of lessons and marks planned as a handful of rows
    (scans instead of index look-ups, also for the foreign-key checks at commit). ANALYZE counts the transaction's
    own rows."""
    from diary.models import AuditEntry, Enrolment, FinalGrade, Journal, Lesson, Mark, StaffMember, Student

    models = (Student, Enrolment, StaffMember, Journal, Lesson, Mark, AuditEntry, FinalGrade, get_user_model())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Creates the demo school: website, diary data imported from the demo workbook, activity, logins."

    def add_arguments(self, parser):
        parser.add_argument("--website-only", action="store_true", help="only the website's home page and admin")

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
        if not user_model.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
            user_model.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@localhost", DEMO_ADMIN_PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"Demo school site: {site.hostname} ({site.root_page.title})"))
        self.stdout.write(f"Administrator login: {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}  (/admin/)")
        demo_website_content_ensure(site=site)
        if options["website_only"]:
            return

        sheets, problems = workbook_read(Path(settings.BASE_DIR) / DEMO_WORKBOOK)
        summary = school_import(sheets=sheets, read_problems=problems)
        school = summary.school
        awaiting = [member.pk for member in staff_awaiting_check(site=site)]
        if awaiting:  # W4: the demo's administrator confirmed the checklist for the demo staff
            staff_public_check(
                actor=user_model.objects.get(username=DEMO_ADMIN_USERNAME),
                site=site,
                staff_ids=awaiting,
                confirmations=dict.fromkeys(PROHIBITED_CONTENT_CHECKLIST, True),
            )
        statistics_refresh()
        logins = demo_accounts_ensure(school=school, password=DEMO_PASSWORD)
        activity = demo_activity_build(school=school, today=timezone.localdate())
        statistics_refresh()
        if not activity.get("skipped"):
            self.stdout.write(
                f"Demo diary: {activity.get('topics', 0)} lessons recorded, {activity.get('marks', 0)} marks, "
                f"{activity.get('finals', 0)} final grades."
            )
        self.stdout.write(f"Diary logins (password {DEMO_PASSWORD}):")
        for role, username in logins.items():
            self.stdout.write(f"  {role:<9} {username}")
