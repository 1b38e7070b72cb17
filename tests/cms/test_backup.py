"""Backups: `manage.py backup` and `manage.py restore` bring back every row of every table and every media file.

The restore runs as its own process against a fresh, empty database (a new SQLite file, or a new PostgreSQL
database on the server the suite runs on) and checks the restored tables against the backup's manifest.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from cms.services.backup import database_state
from diary.models import ReportRun

pytestmark = pytest.mark.django_db(transaction=True)
BASE_DIR = Path(settings.BASE_DIR)
REPORT_BYTES = b"%PDF-1.4\n% the progress report of the first quarter\n"


@pytest.fixture
def empty_database(tmp_path):
    """A URL of a fresh database that holds nothing: a new SQLite file, or a new database on the PostgreSQL server."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"mektep_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = config["USER"] + (f":{config['PASSWORD']}" if config.get("PASSWORD") else "")
    yield f"postgres://{credentials}@{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def manage(*arguments: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_backup_restores_into_an_empty_database_with_equal_tables_and_media(
    small_school, empty_database, tmp_path, capsys, figures
):
    run = ReportRun.objects.create(school=small_school.school, kind="progress", period=small_school.q1, key="q1-test")
    run.pdf.save("q1-progress.pdf", ContentFile(REPORT_BYTES))
    call_command("backup", output=tmp_path / "backups")
    archive = next((tmp_path / "backups").glob("mektep-backup-*.tar.gz"))
    assert "backup:" in capsys.readouterr().out

    live = database_state()
    rows = sum(table["rows"] for table in live["tables"].values())
    assert live["tables"]["diary_student"]["rows"] == 4

    media_root = tmp_path / "restored-media"
    restored = manage("restore", str(archive), "-v", "2", database_url=empty_database, media_root=media_root)
    assert restored.returncode == 0, restored.stderr[-3000:] + restored.stdout[-3000:]
    summary = f"restore: {len(live['tables'])} tables, {rows} rows, checksums equal"
    assert summary in restored.stdout
    # Every table is compared and listed, e.g. "  diary_student: 4 → 4 rows, checksum equal".
    assert "  diary_student: 4 → 4 rows, checksum equal" in restored.stdout
    assert (media_root / run.pdf.name).read_bytes() == REPORT_BYTES
    figures.add("restore", tables=len(live["tables"]), rows=rows, checksum_mismatches=0)

    # The restored database now holds data: a second restore is refused, unless forced.
    again = manage("restore", str(archive), database_url=empty_database, media_root=media_root)
    assert again.returncode != 0
    assert "--force" in again.stderr
    forced = manage("restore", str(archive), "--force", database_url=empty_database, media_root=media_root)
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert summary in forced.stdout


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"\x1f\x8b nothing here")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("restore", str(bogus))
