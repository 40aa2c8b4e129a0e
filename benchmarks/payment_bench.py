"""Engine time of the payment simulator: every model on a synthetic population.

Goal (issue 12): 100,000 patients under all models in under 2 s of engine time. The
population comes from ``synthetic_population`` (seeded; its generation is not timed).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/payment_bench.py [--patients N] [--years Y]
        [--seed S] [--repeat R]

The last line is machine-readable: ``patients=… seconds=…`` (best of R runs, all models).
"""

from __future__ import annotations

import argparse
import time

from maillage.engines.payment import MODELS, Scenario, simulate, synthetic_population

GOAL_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    population = synthetic_population(args.patients, seed=args.seed, years=args.years)
    scenario = Scenario()
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        comparison = simulate(population, scenario)
        best = min(best, time.perf_counter() - start)
    print(f"rows (patients × years): {len(population):,}".replace(",", " "))
    for model in MODELS:
        team = comparison.team_by_year[model].sum()
        payer = comparison.payer_by_year[model].sum()
        print(f"  {model:<16} team {team:>16,.0f} €   payer {payer:>16,.0f} €".replace(",", " "))
    verdict = "OK" if best < GOAL_SECONDS else "TOO SLOW"
    print(f"engine time, all models: {best:.3f} s (goal < {GOAL_SECONDS} s) {verdict}")
    print(f"patients={args.patients} seconds={best:.4f}")


if __name__ == "__main__":
    main()
