"""Desert classes, population per class (non-standardised) and standardised mean."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engines.access import (
    AccessInputError,
    DesertClass,
    DesertThresholds,
    classify_deserts,
    territory_mean,
)


def test_classes_follow_the_thresholds_with_lower_bounds_inclusive():
    apl = [0.0, 2.4999, 2.5, 3.9999, 4.0, 7.0]
    s = classify_deserts(apl, [1, 2, 4, 8, 16, 32], [1, 1, 1, 1, 1, 1])
    assert s.classes.tolist() == [0, 0, 1, 1, 2, 2]
    assert s.population_by_class == {
        DesertClass.PRIORITY: 3.0,
        DesertClass.COMPLEMENTARY: 12.0,
        DesertClass.NOT_UNDERSERVED: 48.0,
    }
    assert DesertClass.PRIORITY.label == "zone d'intervention prioritaire"


def test_population_counts_use_raw_population_and_mean_uses_standardised():
    # raw population 100 / 900, standardised 300 / 100:
    # population in priority zone = 100 (raw); mean = (1·300 + 5·100) / 400 = 2.0
    s = classify_deserts([1.0, 5.0], [100.0, 900.0], [300.0, 100.0])
    assert s.population_by_class[DesertClass.PRIORITY] == 100.0
    assert s.mean_apl == pytest.approx(2.0, abs=1e-12)
    assert s.share_priority == pytest.approx(0.1, abs=1e-12)


def test_custom_thresholds():
    s = classify_deserts([3.0], [1.0], [1.0], DesertThresholds(priority=3.5, complementary=5))
    assert s.classes.tolist() == [DesertClass.PRIORITY]
    with pytest.raises(ValueError):
        DesertThresholds(priority=5, complementary=4)


def test_territory_mean_per_group():
    out = territory_mean([1.0, 3.0, 10.0], [1.0, 3.0, 0.0], groups=[0, 0, 2])
    np.testing.assert_allclose(out[:1], [2.5], rtol=1e-12)
    assert np.isnan(out[1]) and np.isnan(out[2])  # group 1 empty, group 2 weight 0


def test_negative_population_is_rejected():
    with pytest.raises(AccessInputError, match="population"):
        classify_deserts([1.0], [-1.0], [1.0])
