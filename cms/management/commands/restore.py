"""`manage.py restore ARCHIVE [--force]`: restores a backup into an empty database and checks it against its
manifest (row counts and checksums of every table, migrations, media files)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.services.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restores an archive of `manage.py backup` and verifies it against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")

    def handle(self, *args, **options):
        try:
            result = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"backup made at {result.manifest['created_at']}")
        if options["verbosity"] >= 2:
            for table, expected in result.manifest["tables"].items():
                restored = result.restored_tables.get(table, {})
                same = "equal" if restored == expected else "DIFFERENT"
                self.stdout.write(f"  {table}: {expected['rows']} → {restored.get('rows', 0)} rows, checksum {same}")
        for table in result.differing_tables:
            self.stdout.write(f"  differs: {table}")
        for path in result.missing_media:
            self.stdout.write(f"  media file missing or changed: {path}")
        if not result.migrations_equal:
            self.stdout.write("  the applied migrations differ from the manifest")
        self.stdout.write(result.summary())
        if not result.ok:
            raise CommandError("The restored data do not match the backup's manifest.")
