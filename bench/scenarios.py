"""The benchmark scenarios B1–B8 (BENCHMARKS.md). Each is a callable(quick: bool) -> result row:
{"id", "value", "reference", "ratio", "queries", "target", "ok"}, measured against its reference in the same run.
"""

from collections.abc import Callable

SCENARIOS: list[Callable[..., dict]] = []
