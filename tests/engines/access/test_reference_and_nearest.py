"""Agreement with DREES's reference APL, and distance to the nearest supply."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engines.access import (
    AccessInputError,
    GreatCircleTravelTime,
    Locations,
    agreement,
    best_scale,
    haversine_km,
    nearest_supply,
)


def test_agreement_by_hand():
    # computed 1, 2, 3, 5 vs reference 1.2, 2.6, 3.1, 4.0: same ranks → Spearman 1;
    # |diff| = 0.2, 0.6, 0.1, 1.0 → MAE 0.475; under 2.5: (T, T, F, F) vs (T, F, F, F) → 3/4
    a = agreement([1.0, 2.0, 3.0, 5.0], [1.2, 2.6, 3.1, 4.0])
    assert a.n == 4
    assert a.spearman == pytest.approx(1.0, abs=1e-12)
    assert a.mean_absolute_error == pytest.approx(0.475, abs=1e-12)
    assert a.class_agreement == 0.75


def test_agreement_skips_missing_values_and_handles_tiny_samples():
    a = agreement([1.0, np.nan, 3.0], [1.0, 2.0, np.nan])
    assert a.n == 1 and np.isnan(a.spearman) and a.mean_absolute_error == 0.0
    assert agreement([], []).n == 0
    with pytest.raises(AccessInputError):
        agreement([1.0], [1.0, 2.0])


def test_best_scale_minimises_the_absolute_error():
    rng = np.random.default_rng(3)
    c = rng.uniform(0.5, 5, 200)
    r = 1.7 * c + rng.normal(0, 0.3, 200)
    s = best_scale(c, r)

    def mae(x: float) -> float:
        return float(np.abs(x * c - r).sum())

    grid = np.linspace(1.0, 2.5, 3001)
    assert mae(s) <= min(mae(x) for x in grid) + 1e-9
    assert agreement(c, r).best_scale == s


def test_nearest_supply_ignores_sites_without_supply():
    communes = Locations(lat=[45.0, 45.5, 46.0], lon=[3.0, 3.0, 3.0])
    sites = Locations(lat=[45.0, 45.5, 46.1], lon=[3.0, 3.0, 3.0])
    km = nearest_supply(communes, sites, [1.0, 0.0, 2.0])
    expected = [
        0.0,
        float(haversine_km(45.5, 3.0, 45.0, 3.0)),
        float(haversine_km(46.0, 3.0, 46.1, 3.0)),
    ]
    np.testing.assert_allclose(km, expected, rtol=1e-12, atol=0)
    minutes = GreatCircleTravelTime().minutes_for_km(km)
    assert minutes[0] == 0.0
    assert np.all(np.isinf(nearest_supply(communes, sites, [0.0, 0.0, 0.0])))


def test_nearest_supply_matches_brute_force():
    rng = np.random.default_rng(5)
    communes = Locations(lat=rng.uniform(43, 49, 400), lon=rng.uniform(-1, 7, 400))
    sites = Locations(lat=rng.uniform(43, 49, 150), lon=rng.uniform(-1, 7, 150))
    km = nearest_supply(communes, sites)
    full = haversine_km(
        communes.lat[:, None], communes.lon[:, None], sites.lat[None], sites.lon[None]
    )
    np.testing.assert_allclose(km, full.min(axis=1), rtol=1e-9, atol=1e-9)
