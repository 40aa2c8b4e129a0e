"""Benchmark of the planning computations on a région: scenario effect and site optimisation.

Issue 10's performance goals: a scenario's effect on a région in under 1 s of engine time
(scenario delta), and the site optimisation for k = 5 among all candidate communes of
Occitanie in under 30 s, with its gap to the bound.

Inputs (real open data from the mirror, no database):

- demand: the communes of the région (default 76, Occitanie) with coordinates in
  ``territories/communes-centres/communes_2026_pop_latlon.csv`` plus every commune within
  40 km of the région's bounding box (the halo ``insights.defaults.HALO_KM`` the platform
  uses); population as demand (the file has no age structure);
- supply: GPs at commune centres from the SIRENE 2019 GP establishment counts
  (``health-supply/sirene-2019/PS_communes_sirene_2019.csv``), 2,855 consultations a year per
  establishment (``insights.defaults.ACTIVITY_PER_GP_ESTABLISHMENT``), as the platform does
  when SIRENE is the best source loaded;
- travel times: ``GreatCircleTravelTime()`` defaults, DREES APL decay (20 min catchment).

Measured:

1. a scenario of 3 new centres (2 FTE each), 2 extra FTE on existing sites, 2 retirements
   and a mobile unit with 5 weekly stops, evaluated as the planning app does (travel times of
   the new sites included) by the scenario delta: seconds per scenario (best and median of
   ``--repeat``), communes recomputed, and the max abs difference with a full recomputation;
2. the same scenario plus a transport offer (full recomputation, the path a scenario with a
   transport offer takes);
3. ``maximal_lifted_population`` for k = 5 (2 FTE per site, threshold 2.5 C/an/hab) and
   ``maximal_covering`` for k = 5 (15 min, people already within 15 min of a GP excluded),
   candidates = every commune of the région: seconds (candidate travel times included),
   objective, upper bound and gap.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/planning_bench.py [--mirror DIR] [--region 76]
        [--k 5] [--repeat 5]

The last line is machine-readable: ``communes=… scenario_s=… scenario_ratio=…
transport_s=… optimisation_s=… optimisation_ratio=… gap=…``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from maillage.engines.access import (
    DREES_APL_DECAY,
    CatchmentModel,
    ChangeSupply,
    GreatCircleTravelTime,
    Locations,
    maximal_covering,
    maximal_lifted_population,
)
from maillage.engines.access.mobile import Slot
from maillage.planning.effects import mobile_unit_supply, transport_weights

REPO = Path(__file__).resolve().parents[1]
COMMUNES = "territories/communes-centres/communes_2026_pop_latlon.csv"
SIRENE = "health-supply/sirene-2019/PS_communes_sirene_2019.csv"
HALO_KM = 40.0
PER_ESTABLISHMENT = 2855.0
PER_FTE = 5400.0
SCENARIO_TARGET_S = 1.0
OPTIMISATION_TARGET_S = 30.0


def say(msg: str) -> None:
    print(msg, flush=True)


def load(mirror: Path, region: str) -> tuple[pd.DataFrame, np.ndarray]:
    df = pd.read_csv(mirror / COMMUNES, dtype={"code_insee": str, "region": str})
    df = df.dropna(subset=["latitude", "longitude"]).reset_index(drop=True)
    df["population"] = df["population"].fillna(0.0).astype(float)
    inside = df[df["region"] == region]
    if inside.empty:
        sys.exit(f"no commune of région {region} in {COMMUNES}")
    dlat = HALO_KM / 111.0
    dlon = HALO_KM / (111.0 * math.cos(math.radians(inside["latitude"].abs().max())))
    box = (df["latitude"].between(inside["latitude"].min() - dlat, inside["latitude"].max() + dlat)
           & df["longitude"].between(inside["longitude"].min() - dlon,
                                     inside["longitude"].max() + dlon))
    df = df[box].sort_values("code_insee").reset_index(drop=True)
    sirene = pd.read_csv(mirror / SIRENE, sep=";", dtype={"codecommuneetablissement": str})
    gp = sirene.set_index("codecommuneetablissement")["generaliste"]
    supply = df["code_insee"].map(gp).fillna(0.0).to_numpy() * PER_ESTABLISHMENT
    return df, supply


def timed(fn, repeat: int) -> tuple[object, float, float]:
    seconds, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - t0)
    return out, min(seconds), statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=os.environ.get("MAILLAGE_DATA_MIRROR")
                        or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--region", default="76")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--refine", type=float, default=20.0,
                        help="seconds of exact MIP after the greedy (the planning app: 20)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    df, per_commune = load(Path(args.mirror), args.region)
    in_region = (df["region"] == args.region).to_numpy()
    population = df["population"].to_numpy()
    locations = Locations(lat=df["latitude"], lon=df["longitude"], codes=df["code_insee"])
    source = GreatCircleTravelTime()
    decay = DREES_APL_DECAY
    sites = np.flatnonzero(per_commune > 0)
    times = source.matrix(locations, locations.take(sites), max_minutes=decay.max_minutes)
    model = CatchmentModel.from_times(times, decay, population, per_commune[sites],
                                      demand_locations=locations, source=source)
    build = time.perf_counter() - t0
    say(f"région {args.region}: {int(in_region.sum())} communes + {int((~in_region).sum())} in "
        f"the {HALO_KM:.0f} km halo, {sites.size} communes with GPs (SIRENE 2019), "
        f"{times.nnz:,} pairs <= 20 min; base model built in {build:.2f} s (once per request)")

    rng = np.random.default_rng(0)
    region_rows = np.flatnonzero(in_region)
    empty = np.setdiff1d(region_rows, sites)
    served = np.intersect1d(region_rows, sites)
    new_rows = rng.choice(empty, 3, replace=False)
    extra_rows = rng.choice(served, 2, replace=False)
    retire_rows = rng.choice(np.setdiff1d(served, extra_rows), 2, replace=False)
    stops = rng.choice(np.setdiff1d(empty, new_rows), 5, replace=False)
    slots = [Slot(str(df["code_insee"][r]), day, 9.0, 16.0) for day, r in enumerate(stops)]
    row_of = {code: i for i, code in enumerate(df["code_insee"])}
    site_of = {int(i): j for j, i in enumerate(sites)}

    def scenario_changes():
        delta: dict[int, float] = {}
        for r in new_rows:
            delta[int(r)] = delta.get(int(r), 0.0) + 2 * PER_FTE
        for r in extra_rows:
            delta[int(r)] = delta.get(int(r), 0.0) + PER_FTE
        for r in retire_rows:
            delta[int(r)] = delta.get(int(r), 0.0) - min(PER_FTE, per_commune[r])
        for code, amount in mobile_unit_supply(slots, fte=1, supply_per_fte=PER_FTE).items():
            delta[row_of[code]] = delta.get(row_of[code], 0.0) + amount
        changes, new_site_rows = [], []
        for i, amount in sorted(delta.items()):
            if i in site_of:
                changes.append(ChangeSupply(site_of[i], max(per_commune[i] + amount, 0.0)))
            else:
                changes.append(model.new_site(locations.take([i]), amount))
                new_site_rows.append(i)
        return changes, new_site_rows

    def scenario_effect():
        changes, _ = scenario_changes()
        return model.evaluate(changes), changes

    (delta, changes), best, median = timed(scenario_effect, args.repeat)
    full = model.apply(changes).accessibility
    diff = float(np.max(np.abs(delta.accessibility(model.accessibility) - full)))
    say(f"scenario (3 new centres, 2 extra FTE, 2 retirements, mobile unit 5 stops): "
        f"{best * 1000:.1f} ms best, {median * 1000:.1f} ms median; "
        f"{delta.demand_indices.size} communes recomputed; max |delta - full| = {diff:.1e}; "
        f"ratio to the {SCENARIO_TARGET_S:g} s target {best / SCENARIO_TARGET_S:.4f}")

    destination = int(served[np.argmax(per_commune[served])])
    origins = np.setdiff1d(source.matrix(locations, locations.take([destination]),
                                         max_minutes=40.0).rows, [destination])[:30]

    def with_transport():
        changes, new_site_rows = scenario_changes()
        after = model.apply(changes)
        located = np.concatenate([sites, np.asarray(new_site_rows, dtype=np.int64)])
        found = source.matrix(locations.take(origins), locations.take([destination]),
                              max_minutes=decay.max_minutes + 10.0)
        minutes = np.full(origins.size, np.inf)
        minutes[found.rows] = found.minutes
        weights = transport_weights(after.weights, origin_rows=origins,
                                    columns=np.flatnonzero(located == destination),
                                    minutes=minutes, minutes_saved=10.0, member_share=0.3,
                                    decay=decay)
        return CatchmentModel(weights, after.demand, after.supply)

    _, t_best, t_median = timed(with_transport, args.repeat)
    say(f"same + transport offer (30 origins, -10 min for 30 %): full recomputation "
        f"{t_best * 1000:.1f} ms best, {t_median * 1000:.1f} ms median; ratio to target "
        f"{t_best / SCENARIO_TARGET_S:.4f}")

    counted = np.where(in_region, population, 0.0)

    def optimise():
        cand = source.matrix(locations, locations.take(region_rows),
                             max_minutes=decay.max_minutes)
        return maximal_lifted_population(model, cand, decay, 2 * PER_FTE, args.k, 2.5,
                                         population=counted, time_limit=25.0,
                                         refine_seconds=args.refine)

    result, o_seconds, _ = timed(optimise, 1)
    under = float(counted[model.accessibility < 2.5].sum())
    say(f"site optimisation, lifted population, k={args.k} among {region_rows.size} candidate "
        f"communes ({result.method}): {o_seconds:.2f} s; lifted {result.objective:,.0f} of "
        f"{under:,.0f} in priority zones; bound {result.bound:,.0f}; gap {100 * result.gap:.2f} %; "
        f"ratio to the {OPTIMISATION_TARGET_S:g} s target {o_seconds / OPTIMISATION_TARGET_S:.3f}")

    def cover():
        cand = source.matrix(locations, locations.take(region_rows), max_minutes=15.0)
        near = source.matrix(locations, locations.take(sites), max_minutes=15.0)
        covered = np.zeros(len(df), dtype=bool)
        covered[near.rows] = True
        return maximal_covering(cand, counted, args.k, 15.0, already_covered=covered,
                                time_limit=25.0)

    covering, c_seconds, _ = timed(cover, 1)
    say(f"site optimisation, covering 15 min, k={args.k} ({covering.method}): {c_seconds:.2f} s; "
        f"covered {covering.objective:,.0f}; bound {covering.bound:,.0f}; "
        f"gap {100 * covering.gap:.2f} %; ratio to target {c_seconds / OPTIMISATION_TARGET_S:.3f}")
    say(f"communes={len(df)} scenario_s={best:.4f} scenario_ratio={best / SCENARIO_TARGET_S:.4f} "
        f"transport_s={t_best:.4f} optimisation_s={o_seconds:.2f} "
        f"optimisation_ratio={o_seconds / OPTIMISATION_TARGET_S:.3f} gap={result.gap:.4f} "
        f"covering_s={c_seconds:.2f} covering_gap={covering.gap:.4f}")


if __name__ == "__main__":
    main()
