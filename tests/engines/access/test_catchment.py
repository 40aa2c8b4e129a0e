"""2SFCA, E2SFCA and Gaussian 2SFCA: hand-computed examples and properties."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from maillage.engines.access import (
    CutoffDecay,
    StepDecay,
    TravelTimeMatrix,
    enhanced_two_step_fca,
    floating_catchment,
    gaussian_two_step_fca,
    two_step_fca,
)

TOL = {"rtol": 0, "atol": 1e-12}


def test_two_step_fca_matches_the_hand_computation(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    res = two_step_fca(times, pop, supply, max_minutes=30)
    # site 0 reaches communes 0 (5 min) and 1 (20): D0 = 150, R0 = 10/150 = 1/15
    # site 1 reaches communes 1 (25) and 2 (0):     D1 = 60,  R1 = 5/60  = 1/12
    np.testing.assert_allclose(res.catchment_demand, [150.0, 60.0], **TOL)
    np.testing.assert_allclose(res.supply_ratio, [1 / 15, 1 / 12], **TOL)
    # A0 = 1/15 = 0.0667, A1 = 1/15 + 1/12 = 0.15, A2 = 1/12 = 0.0833
    np.testing.assert_allclose(res.accessibility, [1 / 15, 0.15, 1 / 12], **TOL)


def test_two_step_fca_threshold_is_inclusive(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    # with d0 = 20 commune 1 is still inside site 0's catchment (t = 20), not site 1's (25)
    res = two_step_fca(times, pop, supply, max_minutes=20)
    np.testing.assert_allclose(res.accessibility, [1 / 15, 1 / 15, 0.5], **TOL)


def test_enhanced_two_step_fca_matches_the_hand_computation(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    res = enhanced_two_step_fca(times, pop, supply)  # {10: 1, 20: 0.68, 30: 0.22}
    # weights: w00 = 1 (5 min), w10 = 0.68 (20, inclusive), w11 = 0.22 (25), w21 = 1 (0)
    # D0 = 100 + 0.68·50 = 134, R0 = 10/134; D1 = 0.22·50 + 10 = 21, R1 = 5/21
    np.testing.assert_allclose(res.catchment_demand, [134.0, 21.0], **TOL)
    # A0 = 10/134 = 0.074627; A1 = 0.68·10/134 + 0.22·5/21 = 0.103127; A2 = 5/21 = 0.238095
    expected = [10 / 134, 0.68 * 10 / 134 + 0.22 * 5 / 21, 5 / 21]
    np.testing.assert_allclose(res.accessibility, expected, **TOL)
    np.testing.assert_allclose(res.accessibility, [0.074627, 0.103127, 0.238095], atol=1e-6)


def test_enhanced_two_step_fca_accepts_a_mapping(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites
    res = enhanced_two_step_fca(times, pop, supply, steps={30: 1.0})
    np.testing.assert_allclose(
        res.accessibility, two_step_fca(times, pop, supply, 30).accessibility, **TOL
    )


def test_gaussian_two_step_fca_matches_the_hand_computation(three_communes_two_sites):
    times, pop, supply = three_communes_two_sites

    def w(t: float) -> float:
        return (math.exp(-0.5 * (t / 30) ** 2) - math.exp(-0.5)) / (1 - math.exp(-0.5))

    # w(5) = 0.964948, w(20) = 0.493573, w(25) = 0.254449, w(0) = 1, 35 and 40 min → 0
    np.testing.assert_allclose([w(5), w(20), w(25)], [0.964945, 0.493575, 0.254448], atol=1e-6)
    d0 = 100 * w(5) + 50 * w(20)
    d1 = 50 * w(25) + 10 * w(0)
    expected = [w(5) * 10 / d0, w(20) * 10 / d0 + w(25) * 5 / d1, 5 / d1]
    res = gaussian_two_step_fca(times, pop, supply, max_minutes=30)
    np.testing.assert_allclose(res.accessibility, expected, rtol=1e-12)


def test_supply_without_demand_gets_ratio_zero_not_nan():
    # site 1 is reachable by nobody; site 2 only by a commune of population 0
    times = TravelTimeMatrix.from_triplets([0, 1], [0, 2], [1.0, 1.0], (2, 3))
    res = two_step_fca(times, [10.0, 0.0], [5.0, 7.0, 3.0], 30)
    np.testing.assert_allclose(res.supply_ratio, [0.5, 0.0, 0.0], **TOL)
    np.testing.assert_allclose(res.accessibility, [0.5, 0.0], **TOL)
    assert res.unserved_supply == 10.0
    assert np.all(np.isfinite(res.accessibility))


def test_demand_point_out_of_every_catchment_gets_zero():
    times = TravelTimeMatrix.from_triplets([0], [0], [3.0], (2, 1))
    res = two_step_fca(times, [10.0, 20.0], [1.0], 30)
    np.testing.assert_allclose(res.accessibility, [0.1, 0.0], **TOL)


def test_step_decay_boundaries_follow_their_flags():
    decay = StepDecay(((10.0, 1.0, False), (20.0, 0.5, True)))
    np.testing.assert_allclose(decay([9.99, 10.0, 20.0, 20.001]), [1.0, 0.5, 0.5, 0.0], **TOL)


@st.composite
def instances(draw, *, all_supply_reach_demand: bool = False):
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 6))
    times = np.array(
        draw(st.lists(st.integers(0, 45), min_size=n * m, max_size=n * m)), dtype=float
    ).reshape(n, m)
    pop = np.array(draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n)), dtype=float)
    sup = np.array(draw(st.lists(st.integers(0, 50), min_size=m, max_size=m)), dtype=float)
    if all_supply_reach_demand:
        # each demand point and each supply point within some catchment (time ≤ 30)
        times[np.arange(n), np.arange(n) % m] = 0.0
        times[np.arange(m) % n, np.arange(m)] = 0.0
    rows, cols = np.nonzero(np.ones((n, m)))
    tt = TravelTimeMatrix.from_triplets(rows, cols, times[rows, cols], (n, m))
    return tt, pop, sup


@given(instances(all_supply_reach_demand=True))
def test_two_step_fca_conserves_supply(inst):
    times, pop, sup = inst
    res = two_step_fca(times, pop, sup, 30)
    # Σ_i P_i A_i = Σ_j R_j D_j = Σ_j S_j when every supply point reaches some demand
    np.testing.assert_allclose(pop @ res.accessibility, sup.sum(), rtol=1e-12, atol=1e-12)


@given(instances())
def test_conservation_holds_for_any_decay_up_to_unserved_supply(inst):
    times, pop, sup = inst
    res = enhanced_two_step_fca(times, pop, sup)
    np.testing.assert_allclose(
        pop @ res.accessibility, sup.sum() - res.unserved_supply, rtol=1e-12, atol=1e-12
    )


@given(instances())
def test_accessibility_is_never_negative(inst):
    times, pop, sup = inst
    for res in (
        two_step_fca(times, pop, sup, 30),
        enhanced_two_step_fca(times, pop, sup),
        gaussian_two_step_fca(times, pop, sup, 30),
    ):
        assert np.all(res.accessibility >= 0)
        assert np.all(np.isfinite(res.accessibility))


@given(instances(), st.data())
def test_adding_supply_never_lowers_accessibility(inst, data):
    times, pop, sup = inst
    j = data.draw(st.integers(0, sup.size - 1))
    extra = data.draw(st.floats(0.0, 100.0))
    more = sup.copy()
    more[j] += extra
    for decay in (CutoffDecay(30), StepDecay.from_mapping({10: 1, 20: 0.68, 30: 0.22})):
        w = times.weights(decay)
        before = floating_catchment(w, pop, sup).accessibility
        after = floating_catchment(w, pop, more).accessibility
        assert np.all(after >= before - 1e-12)
        # a new site (extra column) never lowers anyone either
        new_col = sp.csr_matrix(np.ones((pop.size, 1)))
        with_site = floating_catchment(sp.hstack([w, new_col]), pop, np.append(sup, extra))
        assert np.all(with_site.accessibility >= before - 1e-12)
