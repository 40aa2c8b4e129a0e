"""Same inputs as PySAL ``access`` 1.1.10.post3 (pinned in the dev extras): equal to 1e-9.

PySAL conventions matched here: costs (origin = demand, dest = supply) are kept when
``cost <= max_cost``; ``weights.step_fn`` thresholds are inclusive; ``normalize=False`` gives
raw values; demand points reached by no supply come out NaN (we give 0).
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import pytest

from maillage.engines.access import (
    GravityDecay,
    TravelTimeMatrix,
    enhanced_two_step_fca,
    floating_catchment,
    two_step_fca,
)

access = pytest.importorskip("access")
logging.getLogger("access").setLevel(logging.WARNING)


def _pysal(times: TravelTimeMatrix, pop, sup, run) -> np.ndarray:
    n, m = times.shape
    demand_ids = [f"d{i}" for i in range(n)]
    supply_ids = [f"s{j}" for j in range(m)]
    demand_df = pd.DataFrame({"geoid": demand_ids, "pop": pop})
    supply_df = pd.DataFrame({"geoid": supply_ids, "doc": sup})
    cost_df = times.to_frame(demand_ids, supply_ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = access.Access(
            demand_df=demand_df,
            demand_index="geoid",
            demand_value="pop",
            supply_df=supply_df,
            supply_index="geoid",
            supply_value="doc",
            cost_df=cost_df,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )
        run(a)
    col = a.access_df["x_doc"].reindex(demand_ids)
    return col.fillna(0.0).to_numpy(dtype=np.float64)


def _random_instance(seed: int, n: int = 40, m: int = 25, density: float = 0.5):
    rng = np.random.default_rng(seed)
    mask = rng.random((n, m)) < density
    rows, cols = np.nonzero(mask)
    # integer minutes so that pairs fall exactly on the 10/20/30 thresholds
    minutes = rng.integers(0, 41, size=rows.size).astype(float)
    times = TravelTimeMatrix.from_triplets(rows, cols, minutes, (n, m))
    pop = rng.integers(1, 5000, size=n).astype(float)
    sup = rng.integers(0, 30, size=m).astype(float)
    return times, pop, sup


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_step_fca_equals_pysal(seed):
    times, pop, sup = _random_instance(seed)
    ours = two_step_fca(times, pop, sup, max_minutes=30).accessibility
    ref = _pysal(times, pop, sup, lambda a: a.two_stage_fca(name="x", max_cost=30))
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_enhanced_two_step_fca_equals_pysal(seed):
    times, pop, sup = _random_instance(seed)
    ours = enhanced_two_step_fca(times, pop, sup).accessibility
    ref = _pysal(times, pop, sup, lambda a: a.enhanced_two_stage_fca(name="x"))
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-9)


def _hospital_costs() -> list[list[tuple[int, int, float]]]:
    """The four scenarios of PySAL's ``access/tests/test_hospital_example.py``
    (origin, dest, cost); self costs 1 and cross-city 80 in every scenario."""
    base = [(1, 1, 1), (2, 2, 1), (3, 3, 1), (1, 2, 80), (2, 1, 80)]
    return [
        [*base, (1, 3, 40), (2, 3, 40), (3, 1, 40), (3, 2, 40)],
        [*base, (1, 3, 20), (2, 3, 20), (3, 1, 40), (3, 2, 40)],
        [*base, (1, 3, 40), (2, 3, 40), (3, 1, 20), (3, 2, 20)],
        [
            (1, 1, 1),
            (2, 2, 1),
            (3, 3, 1),
            (1, 3, 20),
            (2, 3, 20),
            (3, 1, 20),
            (3, 2, 20),
            (1, 2, 40),
            (2, 1, 40),
        ],
    ]


def _hospital(scenario: int) -> tuple[TravelTimeMatrix, np.ndarray, np.ndarray]:
    trip = np.array(_hospital_costs()[scenario], dtype=float)
    times = TravelTimeMatrix.from_triplets(trip[:, 0] - 1, trip[:, 1] - 1, trip[:, 2], (3, 3))
    return times, np.array([100.0, 50.0, 10.0]), np.array([15.0, 20.0, 100.0])


def test_hospital_example_scenario_0_published_values():
    # ACCESS_METHODS.md quotes 0.331444 / 0.579828 / 7.286418 for gravity(1, -1), max_cost 61
    times, pop, doc = _hospital(0)
    decay = GravityDecay(scale=1.0, alpha=-1.0, max_minutes=61.0)
    ours = floating_catchment(times.weights(decay), pop, doc).accessibility
    np.testing.assert_allclose(ours, [0.331444, 0.579828, 7.286418], rtol=0, atol=5e-7)


@pytest.mark.parametrize("scenario", [0, 1, 2, 3])
def test_hospital_example_equals_pysal_gravity(scenario):
    times, pop, doc = _hospital(scenario)
    decay = GravityDecay(scale=1.0, alpha=-1.0, max_minutes=61.0)
    ours = floating_catchment(times.weights(decay), pop, doc).accessibility
    ref = _pysal(
        times,
        pop,
        doc,
        lambda a: a.two_stage_fca(name="x", weight_fn=access.weights.gravity(1, -1), max_cost=61),
    )
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-9)
