"""Dial-a-ride planner on Cordeau's (2006) instances, side by side with the best-known costs.

For each instance ``a2-16`` ... ``a8-96`` of ``$MAILLAGE_DATA_MIRROR/darp/cordeau2006_a``
(default ``../shared/data``): cost of the plan (exact float Euclidean distances),
best-known cost (``best_known.csv``: Cordeau 2006; Ropke, Cordeau & Laporte 2007), gap,
wall time, solutions visited, unserved requests and the number of constraint violations
found by ``verify_plan``.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/routing_bench.py [--time-limit 10]
        [--instances a2-16,a3-24] [--solution-limit N]

With ``--solution-limit`` (and a time limit that does not bind) the figures are the same
on every machine; with a time limit alone they depend on its speed. One core is used.

The last line is machine-readable:
``instances=… mean_gap_pct=… max_gap_pct=… all_feasible=…`` where ``all_feasible`` means
every request served and no violation on every instance.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from maillage.engines.routing import (
    PlanningParams,
    darp_data_dir,
    plan_rides,
    read_best_known,
    read_cordeau,
    verify_plan,
)


def instance_order(name: str) -> tuple[int, int]:
    match = re.fullmatch(r"a(\d+)-(\d+)", name)
    return (int(match.group(1)), int(match.group(2))) if match else (10**9, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
    parser.add_argument(
        "--instances", default="", help="comma-separated names (default: all, a2-16 first)"
    )
    parser.add_argument("--solution-limit", type=int, default=None)
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="default: $MAILLAGE_DATA_MIRROR/darp"
    )
    args = parser.parse_args(argv)

    folder = (args.data_dir or darp_data_dir()) / "cordeau2006_a"
    if not folder.is_dir():
        print(f"no instances at {folder} (set MAILLAGE_DATA_MIRROR)", file=sys.stderr)
        return 2
    best = read_best_known(folder / "best_known.csv")
    names = [n for n in args.instances.split(",") if n] or sorted(
        (p.stem for p in folder.glob("a*-*.txt")), key=instance_order
    )
    params = PlanningParams(time_limit_s=args.time_limit, solution_limit=args.solution_limit)

    header = (
        f"{'instance':<9} {'K':>2} {'n':>3} {'cost':>9} {'best':>9} {'gap%':>6} "
        f"{'time_s':>6} {'sols':>5} {'unserved':>8} {'violations':>10}"
    )
    print(header)
    gaps: list[float] = []
    all_feasible = True
    for name in names:
        problem = read_cordeau(folder / f"{name}.txt")
        started = time.perf_counter()
        plan = plan_rides(problem, params)
        elapsed = time.perf_counter() - started
        violations = verify_plan(problem, plan)
        gap = 100 * (plan.cost / best[name] - 1) if name in best else float("nan")
        gaps.append(gap)
        all_feasible &= not violations and not plan.unserved
        print(
            f"{name:<9} {len(problem.vehicles):>2} {len(problem.requests):>3} "
            f"{plan.cost:>9.2f} {best.get(name, float('nan')):>9.2f} {gap:>6.2f} "
            f"{elapsed:>6.1f} {plan.solutions_found:>5} {len(plan.unserved):>8} "
            f"{len(violations):>10}",
            flush=True,
        )
        for violation in violations[:5]:
            print(f"    {violation}")
    known = [g for g in gaps if g == g]
    mean_gap = statistics.fmean(known) if known else float("nan")
    max_gap = max(known, default=float("nan"))
    print(
        f"instances={len(names)} mean_gap_pct={mean_gap:.2f} max_gap_pct={max_gap:.2f} "
        f"all_feasible={all_feasible}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
