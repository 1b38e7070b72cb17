"""`manage.py build_reports --due`: builds every report that is due and not yet built (what the scheduler runs)."""

from django.core.management.base import BaseCommand, CommandError

from diary.models import School
from diary.services.reports import ReportRunBusy, due_report_runs, report_build


class Command(BaseCommand):
    help = "Builds every report that is due (D14) and not yet built, here and now."

    def add_arguments(self, parser):
        parser.add_argument("--due", action="store_true", help="build the reports that are due")

    def handle(self, *args, **options):
        if not options["due"]:
            raise CommandError("Say --due to build the reports that are due.")
        built = 0
        for school in School.objects.order_by("code"):
            for run in due_report_runs(school=school):
                try:
                    result = report_build(run_id=run.pk)
                except ReportRunBusy:
                    self.stdout.write(f"{school.code}: {run.key} is being built by a worker")
                    continue
                if result is not None:
                    built += 1
                    self.stdout.write(f"{school.code}: {run.key} → {result.status}")
        self.stdout.write(f"{built} report(s) built.")
