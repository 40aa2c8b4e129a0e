"""The arithmetic of a scenario's effect, on values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engines.access import DesertThresholds
from maillage.planning.effects import change_supply, summarise_effect


def test_a_full_time_gp_brings_the_drees_activity_and_a_mobile_unit_its_share_of_the_week():
    assert change_supply(kind="new_site", fte=1.5, hours_per_week=None,
                         supply_per_fte=5400) == 8100.0
    # 14 h a week of one GP = 14/35 of 5,400 consultations.
    assert change_supply(kind="mobile_unit_stop", fte=1, hours_per_week=14,
                         supply_per_fte=5400) == pytest.approx(2160.0)
    assert change_supply(kind="teleconsultation_point", fte=2, hours_per_week=3.5,
                         supply_per_fte=1.0) == pytest.approx(0.2)


def test_retirements_remove_supply():
    assert change_supply(kind="retirement", fte=2, hours_per_week=None,
                         supply_per_fte=5400) == -10800.0


def test_people_lifted_out_of_the_priority_class_and_elderly_reached_are_counted():
    summary = summarise_effect(
        before=np.array([1.0, 2.4, 3.0, 5.0]), after=np.array([2.6, 2.4, 2.0, 5.0]),
        population=np.array([100.0, 200.0, 300.0, 400.0]),
        standardised_population=np.array([100.0, 200.0, 300.0, 400.0]),
        share_75_plus=np.array([0.5, 0.1, np.nan, 0.2]), thresholds=DesertThresholds())

    assert summary.population_lifted == 100.0  # commune 0 crosses 2.5
    assert summary.population_fallen == 300.0  # commune 2 falls below 2.5
    assert summary.population_75_reached == 50.0  # only commune 0 gains
    assert (summary.communes_improved, summary.communes_worsened) == (1, 1)
    # Means weighted by standardised population: (100+480+900+2000)/1000 → (260+480+600+2000)/1000
    assert summary.mean_before == pytest.approx(3.48)
    assert summary.mean_after == pytest.approx(3.34)
    assert summary.population_by_class_after["priority"] == 500.0
