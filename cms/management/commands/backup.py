"""`manage.py backup [--output DIR]`: one `.tar.gz` with the database, the media files and a manifest."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.services.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Backs up the database (SQLite online backup or pg_dump), MEDIA_ROOT and a manifest into one archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, help="folder for the archive (default: var/backups)")

    def handle(self, *args, **options):
        output = options["output"] or Path(settings.VAR_DIR) / "backups"
        try:
            result = backup_create(output_dir=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = result.manifest["tables"]
        rows = sum(table["rows"] for table in tables.values())
        self.stdout.write(
            f"backup: {len(tables)} tables, {rows} rows, {len(result.manifest['media'])} media files"
            f" ({result.manifest['engine']})"
        )
        self.stdout.write(str(result.path))
