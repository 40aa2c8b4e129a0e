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

``--association-day`` also plans a realistic association day (30 rides there and back,
so 60 legs, 8 drivers with two wheelchair places, points around Mende) with the app's
parameters (10 s, 2,000 solutions) and prints its time.

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

import numpy as np

from maillage.engines.routing import (
    Location,
    PlanningParams,
    Problem,
    Request,
    Vehicle,
    darp_data_dir,
    great_circle_matrices,
    plan_rides,
    read_best_known,
    read_cordeau,
    verify_plan,
)


def association_day(seed: int = 0) -> Problem:
    """30 rides to care (with the return trip) and 8 drivers, within ~25 km of Mende."""
    rng = np.random.default_rng(seed)
    centre = (3.50, 44.52)  # Mende, Lozère
    homes = centre + rng.normal(0, 0.12, size=(30, 2))
    care = centre + rng.normal(0, 0.03, size=(4, 2))  # hospital, two practices, a lab
    drivers = centre + rng.normal(0, 0.12, size=(8, 2))
    xy = np.vstack([homes, care, drivers])
    locations = tuple(Location(str(i), float(x), float(y)) for i, (x, y) in enumerate(xy))
    minutes, km = great_circle_matrices(locations, detour=1.3, speed_kmh=50)
    requests = []
    for i in range(30):
        home, clinic = i, 30 + int(rng.integers(0, 4))
        appointment = float(rng.integers(8 * 4, 17 * 4)) * 15  # 8:00-16:45, quarter hours
        direct = float(minutes[home, clinic])
        ride = direct + max(20.0, 0.5 * direct)
        wheelchair = i % 10 == 0
        seats = 0 if wheelchair else 1
        requests.append(Request(f"{i}-out", home, clinic, pickup_window=(0, appointment - 10),
                                drop_window=(appointment - 45, appointment - 10), seats=seats,
                                wheelchair=wheelchair, pickup_service=5, drop_service=5,
                                max_ride_time=ride))
        ready = appointment + 45
        requests.append(Request(f"{i}-ret", clinic, home, pickup_window=(ready, ready + 45),
                                drop_window=(ready, 24 * 60), seats=seats, wheelchair=wheelchair,
                                pickup_service=5, drop_service=5, max_ride_time=ride))
    vehicles = tuple(
        Vehicle(f"d{k}", 34 + k, 34 + k, seats=3, wheelchair_places=int(k < 2),
                available=(7.5 * 60, 19 * 60), max_route_distance=300.0)
        for k in range(8))
    return Problem(locations, minutes, tuple(requests), vehicles, distance=km,
                   name="association day")


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
    parser.add_argument("--association-day", action="store_true",
                        help="also time a realistic day: 30 rides, 8 drivers")
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
    if args.association_day:
        day = association_day()
        started = time.perf_counter()
        plan = plan_rides(day, PlanningParams(time_limit_s=10, solution_limit=2000))
        elapsed = time.perf_counter() - started
        print(f"association day: {len(day.requests)} legs, {len(day.vehicles)} drivers, "
              f"{len(plan.served)} served, {plan.cost:.1f} km, {plan.solutions_found} "
              f"solutions, {elapsed:.1f} s, violations={len(verify_plan(day, plan))}")
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
