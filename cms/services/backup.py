"""Backups of the whole deployment: the database, the media files and a manifest that proves a restore is whole.

One `.tar.gz` holds `manifest.json`, the database (`database.sqlite3`, a copy made with SQLite's online backup
API, or `database.dump`, `pg_dump`'s custom format) and `media/` (documents, images, report files). The manifest
records when the backup was made, the applied migrations, and for every table its row count and a checksum of its
rows in primary-key order, computed through the ORM so that the same data gives the same checksum on SQLite and
on PostgreSQL. The database copy and the manifest are taken from one consistent state: under SQLite's write lock,
or from one exported PostgreSQL snapshot.
"""

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_DIR = "media"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


# --- the manifest ------------------------------------------------------------------------------------------


def _value_text(value) -> str:
    """One value as text that is the same on SQLite and PostgreSQL (dates, decimals, JSON, bytes)."""
    if value is None:
        return "\x00"
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _models():
    """Every table the project's models own (many-to-many tables included), each once."""
    seen: set[str] = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        yield model


def table_checksum(model, using: str = DEFAULT_DB_ALIAS) -> tuple[int, str]:
    """(row count, sha256 of the rows in primary-key order): a stable fingerprint of one table's content."""
    columns = [field.attname for field in model._meta.concrete_fields]
    rows = model._base_manager.using(using).values_list(*columns)
    if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField"):
        rows = rows.order_by("pk").iterator(chunk_size=2000)
    else:
        # Text keys sort differently under each engine's collation; sort them the same way here.
        pk_index = columns.index(model._meta.pk.attname)
        rows = sorted(rows, key=lambda row: _value_text(row[pk_index]))
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update("\x1f".join(_value_text(value) for value in row).encode())
        digest.update(b"\x1e")
        count += 1
    return count, digest.hexdigest()


def database_state(using: str = DEFAULT_DB_ALIAS) -> dict:
    """`{"migrations": [...], "tables": {table: {"rows", "checksum"}}}` of the database as it is now."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = {}
    for model in _models():
        if model._meta.db_table in existing:
            rows, checksum = table_checksum(model, using)
            tables[model._meta.db_table] = {"rows": rows, "checksum": checksum}
    migrations = sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())
    return {"migrations": migrations, "tables": dict(sorted(tables.items()))}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_state(root: Path) -> dict[str, str]:
    """`{relative path: sha256}` of every file under MEDIA_ROOT."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _file_sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


# --- PostgreSQL client programs ----------------------------------------------------------------------------


