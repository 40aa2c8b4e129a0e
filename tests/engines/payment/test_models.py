"""Each model on a population small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from maillage.engines.payment import (
    EpisodeParameters,
    FeeForServiceParameters,
    IpepParameters,
    MsspParameters,
    PepsParameters,
    episode_bundle,
    fee_for_service,
    ipep_bonus,
    mssp_shared_savings,
    peps_capitation,
)
from tests.engines.payment.conftest import tiny

TOL = 1e-9


def test_fee_for_service_pays_each_act_its_value():
    p = tiny(fees=[[30, 10, 0], [60, 0, 20]], episode=[0, 1], episode_spending=[0, 1000],
             spending=[500, 3000])
    result = fee_for_service(p, FeeForServiceParameters())
    assert_allclose(result.team_revenue, [40, 1080], rtol=TOL)
    assert_allclose(result.payer_cost, [500, 3000], rtol=TOL)
    raised = fee_for_service(p, FeeForServiceParameters(tariff_change=0.1))
    # +10 % on primary-care acts only: 44 and 88 + 1000 of episode
    assert_allclose(raised.team_revenue, [44, 1088], rtol=TOL)
    assert_allclose(raised.payer_cost, [504, 3008], rtol=TOL)


def _peps_population(quality=50.0):
    # Patient 1: 0-17 (0.75) with CSS (1.2) → 0.9 ; patient 2: 80+ (2.0) in ALD (1.9) → 3.8.
    return tiny(age_band=[0, 5], css=[True, False], ald_count=[0, 1],
                fees=[[30, 10, 0], [60, 0, 20]], spending=[500, 3000],
                quality=[quality, quality])


def test_peps_calibrates_the_base_and_adjusts_per_patient():
    result = peps_capitation(_peps_population(), PepsParameters())
    # Covered fee-for-service (GP + nurse) = 40 + 60 = 100; base = 100 / (0.9 + 3.8).
    base = 100 / 4.7
    forfait = result.components["forfait"]
    assert_allclose(forfait, [0.9 * base, 3.8 * base], rtol=TOL)
    assert_allclose(result.per_year["base_amount"], [base], rtol=TOL)
    # Split among GPs and nurses pro rata their fee-for-service (90 / 10); the physio's 20 €
    # stays paid per act.
    assert_allclose(result.by_group[0, :3], [0.9 * forfait[0], 0.1 * forfait[0], 0], rtol=TOL)
    assert_allclose(result.by_group[1, 2], 20, rtol=TOL)
    assert_allclose(result.payer_cost, [500 - 40 + forfait[0], 3000 - 60 + forfait[1]],
                    rtol=TOL)


def test_peps_quality_modulates_and_the_2022_cap_binds():
    top = peps_capitation(_peps_population(100.0), PepsParameters())
    assert_allclose(top.components["forfait"].sum(), 105, rtol=TOL)  # 100 × (1 + 5 %)
    assert top.per_year["cap_scale"][0] == 1.0
    strong = peps_capitation(_peps_population(100.0), PepsParameters(quality_modulation=0.5))
    # 150 before the cap, capped at 1.2 × 100 = 120: every forfait × 0.8.
    assert_allclose(strong.components["forfait"], [0.9 / 4.7 * 100 * 1.5 * 0.8,
                                                   3.8 / 4.7 * 100 * 1.5 * 0.8], rtol=TOL)
    assert_allclose(strong.per_year["cap_scale"], [0.8], rtol=TOL)


def test_peps_with_a_given_base_amount():
    result = peps_capitation(_peps_population(), PepsParameters(base_amount=100))
    # 90 + 380 = 470 > cap 120 → scaled to 120
    assert_allclose(result.components["forfait"].sum(), 120, rtol=TOL)


def test_peps_can_include_physiotherapists():
    result = peps_capitation(_peps_population(), PepsParameters(include_physiotherapists=True))
    assert_allclose(result.components["forfait"].sum(), 120, rtol=TOL)  # 40 + 80 covered


def test_ipep_follows_the_cahier_des_charges_formula():
    p = tiny(spending=[1000, 1200], spending_reference=[1300, 1300],
             spending_previous=[1000, 1200], quality=[80, 80], experience=[10, np.nan])
    result = ipep_bonus(p, IpepParameters())
    # Group per patient: reference 1300 − spending 1100 = 200; growth 1100 × 1.03 − 1100 = 33;
    # 0.5 × (⅓ × 200 + ⅔ × 33) = 44.333…; quality 80 + 10/20 × 20 experience points = 90
    # → factor 0.9 → 39.9 for each patient.
    assert_allclose(result.components["bonus"], [39.9, 39.9], rtol=TOL)
    assert_allclose(result.per_year["quality_score"], [90], rtol=TOL)
    assert_allclose(result.payer_cost, [1039.9, 1239.9], rtol=TOL)


def test_ipep_patient_by_patient_gaps_as_the_issue_writes_them():
    p = tiny(spending=[1000, 2000], spending_reference=[1300, 1500],
             spending_previous=[1000, 1800], quality=[80, 80], experience=[10, np.nan])
    result = ipep_bonus(p, IpepParameters(per_patient_gaps=True))
    # Patient 1: 0.5 × (⅓ × 300 + ⅔ × (1000 × 1.03 − 1000)) = 60, × 0.9 = 54;
    # patient 2 spends above both references: 0.
    assert_allclose(result.components["bonus"], [54, 0], rtol=TOL)
    # On the group's means the gaps are negative (1400 vs 1500; 1442 vs 1500): nothing.
    assert_allclose(ipep_bonus(p, IpepParameters()).components["bonus"], [0, 0], atol=TOL)


def test_ipep_pays_nothing_below_the_quality_gate():
    p = tiny(spending=[1000], spending_reference=[1300], quality=[30], n=1)
    assert ipep_bonus(p, IpepParameters()).components["bonus"][0] == 0
    assert ipep_bonus(p, IpepParameters(quality_gate=20)).components["bonus"][0] == \
        pytest.approx(0.5 * 100 * 0.3)


def test_ipep_without_previous_spending_uses_the_gap_only():
    p = tiny(spending=[1000], spending_reference=[1600], quality=[100], n=1)
    assert ipep_bonus(p, IpepParameters()).components["bonus"][0] == pytest.approx(100)


def test_the_episode_bundle_is_risk_adjusted_with_a_quality_envelope():
    p = tiny(n=2, age_band=[5, 2], ald_count=[1, 0], episode=[1, 0],
             episode_spending=[9000, 0], spending=[12000, 1000], quality=[80, 80],
             fees=[[30, 0, 0], [30, 0, 0]])
    result = episode_bundle(p, EpisodeParameters())
    bundle = 9500 * 1.1 * 1.1  # PTH, 80 and over, ALD
    envelope = 0.05 * bundle * 0.8
    assert_allclose(result.components["bundle"], [bundle, 0], rtol=TOL)
    assert_allclose(result.components["pre"][0], 0.05 * bundle, rtol=TOL)
    assert_allclose(result.components["stay"][0], 0.75 * bundle, rtol=TOL)
    assert_allclose(result.components["post"][0], 0.20 * bundle, rtol=TOL)
    assert_allclose(result.by_group[:, 3], [bundle + envelope, 0], rtol=TOL)
    assert_allclose(result.team_revenue, [30 + bundle + envelope, 30], rtol=TOL)
    assert_allclose(result.payer_cost, [12000 - 9000 + bundle + envelope, 1000], rtol=TOL)


def _aco(spending, quality=80.0):
    return tiny(spending=spending, spending_reference=[1000, 1000], quality=[quality] * 2,
                fees=[[10, 0, 0], [10, 0, 0]])


def test_mssp_shares_savings_above_the_minimum_savings_rate():
    result = mssp_shared_savings(_aco([900, 950]), MsspParameters())
    # benchmark 2000, savings 150 (7.5 % ≥ 2 %): 75 % × 150 = 112.5, 56.25 per patient.
    assert_allclose(result.per_year["shared_savings"], [112.5], rtol=TOL)
    assert_allclose(result.components["net"], [56.25, 56.25], rtol=TOL)
    assert_allclose(result.team_revenue, [66.25, 66.25], rtol=TOL)
    small = mssp_shared_savings(_aco([995, 985]), MsspParameters())  # 1 % < MSR 2 %
    assert small.per_year["shared_savings"][0] == 0


def test_mssp_two_sided_losses_and_the_quality_sliding_scale():
    losing = mssp_shared_savings(_aco([1100, 1100]), MsspParameters())
    # losses 200 (10 %): loss rate 1 − 0.75 = 0.25, raised to the 40 % floor → 80.
    assert_allclose(losing.per_year["shared_losses"], [80], rtol=TOL)
    assert_allclose(losing.components["net"], [-40, -40], rtol=TOL)
    one_sided = mssp_shared_savings(_aco([1100, 1100]), MsspParameters(two_sided=False))
    assert one_sided.per_year["shared_losses"][0] == 0
    weak = mssp_shared_savings(_aco([900, 950], quality=20), MsspParameters())
    # quality 0.2 < standard 0.4 → factor 0.5 → rate 0.375 → 56.25
    assert_allclose(weak.per_year["shared_savings"], [56.25], rtol=TOL)
    weak_losses = mssp_shared_savings(_aco([1100, 1100], quality=20), MsspParameters())
    assert_allclose(weak_losses.per_year["shared_losses"], [125], rtol=TOL)  # 0.625 × 200


def test_mssp_caps_payments_and_losses():
    big = mssp_shared_savings(_aco([100, 100]), MsspParameters())
    assert_allclose(big.per_year["shared_savings"], [400], rtol=TOL)  # 20 % of 2000
    huge_loss = mssp_shared_savings(_aco([3000, 3000]), MsspParameters())
    assert_allclose(huge_loss.per_year["shared_losses"], [300], rtol=TOL)  # 15 % of 2000


def test_team_rules_apply_year_by_year():
    p = tiny(n=4, year=[2024, 2024, 2025, 2025], spending=[900, 950, 1100, 1100],
             spending_reference=[1000] * 4, quality=[80] * 4)
    result = mssp_shared_savings(p, MsspParameters())
    assert_allclose(result.per_year["shared_savings"], [112.5, 0], rtol=TOL)
    assert_allclose(result.per_year["shared_losses"], [0, 80], rtol=TOL)
