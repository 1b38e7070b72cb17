"""Querysets compiled to SQL once per process and database, then run again with other parameter values.

Django compiles a queryset's SQL every time it is evaluated. For the few reads that every request of a family
makes (the API token, the account's own students, its staff record), compiling costs about twenty times what
running the SQL does (1,000-student school, SQLite: 3.0 ms against 0.15 ms for the account's students), and it
is the same SQL each time. `PreparedQuery` compiles it once, remembers where each argument lands among the
parameters, and from then on only executes: the same SQL, the same converters and the same model instances (with
their `select_related` objects and annotations) as evaluating the queryset itself.

    token_by_hash = PreparedQuery(lambda key_hash: ApiToken.objects.filter(key_hash=key_hash)[:1])
    tokens = token_by_hash("…")  # a list of ApiToken

Arguments are compared with sentinels to find their places, so they must be ints or strings that the queryset
passes to the database unchanged (primary keys, hashes, codes); anything else is refused when first compiled.
The SQL must not depend on anything but the arguments: not on the active language (modeltranslation rewrites a
translated field's name by language), the date or the settings.
The result is a list; `prefetch_related`, `values()` and querysets reached through a related manager are refused.
"""

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

_INT_SENTINEL = 2_000_000_011  # fits a 32-bit integer column, and no school has this many rows
_STR_SENTINEL = "\x1fprepared-argument-{}\x1f"


class PreparedQueryError(TypeError):
    pass


class _Plan:
    """One compiled query: its SQL, which parameter slot takes which argument, and how rows become objects."""

    def __init__(self, queryset: QuerySet, sentinels: list, connection) -> None:
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise PreparedQueryError("PreparedQuery runs plain model querysets (no values(), no prefetch_related)")
        if queryset._known_related_objects:
            raise PreparedQueryError("PreparedQuery cannot run a queryset reached through a related manager")
        self.alias = queryset.db
        self.connection = connection
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots: list[tuple[int, int]] = []  # (parameter position, argument index)
        for position, value in enumerate(self.params):
            for index, sentinel in enumerate(sentinels):
                if type(value) is type(sentinel) and value == sentinel:
                    self.slots.append((position, index))
        missing = set(range(len(sentinels))) - {index for _position, index in self.slots}
        if missing:
            raise PreparedQueryError(f"arguments {sorted(missing)} do not reach the SQL unchanged")
        # The converters (dates, decimals, JSON, booleans on SQLite) depend only on the columns and the connection.
        self.converters = list(compiler.get_converters([column[0] for column in compiler.select]).items())
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, self.alias)
        self.annotations = dict(compiler.annotation_col_map or {})
        query = queryset.query
        self.width = len(select)  # the columns of a row
        self.order_by = query.order_by
        self.single = query.high_mark is not None and query.high_mark - query.low_mark <= 1

    def parameters(self, arguments: tuple) -> list:
        params = list(self.params)
        for position, index in self.slots:
            params[position] = arguments[index]
        return params

    def run(self, arguments: tuple) -> list:
        with _cursor(self.connection) as cursor:
            cursor.execute(self.sql, self.parameters(arguments))
            return self.objects(cursor.fetchall())

    def objects(self, rows) -> list:
        connection = self.connection
        objects = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, column in self.annotations.items():
                setattr(obj, name, row[column])
            objects.append(obj)
        return objects


def _cursor(connection):
    """A cursor as `connection.cursor()` gives it (wrapped, so queries are logged and counted), but on PostgreSQL
    with server-side binding: psycopg then prepares a statement the connection has run a few times
    (`prepare_threshold`, 5), and PostgreSQL stops planning it again on every request. Planning was most of these
    queries' time there (the account's students: 1.2 ms planning, 0.3 ms running). Django's own cursors bind on the
    client, so the rest of the project is unchanged. Prepared statements live in the database session: a pooler in
    transaction mode (pgbouncer) needs `max_prepared_statements` set."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What BaseDatabaseWrapper._cursor does, with the other cursor class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))


class PreparedQuery:
    """`build(*arguments)` returns the queryset; calling the PreparedQuery returns its rows as a list of objects."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        self._plans: dict[tuple, _Plan] = {}

    def __call__(self, *arguments) -> list:
        # One plan per thread: the compiler and its converters belong to the thread's own connection. A plan made
        # for a connection that has since been replaced (a thread id used again, or other settings) is made again.
        key = (tuple(type(argument) for argument in arguments), threading.get_ident())
        plan = self._plans.get(key)
        if plan is None or plan.connection is not connections[plan.alias]:
            plan = self._plans[key] = self._compile(arguments)
        return plan.run(arguments)

    def _compile(self, arguments: tuple) -> _Plan:
        return _compile(self.build, arguments)


