"""`manage.py import_school FILE [--dry-run] [--language ky|ru]`: import a school workbook (INTERFACES.md §2)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from diary.services.school_import import WorkbookInvalid, school_import
from diary.workbook import WorkbookUnreadable, workbook_read


class Command(BaseCommand):
    help = "Imports a school workbook (.xlsx, or a folder of .csv files). Atomic and idempotent by codes."

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx workbook or a folder of CSV files named after the sheets")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE,
            help="the language of messages (ky or ru)",
        )  # fmt: skip

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            try:
                sheets, read_problems = workbook_read(options["file"])
                summary = school_import(sheets=sheets, read_problems=read_problems, dry_run=options["dry_run"])
            except WorkbookUnreadable as error:
                raise CommandError(str(error.message)) from error
            except WorkbookInvalid as error:
                for problem in error.problems:
                    self.stderr.write(str(problem))
                raise CommandError(str(error.message)) from error
            created = ", ".join(f"{name}: {count}" for name, count in sorted(summary.created.items()) if count)
            updated = ", ".join(f"{name}: {count}" for name, count in sorted(summary.updated.items()) if count)
            if summary.dry_run:
                self.stdout.write(_("The workbook is valid; nothing was written (dry run)."))
            else:
                self.stdout.write(self.style.SUCCESS(_("Imported school %(code)s.") % {"code": summary.school.code}))
            self.stdout.write(_("Created: %(list)s") % {"list": created or "—"})
            self.stdout.write(_("Updated: %(list)s") % {"list": updated or "—"})
