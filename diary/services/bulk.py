"""Many new rows of one table in one statement, without building a model instance for each.

For the tables written in bulk on busy paths (a year of lessons at import, the audit rows of every save): COPY on
PostgreSQL and one executemany on SQLite, where bulk_create would prepare every field of every object one by one.
Rows send no signals and get no primary keys back; `created_at` and `updated_at` are the moment of the insert.
"""

import contextlib
from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils import timezone


def rows_insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Inserts `rows` (one value per name in `fields`, each already prepared for the database, see `prepared`)
    into the table of `model`, which has `created_at` and `updated_at`; returns how many rows were written."""
    now = prepared_datetime(timezone.now())
    values = [(now, now, *row) for row in rows]
    if not values:
        return 0
    meta = model._meta
    names = ["created_at", "updated_at", *fields]
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in names)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream, where executemany would send an INSERT per row. It runs on the driver's cursor, so
            # it is logged (and counted, where queries are counted) here, as Django logs its own statements.
            sql = f"COPY {table} ({columns}) FROM STDIN"
            logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else contextlib.nullcontext()
            with logged, cursor.cursor.copy(sql) as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608
    return len(values)


def prepared_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


def prepared_date(value):
    return connection.ops.adapt_datefield_value(value)


def prepared(model, name: str, value):
    """A value as the model's field sends it to the database (JSON, choices, booleans)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)
