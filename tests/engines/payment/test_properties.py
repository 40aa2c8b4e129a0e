"""Properties: more quality never lowers a payment; a cap is never exceeded."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engines.payment import (
    EpisodeParameters,
    IpepParameters,
    MsspParameters,
    PepsParameters,
    episode_bundle,
    ipep_bonus,
    mssp_shared_savings,
    peps_capitation,
    synthetic_population,
)

seeds = st.integers(0, 10_000)
qualities = st.floats(0, 100)
shares = st.floats(0, 1)


def _population(seed: int, quality: float, experience: float | None = None):
    population = synthetic_population(60, seed=seed, years=2)
    n = len(population)
    return replace(population, quality=np.full(n, quality),
                   experience=np.full(n, np.nan if experience is None else experience))


@settings(max_examples=60, deadline=None)
@given(seeds, qualities, qualities, shares, st.floats(0, 0.5), st.floats(0, 2000))
def test_peps_more_quality_never_lowers_the_forfait_and_the_cap_holds(
        seed, q1, q2, cap, modulation, base):
    low, high = sorted((q1, q2))
    parameters = PepsParameters(cap_over_fee_for_service=cap, quality_modulation=modulation,
                                base_amount=base)
    worse = peps_capitation(_population(seed, low), parameters)
    better = peps_capitation(_population(seed, high), parameters)
    assert np.all(better.components["forfait"] >= worse.components["forfait"] - 1e-9)
    for result in (worse, better):
        assert np.all(result.per_year["uncapped"] * result.per_year["cap_scale"]
                      <= result.per_year["cap"] * (1 + 1e-12) + 1e-9)
        population = _population(seed, low)
        _, index = population.years()
        forfaits = np.bincount(index, weights=result.components["forfait"])
        covered = np.bincount(index, weights=population.fees[:, :2].sum(axis=1))
        assert np.all(forfaits <= (1 + cap) * covered + 1e-6)


@settings(max_examples=60, deadline=None)
@given(seeds, qualities, qualities, st.floats(0, 20), st.floats(0, 120), shares, st.booleans())
def test_ipep_more_quality_never_lowers_the_bonus(seed, q1, q2, experience, gate, sharing,
                                                  per_patient):
    low, high = sorted((q1, q2))
    parameters = IpepParameters(quality_gate=gate, sharing_rate=sharing,
                                per_patient_gaps=per_patient)
    worse = ipep_bonus(_population(seed, low, experience), parameters)
    better = ipep_bonus(_population(seed, high, experience), parameters)
    assert np.all(better.components["bonus"] >= worse.components["bonus"] - 1e-9)
    assert np.all(worse.components["bonus"] >= 0)
    more_experience = ipep_bonus(_population(seed, low, min(experience + 5, 20)), parameters)
    assert np.all(more_experience.components["bonus"] >= worse.components["bonus"] - 1e-9)


@settings(max_examples=60, deadline=None)
@given(seeds, qualities, qualities, st.floats(0.5, 1.5), st.booleans())
def test_mssp_more_quality_never_lowers_the_payment_and_caps_hold(
        seed, q1, q2, reference_factor, two_sided):
    low, high = sorted((q1, q2))
    parameters = MsspParameters(two_sided=two_sided)

    def run(quality):
        population = _population(seed, quality)
        population = replace(population, spending_reference=population.spending
                             * reference_factor * np.linspace(0.9, 1.1, len(population)))
        return mssp_shared_savings(population, parameters)

    worse, better = run(low), run(high)
    net_worse = worse.per_year["shared_savings"] - worse.per_year["shared_losses"]
    net_better = better.per_year["shared_savings"] - better.per_year["shared_losses"]
    assert np.all(net_better >= net_worse - 1e-6)
    for result in (worse, better):
        benchmark = result.per_year["benchmark"]
        assert np.all(result.per_year["shared_savings"]
                      <= parameters.performance_payment_limit * benchmark + 1e-6)
        assert np.all(result.per_year["shared_losses"]
                      <= parameters.loss_limit * benchmark + 1e-6)


@settings(max_examples=40, deadline=None)
@given(seeds, qualities, qualities)
def test_episode_more_quality_never_lowers_the_envelope(seed, q1, q2):
    low, high = sorted((q1, q2))
    worse = episode_bundle(_population(seed, low), EpisodeParameters())
    better = episode_bundle(_population(seed, high), EpisodeParameters())
    assert np.all(better.components["envelope"] >= worse.components["envelope"])
