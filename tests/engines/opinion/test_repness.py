"""Representativeness, consensus and group-informed consensus (Pol.is's repness.clj)."""

import math

import numpy as np

from maillage.engines.opinion import opinion_map
from maillage.engines.opinion.repness import (
    Z_90,
    VoteCounts,
    group_informed_consensus,
    group_vote_counts,
    prop_test,
    repness_stats,
    select_consensus,
    select_representative,
    two_prop_test,
)

from .conftest import CAMP_A, CAMP_B, CONSENSUS

TOL = 1e-12


def test_prop_test_matches_its_formula():
    # 2 sqrt(n+1) ((s+1)/(n+1) - 1/2) with s = 7, n = 10
    np.testing.assert_allclose(prop_test(7, 10), 2 * math.sqrt(11) * (8 / 11 - 0.5), atol=TOL)


def test_two_prop_test_matches_its_formula_and_is_antisymmetric():
    s1, s2, n1, n2 = 8 / 11, 3 / 13, 11, 13  # (7+1)/(10+1) and (2+1)/(12+1)
    pooled = (8 + 3) / (n1 + n2)
    expected = (s1 - s2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    np.testing.assert_allclose(two_prop_test(7, 2, 10, 12), expected, atol=TOL)
    np.testing.assert_allclose(two_prop_test(2, 7, 12, 10), -expected, atol=TOL)


def test_two_prop_test_is_zero_when_everyone_succeeds():
    assert float(two_prop_test(4, 6, 4, 6)) == 0.0


def test_ratios_compare_a_group_with_all_the_others():
    counts = VoteCounts(
        agree=np.array([[8], [1], [1]]),
        disagree=np.array([[0], [5], [5]]),
        seen=np.array([[10], [6], [6]]),
    )
    stats = repness_stats(counts)
    np.testing.assert_allclose(stats.pa[0, 0], 9 / 12, atol=TOL)
    np.testing.assert_allclose(stats.ra[0, 0], (9 / 12) / ((2 + 1) / (12 + 2)), atol=TOL)
    np.testing.assert_allclose(stats.rdt[0, 0], two_prop_test(0, 10, 10, 12), atol=TOL)


def test_each_camp_is_represented_by_the_statements_it_alone_holds(camps):
    m = opinion_map(camps)
    for group in m.groups:
        reps = m.repness[group.id]
        assert 1 <= len(reps) <= 5
        own = CAMP_A if group.participant_ids[0] < 12 else CAMP_B
        agreed = {r.statement_id for r in reps if r.repful_for == "agree"}
        assert agreed == set(own)
        assert reps[0].best_agree and reps[0].statement_id in own
        assert CONSENSUS not in {r.statement_id for r in reps}
        assert all(r.repness_test > Z_90 and r.p_value < 0.1 for r in reps)
        # Agrees come before disagrees.
        kinds = [r.repful_for for r in reps]
        assert kinds == sorted(kinds)


def test_the_statement_everyone_agrees_with_is_the_consensus(camps):
    m = opinion_map(camps)
    assert [s.statement_id for s in m.consensus.agree] == [CONSENSUS]
    assert m.consensus.disagree == ()


def test_consensus_lists_at_most_five_per_direction_sorted_by_strength():
    values = np.array([[1.0] * 7 + [-1.0] * 7] * 30)
    values[:3, 0] = -1.0  # statement 0 a little less agreed
    c = select_consensus(values, np.arange(14))
    assert len(c.agree) == 5 and len(c.disagree) == 5
    assert 0 not in [s.statement_id for s in c.agree]
    strengths = [s.p_success * s.p_test for s in c.agree]
    assert strengths == sorted(strengths, reverse=True)


def test_group_informed_consensus_is_the_product_of_smoothed_agree_rates():
    values = np.array([[1, 1], [1, -1], [1, np.nan], [0, 1]], dtype=float)
    counts = group_vote_counts(values, np.array([0, 0, 1, 1]), 2)
    np.testing.assert_allclose(
        group_informed_consensus(counts), [(3 / 4) * (2 / 4), (2 / 4) * (2 / 3)], atol=TOL
    )


def test_group_informed_consensus_ranks_the_cross_camp_statement_first(camps):
    m = opinion_map(camps)
    assert m.statement_ids[np.argmax(m.group_informed_consensus)] == CONSENSUS


def test_consensus_worked_by_hand():
    """Ten voters. "care": 8 agree, 1 disagree, 1 pass; "bus": 6 agree, 4 disagree;
    "close": 9 disagree, 1 agree.

    p = (n + 1) / (N + 2) and z = 2 sqrt(N + 1) ((n + 1) / (N + 1) - 1/2):
    care agree p = 9/12 = 0.75, z = 2 sqrt(11) (9/11 - 1/2) = 2.111 > 1.2816 → consensus;
    bus agree p = 7/12, z = 2 sqrt(11) (7/11 - 1/2) = 0.905 < 1.2816 → not significant;
    close disagree p = 10/12, z = 2 sqrt(11) (10/11 - 1/2) = 2.714 → disagree consensus.
    """
    care = [1.0] * 8 + [-1.0, 0.0]
    bus = [1.0] * 6 + [-1.0] * 4
    close = [-1.0] * 9 + [1.0]
    c = select_consensus(np.array([care, bus, close]).T, ["care", "bus", "close"])
    assert [s.statement_id for s in c.agree] == ["care"]
    assert [s.statement_id for s in c.disagree] == ["close"]
    care_stat, close_stat = c.agree[0], c.disagree[0]
    assert (care_stat.n_success, care_stat.n_trials) == (8, 10)
    np.testing.assert_allclose(care_stat.p_success, 0.75, atol=TOL)
    np.testing.assert_allclose(care_stat.p_test, 2 * math.sqrt(11) * (9 / 11 - 0.5), atol=TOL)
    np.testing.assert_allclose(round(care_stat.p_test, 3), 2.111, atol=TOL)
    np.testing.assert_allclose(close_stat.p_success, 10 / 12, atol=TOL)
    np.testing.assert_allclose(round(close_stat.p_test, 3), 2.714, atol=TOL)


def test_repness_worked_by_hand():
    """Two groups of ten saw statement "clinic": group 0 has 9 agrees, group 1 has 1 agree
    and 8 disagrees.

    For group 0: pa = (9+1)/(10+2) = 5/6; the rest's rate is (1+1)/(10+2) = 1/6, so
    ra = 5; pat = 2 sqrt(11) (10/11 - 1/2) = 2.714; rat is the two-proportion z of
    10/11 against 2/11, pooled rate 12/22, over 11 pseudo-trials each. Both exceed
    1.2816: "clinic" represents group 0 as an agree. For group 1 it is a disagree:
    pd = (8+1)/12 = 3/4, rd = (3/4)/(1/12) = 9.
    """
    counts = VoteCounts(
        agree=np.array([[9], [1]]), disagree=np.array([[0], [8]]), seen=np.array([[10], [10]])
    )
    stats = repness_stats(counts)
    reps = select_representative(stats, ["clinic"])
    g0, g1 = reps[0][0], reps[1][0]
    assert (g0.statement_id, g0.repful_for, g0.n_success, g0.n_trials) == ("clinic", "agree", 9, 10)
    np.testing.assert_allclose(g0.p_success, 5 / 6, atol=TOL)
    np.testing.assert_allclose(g0.repness, 5.0, atol=TOL)
    np.testing.assert_allclose(g0.p_test, 2 * math.sqrt(11) * (10 / 11 - 0.5), atol=TOL)
    s1, s2, pooled = 10 / 11, 2 / 11, 12 / 22
    z = (s1 - s2) / math.sqrt(pooled * (1 - pooled) * (1 / 11 + 1 / 11))
    np.testing.assert_allclose(g0.repness_test, z, atol=TOL)
    assert g0.repness_test > Z_90 and g0.p_test > Z_90
    assert g1.repful_for == "disagree" and g1.n_success == 8
    np.testing.assert_allclose(g1.p_success, 3 / 4, atol=TOL)
    np.testing.assert_allclose(g1.repness, (3 / 4) / (1 / 12), atol=TOL)
