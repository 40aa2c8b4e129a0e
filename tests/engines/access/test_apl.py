"""APL: DREES activity caps, 5,400 rule, age standardisation, decay bands, hand example."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engines.access import (
    AGE_BANDS,
    AGE_WEIGHTS_2022,
    AGE_WEIGHTS_2023,
    DREES_APL_DECAY,
    AccessInputError,
    ActivityCaps,
    AplParameters,
    TravelTimeMatrix,
    aggregate_supply,
    apl,
    capped_activity,
    standardised_population,
)

TOL = {"rtol": 0, "atol": 1e-12}


def test_activity_caps_follow_the_workbook_bands():
    # sheet "Paramètres": < 250 → 0; 251..3,600 → 3,600; 3,601..6,000 → actual; > 6,000 → 6,000
    activity = [0, 249, 249.9, 250, 251, 1000, 3600, 3600.5, 3601, 4500, 6000, 6001, 12000]
    expected = [0, 0, 0, 3600, 3600, 3600, 3600, 3600.5, 3601, 4500, 6000, 6000, 6000]
    np.testing.assert_allclose(capped_activity(activity), expected, **TOL)


def test_exactly_250_counts_as_3600_by_our_documented_convention():
    assert capped_activity([250])[0] == 3600.0
    # the convention is a parameter: a stricter reading puts 250 at 0
    assert capped_activity([250], caps=ActivityCaps(zero_below=251))[0] == 0.0


def test_liberal_gp_without_previous_year_activity_counts_5400():
    out = capped_activity([0, 100, 9000], no_previous_year_activity=[True, True, True])
    np.testing.assert_allclose(out, [5400, 5400, 5400], **TOL)


def test_health_centres_are_not_capped():
    out = capped_activity(
        [100, 9000, 4000],
        health_centre=[True, True, True],
        no_previous_year_activity=[True, False, False],
    )
    np.testing.assert_allclose(out, [100, 9000, 4000], **TOL)


def test_negative_or_nan_activity_is_rejected():
    with pytest.raises(AccessInputError, match="activity"):
        capped_activity([100, -1])
    with pytest.raises(AccessInputError, match="activity"):
        capped_activity([np.nan])


def test_aggregate_supply_sums_per_location():
    np.testing.assert_allclose(
        aggregate_supply([3600, 4000, 6000], [1, 1, 0], 3), [6000, 7600, 0], **TOL
    )


def test_age_weights_have_19_bands_and_the_workbook_values():
    assert len(AGE_BANDS) == len(AGE_WEIGHTS_2022) == len(AGE_WEIGHTS_2023) == 19
    assert AGE_WEIGHTS_2022[0] == 0.93 and AGE_WEIGHTS_2022[-1] == 2.39
    assert AGE_WEIGHTS_2023[0] == 1.12 and AGE_WEIGHTS_2023[-1] == 2.26
    assert AGE_WEIGHTS_2022[14] == 1.52 and AGE_WEIGHTS_2023[14] == 1.46  # 70-74


def test_standardised_population_by_hand():
    pop = np.zeros((2, 19))
    pop[0, 0] = 100  # 100 children under 5: 100 × 0.93 = 93 (2022), 112 (2023)
    pop[0, 13] = 50  # 50 people aged 65-69: 50 × 1.19 = 59.5 (2022), 61.5 (2023)
    pop[1, :] = 1  # one person per band: Σ weights
    np.testing.assert_allclose(
        standardised_population(pop), [152.5, sum(AGE_WEIGHTS_2022)], rtol=1e-12
    )
    np.testing.assert_allclose(
        standardised_population(pop, AGE_WEIGHTS_2023), [173.5, sum(AGE_WEIGHTS_2023)], rtol=1e-12
    )


def test_standardised_population_needs_19_columns():
    with pytest.raises(AccessInputError, match="population_by_age"):
        standardised_population(np.ones((2, 18)))


def test_decay_bands_and_their_boundaries():
    t = [0, 9.999, 10, 12, 14.999, 15, 19.999, 20, 20.0001, 60]
    w = DREES_APL_DECAY(t)
    third = 1 / 3
    np.testing.assert_allclose(
        w, [1, 1, 2 * third, 2 * third, 2 * third, third, third, third, 0, 0], **TOL
    )
    assert DREES_APL_DECAY.max_minutes == 20.0


def test_apl_by_hand():
    # communes 0, 1, 2 (standardised pop. 1,000, 500, 2,000); GP sites in communes 0 and 2.
    #                 site 0   site 1
    #   commune 0       0       25      → w = 1, 0
    #   commune 1      12       18      → w = 2/3, 1/3
    #   commune 2      30        0      → w = 0, 1
    # GPs: site 0 has two GPs of 3,000 and 7,000 consultations → 3,600 + 6,000 = 9,600;
    #      site 1 has one GP of 4,200 → 4,200.
    rows, cols = [0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1]
    times = TravelTimeMatrix.from_triplets(rows, cols, [0, 25, 12, 18, 30, 0], (3, 2))
    spop = np.array([1000.0, 500.0, 2000.0])
    supply = aggregate_supply(capped_activity([3000, 7000, 4200]), [0, 0, 1], 2)
    np.testing.assert_allclose(supply, [9600.0, 4200.0], **TOL)
    res = apl(times, spop, supply)
    # D0 = 1,000 + 2/3 · 500 = 4,000/3 → R0 = 9,600 · 3/4,000 = 7.2
    # D1 = 1/3 · 500 + 2,000 = 6,500/3 → R1 = 4,200 · 3/6,500 = 1.938462
    r0, r1 = 7.2, 4200 * 3 / 6500
    np.testing.assert_allclose(res.supply_ratio, [r0, r1], rtol=1e-12)
    # APL0 = 7.2; APL1 = 2/3 · 7.2 + 1/3 · 1.938462 = 5.446154; APL2 = 1.938462
    np.testing.assert_allclose(res.accessibility, [7.2, 2 / 3 * r0 + r1 / 3, r1], rtol=1e-12)
    np.testing.assert_allclose(res.accessibility, [7.2, 5.446154, 1.938462], atol=1e-6)


def test_apl_parameters_can_swap_the_decay():
    times = TravelTimeMatrix.from_triplets([0, 1], [0, 0], [0.0, 20.0], (2, 1))
    default = apl(times, [100.0, 300.0], [400.0]).accessibility
    # at exactly 20 min the DREES decay still gives 1/3: D = 100 + 100 = 200, R = 2
    np.testing.assert_allclose(default, [2.0, 2 / 3], rtol=1e-12)
    from maillage.engines.access import StepDecay

    strict = AplParameters(
        decay=StepDecay(((10, 1, False), (15, 2 / 3, False), (20, 1 / 3, False)))
    )
    np.testing.assert_allclose(
        apl(times, [100.0, 300.0], [400.0], strict).accessibility, [4.0, 0.0], rtol=1e-12
    )
