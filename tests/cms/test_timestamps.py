"""PostgreSQL `timestamptz` values are read by the standard library's C parser (cms/timestamps.py), with the same
results as Django's own loader, which still answers whatever the fast path does not read."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg import DataError

from cms import timestamps

BISHKEK = zoneinfo.ZoneInfo("Asia/Bishkek")

# As PostgreSQL writes them in a UTC session (DateStyle ISO): fractions of any length, every year Python has.
WRITTEN = [
    b"2026-11-20 08:15:00+00",
    b"2026-11-20 08:15:00.25+00",
    b"2026-11-20 08:15:00.000001+00",
    b"2026-11-20 08:15:00.999999+00",
    b"0001-01-01 00:00:00+00",
    b"9999-12-31 23:59:59.999999+00",
    b"2024-02-29 23:59:59.5+00",
]


def django_loader(timezone):
    return type("DjangoTzLoader", (BaseTzLoader,), {"timezone": timezone})(0)


@pytest.mark.parametrize("timezone", [dt.UTC, BISHKEK, None], ids=["utc", "bishkek", "naive"])
def test_every_written_value_reads_as_djangos_loader_reads_it(timezone):
    fast, django = timestamps.for_timezone(timezone)(0), django_loader(timezone)
    for data in [*WRITTEN, b"2026-11-20 14:15:00.123456+06", b"2026-11-20 02:45:00-03:30:15"]:
        ours, theirs = fast.load(data), django.load(data)
        assert ours == theirs, data
        assert ours.tzinfo == theirs.tzinfo and ours.utcoffset() == theirs.utcoffset(), data
        assert fast.load(memoryview(data)) == theirs  # psycopg may hand over a buffer


def test_the_utc_connections_values_are_read_without_djangos_loader(monkeypatch):
    """The fast path is taken (Django's loader is not even made) for what a UTC session writes."""
    fast = timestamps.for_timezone(dt.UTC)(0)
    monkeypatch.setattr(fast, "_django_loader", lambda: pytest.fail("Django's loader was asked"))
    assert [fast.load(data).tzinfo for data in WRITTEN] == [dt.UTC] * len(WRITTEN)
    assert fast.load(b"2026-11-20 08:15:00.25+00") == dt.datetime(2026, 11, 20, 8, 15, 0, 250000, tzinfo=dt.UTC)


def test_what_the_fast_path_cannot_read_is_answered_by_djangos_loader():
    fast, django = timestamps.for_timezone(dt.UTC)(0), django_loader(dt.UTC)
    # Outside Python's years, or no offset at all: refused the same way.
    for data in (b"infinity", b"-infinity", b"0044-03-15 12:00:00+00 BC", b"12345-01-01 00:00:00+00",
                 b"2026-11-20 08:15:00"):  # fmt: skip
        with pytest.raises(DataError):
            django.load(data)
        with pytest.raises(DataError):
            fast.load(data)
    # Another offset (a session in another zone): Django's reading.
    assert fast.load(b"2026-11-20 14:15:00+06") == django.load(b"2026-11-20 14:15:00+06")


def test_one_class_per_time_zone():
    assert timestamps.for_timezone(dt.UTC) is timestamps.for_timezone(dt.UTC)
    assert timestamps.for_timezone(dt.UTC).timezone is dt.UTC
    assert timestamps.for_timezone(BISHKEK) is not timestamps.for_timezone(dt.UTC)


@pytest.mark.django_db
def test_stored_times_read_back_exactly(settings):
    """What is saved is what is read, to the microsecond, as an aware time; on PostgreSQL by the fast loader."""
    moments = [
        dt.datetime(2026, 11, 20, 8, 15, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 20, 8, 15, 0, 250000, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=BISHKEK),
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
    ]
    users = [
        get_user_model().objects.create(username=f"moment{n}", date_joined=moment, last_login=moment)
        for n, moment in enumerate(moments)
    ]
    read = get_user_model().objects.filter(pk__in=[user.pk for user in users]).order_by("pk")
    assert [(user.date_joined, user.last_login) for user in read] == [(moment, moment) for moment in moments]
    assert all(user.date_joined.utcoffset() == dt.timedelta(0) for user in read)
    if connection.vendor == "postgresql":
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
        from psycopg.pq import Format

        loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        assert issubclass(loader, timestamps.FastTimestamptzLoader) and loader.timezone == connection.timezone
