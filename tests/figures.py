"""The figures the suite proves its promises with (SECURITY.md), printed at the end of every run.

A test records what it tried and what went wrong: `figures.add("bad input", inputs=120, server_errors=0,
unintended_changes=0)`. Counts under the same name add up over the run, and the terminal summary prints one
line per name, e.g. `bad input: 1843 inputs, 0 server errors, 0 unintended changes`.

`table_checksums()` is how "a refused request changed nothing" is proven: the row count and a stable hash of every
row of every table, compared before and after.
"""

import hashlib
import json
from collections import defaultdict

import pytest


class Figures:
    """Named counters collected over a test run."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, name: str, **counts: int) -> None:
        """Adds `counts` to the figure `name`; zero counts are kept, so that "0 server errors" is printed."""
        for key, value in counts.items():
            self.counts[name][key] += int(value)

    def lines(self) -> list[str]:
        return [
            f"{name}: " + ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
            for name, counts in self.counts.items()
        ]


figures = Figures()


@pytest.fixture(name="figures")
def figures_fixture() -> Figures:
    """The run's figures, for a test to add to."""
    return figures


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = figures.lines()
    if not lines:
        return
    terminalreporter.section("figures")
    for line in lines:
        terminalreporter.write_line(line)


def _row_text(value) -> str:
    """One value in a form that is the same on SQLite and PostgreSQL (dates, decimals, JSON, bytes)."""
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def table_checksums(exclude: tuple[str, ...] = (), apps_only: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """{table: (row count, sha256 of all rows ordered by primary key)} for every table of the project.

    Engine-independent: rows are read through the ORM and every value is turned into text the same way, so the
    same data gives the same checksums on SQLite and on PostgreSQL. `exclude` names tables whose changes are
    intended side effects of a refused request (e.g. django-axes' record of a failed login); `apps_only` limits the
    tables to those of some apps, for checks run thousands of times.
    """
    from django.apps import apps
    from django.conf import settings
    from django.utils import translation

    result: dict[str, tuple[int, str]] = {}
    # django-modeltranslation reads a translated field in the active language: read every row in one language.
    with translation.override(settings.LANGUAGE_CODE):
        for model in apps.get_models():
            meta = model._meta
            if not meta.managed or meta.proxy or meta.db_table in exclude or meta.db_table in result:
                continue
            if apps_only and meta.app_label not in apps_only:
                continue
            columns = [field.attname for field in meta.concrete_fields]
            digest = hashlib.sha256()
            count = 0
            for row in model._base_manager.order_by("pk").values_list(*columns).iterator(chunk_size=2000):
                digest.update("\x1f".join(_row_text(value) for value in row).encode())
                digest.update(b"\x1e")
                count += 1
            result[meta.db_table] = (count, digest.hexdigest())
    return result


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """The tables whose rows differ between two `table_checksums()`."""
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))
