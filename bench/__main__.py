"""`make bench [QUICK=1]`: runs every registered scenario and writes bench/results/latest.json."""

import argparse
import json
import sys
from pathlib import Path

from bench.scenarios import SCENARIOS

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a subset in under 3 minutes (250 students)")
    options = parser.parse_args()
    rows = [scenario(quick=options.quick) for scenario in SCENARIOS]
    header = f"{'id':<4} {'value':>12} {'reference':>12} {'ratio':>7} {'queries':>8}  {'target':<28} ok"
    sys.stdout.write(header + "\n")
    for row in rows:
        sys.stdout.write(
            f"{row['id']:<4} {row['value']:>12.2f} {row['reference']:>12.2f} {row['ratio']:>7.2f} "
            f"{row['queries']!s:>8}  {row['target']:<28} {'✓' if row['ok'] else '✗'}\n"
        )
    if not rows:
        sys.stdout.write("No scenarios are registered in bench/scenarios.py.\n")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps({"scenarios": rows}, indent=2, ensure_ascii=False))
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
