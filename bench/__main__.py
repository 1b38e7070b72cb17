"""`make bench [QUICK=1]`: runs the scenarios of BENCHMARKS.md, prints one table, writes bench/results/latest.json.

The verdict of every scenario is a ratio to a reference measured in the same run, plus exact query counts.
`--quick` is the subset: the 250-student school, 5 s of load per address (about 7 minutes, B11 included).
"""

import argparse
import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (250, 500, 1000, 4000)


def _number(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.4f}" if abs(value) < 1 else f"{value:.1f}"


def table(rows: list[dict]) -> str:
    lines = [
        f"{'id':<5} {'db':<8} {'value':>10} {'reference':>10} {'ratio':>7} {'queries':>7}  {'target':<30} ok",
    ]
    for row in rows:
        verdict = "–" if row["ok"] is None else "✓" if row["ok"] else "✗"
        lines.append(
            f"{row['id']:<5} {row['database']:<8} {_number(row['value']):>10} {_number(row['reference']):>10} "
            f"{_number(row['ratio']):>7} {row['queries'] if row['queries'] is not None else '':>7}  "
            f"{row['target']:<30} {verdict}  {row.get('note', '')}".rstrip()
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="a subset of about 7 minutes (250 students, 5 s loads)")
    parser.add_argument("--students", type=int, choices=SIZES, help="the school of B1–B8 (default 1000; quick 250)")
    parser.add_argument(
        "--growth", default=None, metavar="N,N,…",
        help="school sizes of B7's time per student (default 250,500,1000,4000; quick 250)",
    )  # fmt: skip
    options = parser.parse_args(argv)
    growth = tuple(int(size) for size in options.growth.split(",")) if options.growth else None
    if growth and not set(growth) <= set(SIZES):
        parser.error(f"--growth takes sizes among {', '.join(map(str, SIZES))}")

    from bench.scenarios import SCENARIOS

    rows, notes = [], []
    for scenario in SCENARIOS:
        scenario_rows, scenario_notes = scenario(quick=options.quick, students=options.students, growth_sizes=growth)
        rows += scenario_rows
        notes += scenario_notes
    sys.stdout.write(
        "req/s for B1–B6 (higher is better), seconds for B7–B8 (lower is better); B7g: ms per student; "
        "B11: KB or s against its budget (lower is better)\n"
    )
    sys.stdout.write(table(rows) + "\n")
    for note in notes:
        sys.stdout.write(f"  {note}\n")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps({"scenarios": rows}, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(row["ok"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
