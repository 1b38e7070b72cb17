"""`manage.py check_disclosure [--school CODE] [--json]`: W3 completeness per school; exit 1 if anything is missing."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cms.completeness import disclosure_report
from diary.models import School


class Command(BaseCommand):
    help = "Reports, per school site, which mandated disclosure items are present, missing, untranslated or stale."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="only this school (its code)")
        parser.add_argument("--json", action="store_true", help="print JSON for monitoring")
        parser.add_argument("--language", choices=["ky", "ru"], default="ky")

    def handle(self, *args, **options):
        schools = School.objects.filter(site__isnull=False).select_related("site", "site__root_page")
        if options["school"]:
            schools = schools.filter(code=options["school"])
            if not schools:
                raise CommandError(f"No school with the code {options['school']!r} has a website.")
        with translation.override(options["language"]):
            reports = {school.code: disclosure_report(school.site) for school in schools}
        if options["json"]:
            self.stdout.write(json.dumps(reports, ensure_ascii=False, indent=2))
        else:
            for code, report in reports.items():
                completeness = report["completeness"]
                self.stdout.write(f"{code}: {completeness['percent']}%")
                for status in ("missing", "untranslated", "stale"):
                    for item in completeness[status]:
                        self.stdout.write(f"  {status}: {item}")
        if any(report["completeness"]["missing"] for report in reports.values()):
            raise SystemExit(1)
