# ruff: noqa: S608  (every SQL name here comes from the database schema, every value is a parameter)
"""What a slow fixture writes, captured once per test process and written again in later tests in a few statements.

`RowsSnapshot.of(build)` runs `build` inside a savepoint, keeps the rows it added, changed and removed (table by
table, compared by primary key) and rolls the savepoint back. `apply()` writes those rows into the current test's
transaction. It is used only when the database looks as it did when the rows were captured (same content types and
same row counts in the tables involved); otherwise the caller runs the real `build`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _sqlite_virtual_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        return [name for (name,) in cursor.fetchall()]


def _columns(table: str) -> list[tuple[str, str]]:
    """The stored (not generated) columns of a table, in order, with their types on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return [(column.name, "") for column in connection.introspection.get_table_description(cursor, table)]
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            [_quote(table)],
        )
        return list(cursor.fetchall())


def _tables() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(table, primary key, columns) of every table but SQLite's full-text tables (and the shadow tables SQLite keeps
    for them): triggers on the search index write those."""
    virtual = _sqlite_virtual_tables() if connection.vendor == "sqlite" else []
    tables = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if not any(table == name or table.startswith(f"{name}_") for name in virtual):
                pk = connection.introspection.get_primary_key_column(cursor, table)
                if pk:
                    tables.append((table, pk, _columns(table)))
    return tables


def _rows(table: str, columns: list[tuple[str, str]], pk: str) -> dict:
    """Every row of a table by primary key; on PostgreSQL as text, which casts back to any column type."""
    if connection.vendor == "postgresql":
        select = ", ".join(f"{_quote(name)}::text" for name, _ in columns)
    else:
        select = ", ".join(_quote(name) for name, _ in columns)
    position = [name for name, _ in columns].index(pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {_quote(table)}")
        return {row[position]: row for row in cursor.fetchall()}


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        return cursor.fetchone()[0]


@dataclass
class TableChange:
    table: str
    pk: str
    columns: list[tuple[str, str]]
    count_before: int
    removed: list = field(default_factory=list)  # primary keys
    written: list = field(default_factory=list)  # whole rows, added or changed


@dataclass
class RowsSnapshot:
    changes: list[TableChange]
    content_types: list

    @classmethod
    def of(cls, build: Callable[[], object]) -> RowsSnapshot:
        tables = _tables()
        columns = {table: table_columns for table, _, table_columns in tables}
        tables = [(table, pk) for table, pk, _ in tables]
        with transaction.atomic():
            before = {table: _rows(table, columns[table], pk) for table, pk in tables}
            build()
            changes = []
            for table, pk in tables:
                after = _rows(table, columns[table], pk)
                if after != before[table]:
                    change = TableChange(table, pk, columns[table], len(before[table]))
                    # A changed row is removed and written again.
                    change.removed = [key for key, row in before[table].items() if after.get(key) != row]
                    change.written = [row for key, row in after.items() if before[table].get(key) != row]
                    changes.append(change)
            transaction.set_rollback(True)
        return cls(changes=changes, content_types=_content_types())

    def fits(self) -> bool:
        """Whether the database is in the state the rows were captured from."""
        if _content_types() != self.content_types:
            return False
        return all(_count(change.table) == change.count_before for change in self.changes)

    def apply(self) -> None:
        with connection.cursor() as cursor:
            for change in self.changes:
                table = _quote(change.table)
                pk = _quote(change.pk)
                if change.removed:
                    marks = ", ".join(["%s"] * len(change.removed))
                    column = f"{pk}::text" if connection.vendor == "postgresql" else pk
                    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", change.removed)
                if change.written:
                    names = ", ".join(_quote(name) for name, _ in change.columns)
                    if connection.vendor == "postgresql":
                        marks = ", ".join(f"%s::{kind}" for _, kind in change.columns)
                    else:
                        marks = ", ".join(["%s"] * len(change.columns))
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", change.written)
            if connection.vendor == "postgresql":
                for change in self.changes:
                    if change.written:
                        # Explicit keys leave the table's sequence behind; the next row must not reuse one.
                        cursor.execute(
                            "SELECT setval(pg_get_serial_sequence(%s, %s), "
                            f"(SELECT MAX({_quote(change.pk)}) FROM {_quote(change.table)}))"
                            " WHERE pg_get_serial_sequence(%s, %s) IS NOT NULL",
                            [_quote(change.table), change.pk, _quote(change.table), change.pk],
                        )


def _content_types() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
        return cursor.fetchall()
