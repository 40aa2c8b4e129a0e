"""Scenario deltas equal a full recomputation (to 1e-9), on hand and random instances."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from maillage.engines.access import (
    DREES_APL_DECAY,
    AccessInputError,
    AddSite,
    CatchmentModel,
    ChangeDemand,
    ChangeSupply,
    CutoffDecay,
    GreatCircleTravelTime,
    Locations,
    TravelTimeMatrix,
    floating_catchment,
)

TOL = {"rtol": 1e-9, "atol": 1e-12}


def test_change_and_removal_by_hand(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    model = CatchmentModel.from_times(times, CutoffDecay(30), pop, supply)
    # site 0: D0 = 150; doubling its supply to 20 gives R0 = 2/15, affecting communes 0 and 1
    delta = model.evaluate([ChangeSupply(0, 20.0)])
    assert delta.demand_indices.tolist() == [0, 1]
    np.testing.assert_allclose(delta.after, [2 / 15, 2 / 15 + 1 / 12], **TOL)
    np.testing.assert_allclose(delta.gain, [1 / 15, 1 / 15], **TOL)
    # removing site 1 (R1 = 0): communes 1 and 2 lose 1/12
    delta = model.evaluate([ChangeSupply(1, 0.0)])
    np.testing.assert_allclose(
        delta.accessibility(model.accessibility), [1 / 15, 1 / 15, 0.0], **TOL
    )


def test_new_site_by_hand(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    model = CatchmentModel.from_times(times, CutoffDecay(30), pop, supply)
    # a new site with 16 GPs reached by communes 0 (w 1) and 2 (w 1): D = 110, R = 16/110
    site = AddSite(rows=np.array([0, 2]), weights=np.array([1.0, 1.0]), supply=16.0)
    delta = model.evaluate([site])
    assert delta.changed_supply_indices.tolist() == [2]
    np.testing.assert_allclose(delta.after, [1 / 15 + 16 / 110, 1 / 12 + 16 / 110], **TOL)


def test_add_site_at_uses_the_model_source():
    communes = Locations(lat=[45.0, 45.01, 46.0], lon=[3.0, 3.0, 3.0], codes=["a", "b", "c"])
    src = GreatCircleTravelTime()
    times = src.matrix(communes, communes.take([0]), DREES_APL_DECAY.max_minutes)
    model = CatchmentModel.from_times(
        times,
        DREES_APL_DECAY,
        [100.0, 200.0, 300.0],
        [3600.0],
        demand_locations=communes,
        source=src,
    )
    delta = model.add_site_at(communes.take([2]), 3600.0)
    assert delta.demand_indices.tolist() == [2]
    np.testing.assert_allclose(delta.after, [12.0], **TOL)
    with pytest.raises(AccessInputError):
        CatchmentModel(model.weights, model.demand, model.supply).add_site_at(
            communes.take([2]), 1.0
        )


def test_demand_change_by_hand(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    model = CatchmentModel.from_times(times, CutoffDecay(30), pop, supply)
    # commune 2 grows from 10 to 70: D1 = 50 + 70 = 120, R1 = 5/120; site 0 is unchanged
    delta = model.evaluate([ChangeDemand(2, 70.0)])
    assert delta.demand_indices.tolist() == [1, 2]
    assert delta.changed_supply_indices.tolist() == [1]
    np.testing.assert_allclose(delta.after, [1 / 15 + 5 / 120, 5 / 120], **TOL)


def test_invalid_changes_are_rejected(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    model = CatchmentModel.from_times(times, CutoffDecay(30), pop, supply)
    with pytest.raises(AccessInputError):
        model.evaluate([ChangeSupply(5, 1.0)])
    with pytest.raises(AccessInputError):
        model.evaluate([ChangeSupply(0, -1.0)])
    with pytest.raises(AccessInputError):
        model.evaluate([ChangeSupply(0, 1.0), ChangeSupply(0, 2.0)])
    with pytest.raises(AccessInputError):
        model.evaluate([AddSite(np.array([0, 7]), np.array([1.0, 1.0]), 1.0)])
    with pytest.raises(AccessInputError):
        model.evaluate([AddSite(np.array([0, 0]), np.array([1.0, 1.0]), 1.0)])
    assert model.evaluate([]).demand_indices.size == 0


@st.composite
def scenario_instances(draw):
    n = draw(st.integers(1, 9))
    m = draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n, m)) < 0.5, rng.uniform(0, 40, (n, m)), np.inf)
    rows, cols = np.nonzero(np.isfinite(dense))
    times = TravelTimeMatrix.from_triplets(rows, cols, dense[rows, cols], (n, m))
    pop = rng.uniform(0, 1000, n) * (rng.random(n) < 0.9)
    supply = rng.uniform(0, 50, m)
    n_changes = draw(st.integers(1, 3))
    changes = []
    js = rng.permutation(m)[: min(n_changes, m)]
    for j in js:
        changes.append(ChangeSupply(int(j), float(rng.choice([0.0, rng.uniform(0, 80)]))))
    for i in rng.permutation(n)[: draw(st.integers(0, 2))]:
        changes.append(ChangeDemand(int(i), float(rng.choice([0.0, rng.uniform(0, 2000)]))))
    for _ in range(draw(st.integers(0, 2))):
        k = int(rng.integers(0, n + 1))
        r = np.sort(rng.choice(n, size=k, replace=False)).astype(np.int64)
        changes.append(AddSite(r, rng.uniform(0.05, 1.0, k), float(rng.uniform(0, 60))))
    return times, pop, supply, changes


def _full(weights: sp.csr_matrix, pop, supply, changes) -> np.ndarray:
    s = supply.copy()
    p = pop.copy()
    cols = [weights]
    for ch in changes:
        if isinstance(ch, ChangeSupply):
            s[ch.index] = ch.supply
        elif isinstance(ch, ChangeDemand):
            p[ch.index] = ch.demand
        else:
            dense = np.zeros((weights.shape[0], 1))
            dense[ch.rows, 0] = ch.weights
            cols.append(sp.csr_matrix(dense))
            s = np.append(s, ch.supply)
    return floating_catchment(sp.hstack(cols, format="csr"), p, s).accessibility


@given(scenario_instances())
def test_delta_equals_full_recomputation(inst):
    times, pop, supply, changes = inst
    for decay in (CutoffDecay(30), DREES_APL_DECAY):
        model = CatchmentModel.from_times(times, decay, pop, supply)
        delta = model.evaluate(changes)
        full = _full(model.weights, pop, supply, changes)
        np.testing.assert_allclose(delta.accessibility(model.accessibility), full, **TOL)
        exact = model.evaluate(changes, recompute_rows=True)
        np.testing.assert_array_equal(exact.demand_indices, delta.demand_indices)
        np.testing.assert_allclose(exact.accessibility(model.accessibility), full, **TOL)
        # points outside the delta's neighbourhood did not change
        outside = np.setdiff1d(np.arange(pop.size), delta.demand_indices)
        np.testing.assert_allclose(full[outside], model.accessibility[outside], **TOL)
        # committing the changes gives the same state
        np.testing.assert_allclose(model.apply(changes).accessibility, full, **TOL)


def test_delta_on_a_larger_random_instance():
    rng = np.random.default_rng(7)
    communes = Locations(lat=rng.uniform(44, 46, 2000), lon=rng.uniform(2, 4, 2000))
    sites = Locations(lat=rng.uniform(44, 46, 800), lon=rng.uniform(2, 4, 800))
    src = GreatCircleTravelTime()
    times = src.matrix(communes, sites, 30)
    pop = rng.uniform(10, 5000, 2000)
    supply = rng.uniform(0, 6000, 800)
    model = CatchmentModel.from_times(
        times, DREES_APL_DECAY, pop, supply, demand_locations=communes, source=src
    )
    new = model.new_site(Locations(lat=[45.0], lon=[3.0]), 5000.0)
    changes = [ChangeSupply(10, 0.0), ChangeSupply(500, 9000.0), ChangeDemand(3, 0.0), new]
    full = _full(model.weights, pop, supply, changes)
    for recompute_rows in (False, True):
        delta = model.evaluate(changes, recompute_rows=recompute_rows)
        assert 0 < delta.demand_indices.size < 2000
        np.testing.assert_allclose(delta.accessibility(model.accessibility), full, **TOL)
