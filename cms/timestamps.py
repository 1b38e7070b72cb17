"""PostgreSQL `timestamptz` values read by the C parser of the standard library instead of psycopg's Python one.

Django reads every `timestamptz` column through its own loader, a Python subclass of psycopg's Python
`TimestamptzLoader` (psycopg's C loader cannot be subclassed), and Django needs one with a `timezone` attribute.
That loader parses each value in Python (about 6 µs) and is made again for every query (it looks up the session's
DateStyle and time zone each time). A family's week page reads eight such values with its account, an API
answer as many with its token: about a tenth of either request.

PostgreSQL writes a `timestamptz` as ISO 8601 text in the session's time zone (`2026-11-20 08:15:00.25+00`, with
DateStyle ISO, PostgreSQL's default) and `datetime.fromisoformat` reads exactly that, in C. Anything it does not
read (`infinity`, years BC or after 9999, another DateStyle) goes to Django's own loader, which answers as before
(or refuses as before), and so does every value of a connection whose time zone is not UTC (a database TIME_ZONE,
or USE_TZ = False), which Django reads in its own way. The result is the same aware datetime as Django's.
"""

import datetime as dt

from psycopg.adapt import Loader

UTC = dt.UTC


class FastTimestamptzLoader(Loader):
    """A text `timestamptz` loader with Django's `timezone` attribute; subclasses set it (`for_timezone`)."""

    timezone: dt.tzinfo | None = None

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._context = context
        self._fallback = None

    def load(self, data):
        # Django's connection reads and writes in UTC (USE_TZ, no database TIME_ZONE): PostgreSQL then writes every
        # value with the offset +00, which fromisoformat reads as `datetime.UTC`, the zone Django gives it.
        if self.timezone is UTC:
            try:
                value = dt.datetime.fromisoformat(str(data, "ascii"))
            except ValueError:
                pass
            else:
                if value.tzinfo is UTC:
                    return value
        return self._django_loader().load(data)

    def _django_loader(self):
        if self._fallback is None:
            from django.db.backends.postgresql.psycopg_any import BaseTzLoader

            loader_class = type("DjangoTzLoader", (BaseTzLoader,), {"timezone": self.timezone})
            self._fallback = loader_class(self.oid, self._context)
        return self._fallback


_classes: dict = {}


def for_timezone(timezone: dt.tzinfo | None) -> type[FastTimestamptzLoader]:
    """The loader class for a connection's time zone (one class per zone, as Django makes one per connection)."""
    if timezone not in _classes:
        _classes[timezone] = type("FastTimestamptzLoader", (FastTimestamptzLoader,), {"timezone": timezone})
    return _classes[timezone]


def register(sender, connection, **kwargs) -> None:
    """`connection_created`: a new PostgreSQL connection reads `timestamptz` with the fast loader. Django compares
    its cursor's loader's `timezone` with the connection's and puts its own back when they differ (a changed
    TIME_ZONE), so a loader registered here is only ever used with the connection's own zone."""
    if connection.vendor != "postgresql":
        return
    connection.connection.adapters.register_loader("timestamptz", for_timezone(connection.timezone))


def connect() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(register, dispatch_uid="mektep-fast-timestamptz")
