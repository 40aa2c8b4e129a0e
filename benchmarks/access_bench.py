"""Benchmark of the access engine on all of France's communes, side by side with PySAL.

What it measures (DESIGN.md, "Access methods"; ACCESS_METHODS.md):

1. E2SFCA (PySAL default steps {10: 1, 20: 0.68, 30: 0.22}) and APL (DREES decay) with
   ``maillage.engines.access`` vs PySAL ``access`` on identical inputs - the same sparse
   (commune, site, minutes) pairs handed to PySAL as a DataFrame - in the same process:
   times, ``speedup_vs_pysal`` and ``max_abs_diff``.
2. A one-site scenario delta (change of supply of an existing site; a new site placed with
   the great-circle source) vs a full recomputation: ``delta_speedup`` and equality to 1e-9.
3. Peak memory (``resource.getrusage`` max RSS of the process).

Demand: the communes of ``territories/communes-centres/communes_2026_pop_latlon.csv`` with
coordinates (population as demand; there is no age structure in that file, so the APL run
uses the raw population as its "standardised" population). Supply: a SYNTHETIC set of GP
practice sites, for this benchmark only - positions drawn near communes with probability
proportional to the commune's SIRENE 2019 GP establishment count (``generaliste`` column of
``health-supply/sirene-2019/PS_communes_sirene_2019.csv``), jittered by ~1 km, each site with
a random yearly activity; all seeded with ``np.random.default_rng(seed)``.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/access_bench.py [--mirror DIR] [--sites N]
        [--seed S] [--quick] [--pysal-regions 84,93]

The last line is machine-readable:
``communes=… speedup_vs_pysal=… max_abs_diff=… delta_speedup=… peak_mb=…``.

The planning figures of issue 10 (a scenario's effect on a région by the scenario delta, the
site optimisation for k = 5 in Occitanie with its gap to the bound) are measured by
``benchmarks/planning_bench.py`` on the same engine (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from maillage.engines.access import (
    PYSAL_E2SFCA_STEPS,
    CatchmentModel,
    ChangeSupply,
    GreatCircleTravelTime,
    Locations,
    TravelTimeMatrix,
    apl,
    capped_activity,
    enhanced_two_step_fca,
    floating_catchment,
)

REPO = Path(__file__).resolve().parents[1]
COMMUNES = "territories/communes-centres/communes_2026_pop_latlon.csv"
SIRENE = "health-supply/sirene-2019/PS_communes_sirene_2019.csv"


def say(msg: str) -> None:
    print(msg, flush=True)


def peak_mb() -> float:
    """Max resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[object, float]:
    """Result of ``fn`` and its best wall time over ``repeat`` runs (seconds)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def load_communes(mirror: Path, regions: list[str] | None) -> pd.DataFrame:
    df = pd.read_csv(
        mirror / COMMUNES, dtype={"code_insee": str, "departement": str, "region": str}
    )
    df = df.dropna(subset=["latitude", "longitude"]).reset_index(drop=True)
    df["population"] = df["population"].fillna(0.0).astype(float)
    if regions:
        df = df[df["region"].isin(regions)].reset_index(drop=True)
    sirene = pd.read_csv(mirror / SIRENE, sep=";", dtype={"codecommuneetablissement": str})
    gp = sirene.set_index("codecommuneetablissement")["generaliste"]
    df["gp_establishments"] = df["code_insee"].map(gp).fillna(0.0).to_numpy()
    return df


def synthetic_sites(
    communes: pd.DataFrame, n_sites: int, rng: np.random.Generator
) -> tuple[Locations, npt.NDArray[np.float64]]:
    """SYNTHETIC GP practice sites (benchmark only): commune drawn ∝ SIRENE GP count
    (population where a territory has none), position jittered ~1 km, activity ~ lognormal."""
    w = communes["gp_establishments"].to_numpy(dtype=float)
    if w.sum() <= 0:
        w = communes["population"].to_numpy(dtype=float)
    idx = rng.choice(len(communes), size=n_sites, p=w / w.sum())
    lat0 = communes["latitude"].to_numpy()[idx]
    lon0 = communes["longitude"].to_numpy()[idx]
    lat = lat0 + rng.normal(0.0, 0.009, n_sites)  # 0.009° ≈ 1 km
    lon = lon0 + rng.normal(0.0, 0.009, n_sites) / np.cos(np.radians(lat0))
    activity = rng.lognormal(mean=np.log(4300.0), sigma=0.5, size=n_sites)
    return Locations(lat=lat, lon=lon), activity


def drees_decay_scalar(t: float) -> float:
    """DREES APL decay as a scalar function for PySAL (same boundaries as DREES_APL_DECAY)."""
    if t < 10:
        return 1.0
    if t < 15:
        return 2.0 / 3.0
    if t <= 20:
        return 1.0 / 3.0
    return 0.0


def pysal_run(
    times: TravelTimeMatrix,
    demand: npt.NDArray[np.float64],
    supply: npt.NDArray[np.float64],
    method: Callable[[object], object],
) -> tuple[npt.NDArray[np.float64], float]:
    """Run a PySAL ``access`` method on exactly our pairs; returns (A per demand, seconds)."""
    from access import Access

    n, m = times.shape
    demand_ids = np.array([f"d{i}" for i in range(n)])
    supply_ids = np.array([f"s{j}" for j in range(m)])
    cost_df = times.to_frame(demand_ids, supply_ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acc = Access(
            demand_df=pd.DataFrame({"geoid": demand_ids, "pop": demand}),
            demand_index="geoid",
            demand_value="pop",
            supply_df=pd.DataFrame({"geoid": supply_ids, "doc": supply}),
            supply_index="geoid",
            supply_value="doc",
            cost_df=cost_df,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )
        t0 = time.perf_counter()
        method(acc)
        seconds = time.perf_counter() - t0
    values = acc.access_df["x_doc"].reindex(demand_ids).fillna(0.0).to_numpy(dtype=float)
    return values, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mirror",
        type=Path,
        default=Path(os.environ.get("MAILLAGE_DATA_MIRROR", REPO.parent / "shared" / "data")),
        help="open-data mirror (default: $MAILLAGE_DATA_MIRROR or ../shared/data)",
    )
    parser.add_argument("--sites", type=int, default=100_000, help="synthetic GP sites")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="two régions (Auvergne-Rhône-Alpes 84, PACA 93) and 10,000 sites",
    )
    parser.add_argument(
        "--pysal-regions",
        default="",
        help="compare with PySAL on these régions only (comma-separated INSEE codes); "
        "default: the whole benchmark set",
    )
    parser.add_argument("--no-pysal", action="store_true", help="skip the PySAL comparison")
    args = parser.parse_args(argv)
    logging.getLogger("access").setLevel(logging.WARNING)

    regions = ["84", "93"] if args.quick else None
    n_sites = 10_000 if args.quick and args.sites == 100_000 else args.sites
    rng = np.random.default_rng(args.seed)

    say(f"[1/6] loading communes from {args.mirror}")
    communes = load_communes(args.mirror, regions)
    pop = communes["population"].to_numpy(dtype=float)
    demand_loc = Locations(
        lat=communes["latitude"], lon=communes["longitude"], codes=communes["code_insee"]
    )
    sites, activity = synthetic_sites(communes, n_sites, rng)
    gp_supply = np.ones(n_sites)  # E2SFCA: one GP per site
    apl_supply = capped_activity(activity)  # APL: DREES-capped yearly activity
    say(
        f"      {len(communes):,} communes, {n_sites:,} synthetic GP sites (seed {args.seed}),"
        f" scope={'régions 84+93 (--quick)' if regions else 'all of France'}"
    )

    say("[2/6] great-circle travel times (default detour 1.3, 50 km/h), pairs ≤ 30 min")
    source = GreatCircleTravelTime()
    times, t_times = timed(lambda: source.matrix(demand_loc, sites, 30.0))
    assert isinstance(times, TravelTimeMatrix)
    say(f"      {times.nnz:,} pairs in {t_times:.2f} s")

    say("[3/6] engine: E2SFCA and APL")
    e2, t_e2 = timed(lambda: enhanced_two_step_fca(times, pop, gp_supply), repeat=3)
    ap, t_apl = timed(lambda: apl(times, pop, apl_supply), repeat=3)
    e2_values = e2.accessibility  # type: ignore[attr-defined]
    apl_values = ap.accessibility  # type: ignore[attr-defined]
    say(
        f"      E2SFCA {t_e2:.3f} s (median {np.median(e2_values):.2e} GP/hab), "
        f"APL {t_apl:.3f} s (median {np.median(apl_values):.2f} C/an/hab; synthetic supply)"
    )
    engine_peak = peak_mb()

    say("[4/6] scenario deltas vs full recomputation")
    model = CatchmentModel.from_times(
        times, PYSAL_E2SFCA_STEPS, pop, gp_supply, demand_locations=demand_loc, source=source
    )
    j = int(rng.integers(0, n_sites))
    change = [ChangeSupply(j, 3.0)]
    new_site_loc = Locations(lat=[sites.lat[j] + 0.02], lon=[sites.lon[j] + 0.02])
    model.new_site(new_site_loc, 2.0)  # warm the cached commune k-d tree
    new_col = source.matrix(demand_loc, new_site_loc, PYSAL_E2SFCA_STEPS.max_minutes)
    times_plus = TravelTimeMatrix.from_triplets(  # the same pairs plus the new site's column
        np.concatenate([times.rows, new_col.rows]),
        np.concatenate([times.cols, new_col.cols + n_sites]),
        np.concatenate([times.minutes, new_col.minutes]),
        (times.shape[0], n_sites + 1),
    )
    supply_changed = gp_supply.copy()
    supply_changed[j] = 3.0
    delta_runs: dict[str, tuple[float, float, float, float]] = {}
    for label, make, full_run in (
        (
            "change supply of one site",
            lambda: change,
            lambda: enhanced_two_step_fca(times, pop, supply_changed),
        ),
        (
            "new site (incl. its travel times)",
            lambda: [model.new_site(new_site_loc, 2.0)],
            lambda: enhanced_two_step_fca(times_plus, pop, np.append(gp_supply, 2.0)),
        ),
    ):
        times_delta = []
        for _ in range(20):
            t0 = time.perf_counter()
            changes = make()
            delta = model.evaluate(changes)
            times_delta.append(time.perf_counter() - t0)
        t_delta = statistics.median(times_delta)
        # full run: E2SFCA from the travel times, as in step 3
        full, t_full = timed(full_run, repeat=3)
        full_acc = full.accessibility  # type: ignore[attr-defined]
        # stricter reference: steps 1 and 2 only, on a prebuilt weight matrix
        committed = model.apply(changes)
        _, t_steps = timed(
            lambda c=committed: floating_catchment(c.weights, pop, c.supply), repeat=3
        )
        diff = float(np.max(np.abs(delta.accessibility(model.accessibility) - full_acc)))
        delta_runs[label] = (t_delta, t_full, t_steps, diff)
        say(
            f"      {label}: delta {t_delta * 1e3:.3f} ms ({delta.demand_indices.size} "
            f"communes changed); full run {t_full * 1e3:.1f} ms -> speedup "
            f"{t_full / t_delta:,.0f}x; steps 1+2 alone on prebuilt W {t_steps * 1e3:.1f} ms "
            f"-> {t_steps / t_delta:,.0f}x; max |diff| {diff:.2e}"
        )
    delta_speedup = min(tf / td for td, tf, _, _ in delta_runs.values())
    delta_diff = max(d for _, _, _, d in delta_runs.values())
    assert delta_diff <= 1e-9, "scenario delta differs from the full recomputation"

    speedup, max_diff = float("nan"), float("nan")
    if not args.no_pysal:
        import access as pysal_access

        sub_regions = [r for r in args.pysal_regions.split(",") if r]
        if sub_regions:
            keep = np.flatnonzero(communes["region"].isin(sub_regions).to_numpy())
            pos = np.full(len(communes), -1)
            pos[keep] = np.arange(keep.size)
            mask = pos[times.rows] >= 0
            cmp_times = TravelTimeMatrix.from_triplets(
                pos[times.rows[mask]],
                times.cols[mask],
                times.minutes[mask],
                (keep.size, n_sites),
            )
            cmp_pop = pop[keep]
            scope = f"régions {','.join(sub_regions)} ({keep.size:,} communes), SUBSET"
        else:
            cmp_times, cmp_pop = times, pop
            scope = f"full benchmark set ({len(communes):,} communes)"
        say(
            f"[5/6] PySAL access {pysal_access.__version__} on {scope}, "
            f"{cmp_times.nnz:,} pairs (slow: pandas row-wise weights)"
        )
        ours_e2, t_ours_e2 = timed(
            lambda: enhanced_two_step_fca(cmp_times, cmp_pop, gp_supply), repeat=3
        )
        ref_e2, t_ref_e2 = pysal_run(
            cmp_times, cmp_pop, gp_supply, lambda a: a.enhanced_two_stage_fca(name="x")
        )
        diff_e2 = float(np.max(np.abs(ours_e2.accessibility - ref_e2)))  # type: ignore[attr-defined]
        say(
            f"      E2SFCA: engine {t_ours_e2:.3f} s, PySAL {t_ref_e2:.1f} s, "
            f"speedup {t_ref_e2 / t_ours_e2:,.0f}x, max |diff| {diff_e2:.2e}"
        )
        ours_apl, t_ours_apl = timed(lambda: apl(cmp_times, cmp_pop, apl_supply), repeat=3)
        ref_apl, t_ref_apl = pysal_run(
            cmp_times,
            cmp_pop,
            apl_supply,
            lambda a: a.enhanced_two_stage_fca(
                name="x", weight_fn=drees_decay_scalar, max_cost=20.0
            ),
        )
        diff_apl = float(np.max(np.abs(ours_apl.accessibility - ref_apl)))  # type: ignore[attr-defined]
        say(
            f"      APL:    engine {t_ours_apl:.3f} s, PySAL {t_ref_apl:.1f} s, "
            f"speedup {t_ref_apl / t_ours_apl:,.0f}x, max |diff| {diff_apl:.2e}"
        )
        speedup = min(t_ref_e2 / t_ours_e2, t_ref_apl / t_ours_apl)
        max_diff = max(diff_e2, diff_apl)
    else:
        say("[5/6] PySAL comparison skipped (--no-pysal)")

    say(f"[6/6] peak RSS: engine part {engine_peak:,.0f} MB, whole process {peak_mb():,.0f} MB")
    say(
        f"communes={len(communes)} speedup_vs_pysal={speedup:.1f} max_abs_diff={max_diff:.3g} "
        f"delta_speedup={delta_speedup:.0f} peak_mb={peak_mb():.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