def pg_program(name: str) -> str:
    """`pg_dump` / `pg_restore` of the newest installed PostgreSQL (Debian keeps them out of PATH)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key, reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install the PostgreSQL client programs (apt-get install postgresql).")
    return found


def _version_key(path: str) -> tuple:
    version = Path(path).parts[-3]
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _pg_arguments(connection) -> tuple[list[str], dict]:
    config = connection.settings_dict
    arguments = []
    if config.get("HOST"):
        arguments += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        arguments += ["--port", str(config["PORT"])]
    if config.get("USER"):
        arguments += ["--username", str(config["USER"])]
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return arguments, env


def _run(command: list[str], env: dict) -> None:
    # The program is found by pg_program and the arguments come from the settings, never from a request.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


# --- backup ------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def _backup_sqlite(connection, target: Path) -> dict:
    """Reads the manifest and copies the database (SQLite's online backup API, in one step) inside one read
    transaction: in WAL mode that is one snapshot, so the manifest describes exactly the copy, while others go
    on writing. (The project's own transactions begin IMMEDIATE, which would block the copy: this one is deferred.)"""
    if connection.in_atomic_block:
        raise BackupError("A backup is taken outside any transaction.")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            state = database_state(connection.alias)
            destination = sqlite3.connect(target)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        finally:
            cursor.execute("ROLLBACK")
    return state


def _backup_postgresql(connection, target: Path) -> dict:
    """`pg_dump` reads the snapshot this transaction exported, the same state the manifest is computed from."""
    arguments, env = _pg_arguments(connection)
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        _run(
            [pg_program("pg_dump"), *arguments, "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={target}", connection.settings_dict["NAME"]],
            env,
        )  # fmt: skip
        return database_state(connection.alias)


def backup_create(*, output_dir: Path, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Writes one `mektep-backup-<UTC time>.tar.gz` into `output_dir` and returns its path and manifest."""
    connection = connections[using]
    engine = connection.vendor
    if engine not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")
    output_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    created_at = timezone.now()
    with tempfile.TemporaryDirectory(prefix="mektep-backup-") as tmp:
        database_file = Path(tmp) / (SQLITE_FILE if engine == "sqlite" else PG_FILE)
        if engine == "sqlite":
            state = _backup_sqlite(connection, database_file)
        else:
            state = _backup_postgresql(connection, database_file)
        media = media_state(media_root)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "engine": engine,
            "database_file": database_file.name,
            **state,
            "media": media,
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        path = output_dir / f"mektep-backup-{created_at:%Y%m%d-%H%M%S-%f}.tar.gz"
        partial = path.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            archive.add(database_file, arcname=database_file.name)
            for relative in media:
                archive.add(media_root / relative, arcname=f"{MEDIA_DIR}/{relative}")
        partial.rename(path)
    return BackupResult(path=path, manifest=manifest)


# --- restore -----------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    tables: int = 0
    rows: int = 0
    differing_tables: list[str] = field(default_factory=list)
    restored_tables: dict = field(default_factory=dict)
    missing_media: list[str] = field(default_factory=list)
    migrations_equal: bool = True

    @property
    def ok(self) -> bool:
        return not self.differing_tables and not self.missing_media and self.migrations_equal

    def summary(self) -> str:
        outcome = "checksums equal" if not self.differing_tables else f"{len(self.differing_tables)} tables differ"
        line = f"restore: {self.tables} tables, {self.rows} rows, {outcome}"
        media = len(self.manifest.get("media", {}))
        line += f"; {media - len(self.missing_media)} of {media} media files"
        return line + ("" if self.migrations_equal else "; migrations differ")


def database_is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    """A database holds nobody's data while it has no account and no school (a fresh `migrate` creates neither)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("auth_user", "diary_school"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return False
    return True


def _restore_sqlite(connection, source: Path) -> None:
    """Copies the backup over the configured SQLite file with the online backup API, page by page."""
    target = connection.settings_dict["NAME"]
    connections.close_all()
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(source)
    destination = sqlite3.connect(target, timeout=20)
    try:
        origin.backup(destination)
    finally:
        origin.close()
        destination.close()


def _restore_postgresql(connection, source: Path, *, clean: bool) -> None:
    arguments, env = _pg_arguments(connection)
    connections.close_all()
    command = [pg_program("pg_restore"), *arguments, "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}"]  # fmt: skip
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], env)


def _restore_media(source: Path, media_root: Path) -> None:
    if not source.exists():
        return
    for path in source.rglob("*"):
        if path.is_file():
            target = media_root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def restore_compare(manifest: dict, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Compares the database and MEDIA_ROOT as they are now with what the manifest recorded."""
    state = database_state(using)
    expected = manifest["tables"]
    result = RestoreResult(manifest=manifest)
    result.tables = len(expected)
    result.rows = sum(table["rows"] for table in expected.values())
    result.differing_tables = sorted(
        table for table in expected.keys() | state["tables"].keys() if expected.get(table) != state["tables"].get(table)
    )
    result.restored_tables = state["tables"]
    result.migrations_equal = state["migrations"] == manifest["migrations"]
    media = media_state(Path(settings.MEDIA_ROOT))
    result.missing_media = sorted(
        path for path, digest in manifest.get("media", {}).items() if media.get(path) != digest
    )
    return result


def backup_restore(*, archive: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Restores an archive of `backup_create` into the configured database and MEDIA_ROOT, then verifies it.

    Refuses a database that already holds data unless `force` (its content is then replaced).
    """
    connection = connections[using]
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    with tempfile.TemporaryDirectory(prefix="mektep-restore-") as tmp:
        folder = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(folder, filter="data")
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError) as error:
            raise BackupError(f"{archive} is not a backup made by `manage.py backup`: {error}") from error
        if manifest.get("engine") != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest.get('engine')} database; "
                f"the configured database is {connection.vendor}."
            )
        if not force and not database_is_empty(using):
            raise BackupError("The database already holds data; restore into an empty database, or pass --force.")
        database_file = folder / manifest["database_file"]
        if connection.vendor == "sqlite":
            _restore_sqlite(connection, database_file)
        else:
            _restore_postgresql(connection, database_file, clean=force)
        _restore_media(folder / MEDIA_DIR, Path(settings.MEDIA_ROOT))
    connections.close_all()
    # The restored data versions may repeat ones the cached fragments are keyed by: forget them all.
    cache.clear()
    caches["fragments"].clear()
    return restore_compare(manifest, using)