def _compile(build: Callable[..., QuerySet], arguments: tuple) -> _Plan:
    sentinels = []
    for n, argument in enumerate(arguments):
        if isinstance(argument, bool) or not isinstance(argument, int | str):
            raise PreparedQueryError(f"PreparedQuery takes ints and strings, not {type(argument).__name__}")
        sentinels.append(_INT_SENTINEL + n if isinstance(argument, int) else _STR_SENTINEL.format(n))
    queryset = build(*sentinels)
    return _Plan(queryset, sentinels, connections[queryset.db])


class _PairPlan:
    """Two plans in one statement: the first query's rows (at most one) beside each row of the second, which keeps
    its order. `SELECT * FROM (first) LEFT JOIN (second) ON TRUE ORDER BY …`, the order given by the positions of
    the second query's ordering columns, since a subquery's own ORDER BY need not survive the join."""

    def __init__(self, first: _Plan, second: _Plan) -> None:
        if first.connection is not second.connection:
            raise PreparedQueryError("PreparedPair runs both queries on one database")
        if not first.single:
            raise PreparedQueryError("PreparedPair's first query gives one row at most ([:1])")
        self.first, self.second, self.connection = first, second, first.connection
        columns = {name: position for position, name in enumerate(second.init_list, start=second.start)}
        columns["pk"] = columns[second.model._meta.pk.attname]
        order = []
        for field in second.order_by:
            name = field.removeprefix("-")
            if name not in columns:
                raise PreparedQueryError("PreparedPair orders the second query by its own model's fields only")
            order.append(f"{first.width + columns[name] + 1}{' DESC' if field.startswith('-') else ''}")
        if not order:
            raise PreparedQueryError("PreparedPair needs the second query's order (order_by)")
        self.alias = first.alias
        self.second_pk = columns["pk"]
        # Only compiled SQL and column numbers are joined here; every value stays a parameter.
        self.sql = (
            f"SELECT * FROM ({first.sql}) prepared_first LEFT JOIN ({second.sql}) prepared_second ON TRUE "  # noqa: S608
            f"ORDER BY {', '.join(order)}"
        )

    def run(self, arguments: tuple) -> tuple[list, list]:
        with _cursor(self.connection) as cursor:
            cursor.execute(self.sql, self.first.parameters(arguments) + self.second.parameters(arguments))
            rows = cursor.fetchall()
        if not rows:  # no first row: the join has nothing to give the second's rows to
            return [], []
        width = self.first.width
        if len(rows[0]) != width + self.second.width:
            raise PreparedQueryError("PreparedPair's rows do not have the columns of its two queries")
        # The first's columns come first in every row; a second with no rows leaves one row of NULLs beside it.
        second = [row[width:] for row in rows if row[width + self.second_pk] is not None]
        return self.first.objects(rows[:1]), self.second.objects(second)


class PreparedPair(PreparedQuery):
    """Two PreparedQuery reads in one round trip, for a read of one row that a second read always follows (the
    session's account, then its own students): `pair(*arguments)` returns `(first's rows, second's rows)`, the
    same as calling each. The first must give at most one row (a primary key and `[:1]`); the second must be
    ordered by fields of its own model. Both take the same arguments."""

    def __init__(self, first: Callable[..., QuerySet], second: Callable[..., QuerySet]) -> None:
        super().__init__(first)
        self.second = second

    def _compile(self, arguments: tuple) -> _PairPlan:
        return _PairPlan(_compile(self.build, arguments), _compile(self.second, arguments))
