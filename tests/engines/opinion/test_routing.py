"""Routing priority (which statement a participant sees next), after Pol.is."""

import numpy as np

from maillage.engines.opinion import (
    VoteMatrix,
    next_statement_priorities,
    opinion_map,
    pick_next_statement,
)
from maillage.engines.opinion.routing import importance, priority

from .conftest import two_camps

TOL = 1e-12


def test_priority_matches_polis_reference_values():
    """Values from the comment block under ``priority-metric`` in Pol.is's conversation.clj."""
    np.testing.assert_allclose(importance(1, 0, 1, 0), (1 - 1 / 3) * 1 * (2 / 3), atol=TOL)
    expected = ((1 - 4 / 22) * 1 * (21 / 22) * (1 + 8 * 2 ** (-20 / 5))) ** 2
    np.testing.assert_allclose(priority(20, 3, 20, 0.0), expected, atol=TOL)
    np.testing.assert_allclose(priority(0, 0, 0, 5.0, is_meta=True), 49.0, atol=TOL)


def test_passed_statements_rank_below_answered_ones():
    assert priority(5, 15, 20, 0.5) < priority(5, 0, 20, 0.5)


def test_new_statements_get_a_boost_that_fades_with_votes():
    boosts = [priority(s // 2, 0, s, 0.5) / importance(s // 2, 0, s, 0.5) ** 2 for s in (0, 5, 50)]
    np.testing.assert_allclose(boosts, [81.0, 25.0, (1 + 8 * 2**-10) ** 2], atol=1e-9)


def test_priorities_follow_the_columns_of_the_votes_given(camps):
    m = opinion_map(camps)
    extended = VoteMatrix(
        camps.participant_ids,
        np.append(camps.statement_ids, "new"),
        np.hstack([camps.values, np.full((24, 1), np.nan)]),
    )
    pr = next_statement_priorities(extended, m)
    assert pr.shape == (9,)
    # A brand new statement: no votes, extremity 0 -> ((1/2)(1)(1/2) * 9)^2.
    np.testing.assert_allclose(pr[-1], (0.25 * 9) ** 2, atol=TOL)
    assert pr[-1] == pr.max()


def test_meta_statements_get_a_fixed_priority(camps):
    pr = next_statement_priorities(camps, opinion_map(camps), meta_statements={"mixed1"})
    np.testing.assert_allclose(pr[camps.statement_ids.tolist().index("mixed1")], 49.0, atol=TOL)


def test_the_next_statement_is_one_not_yet_voted_and_not_moderated():
    vm = two_camps()
    values = vm.values.copy()
    values[0, [0, 1, 2]] = np.nan  # participant 0 has not seen a1, a2, b1
    vm = VoteMatrix(vm.participant_ids, vm.statement_ids, values)
    m = opinion_map(vm, moderated_out={"a2"})
    picks = {pick_next_statement(vm, m, 0, seed=s) for s in range(40)}
    assert picks == {"a1", "b1"}


def test_the_draw_is_seeded_and_none_is_left_when_all_voted(camps):
    m = opinion_map(camps)
    values = camps.values.copy()
    values[3, :4] = np.nan
    vm = VoteMatrix(camps.participant_ids, camps.statement_ids, values)
    assert [pick_next_statement(vm, m, 3, seed=5) for _ in range(3)] == [
        pick_next_statement(vm, m, 3, seed=5)
    ] * 3
    assert pick_next_statement(camps, m, 3, seed=0) is None


def test_draws_follow_priorities():
    vm = two_camps()
    m = opinion_map(vm)
    empty = VoteMatrix(np.array([999]), vm.statement_ids, np.full((1, 8), np.nan))
    both = VoteMatrix(
        np.append(vm.participant_ids, 999), vm.statement_ids, np.vstack([vm.values, empty.values])
    )
    pr = next_statement_priorities(both, m)
    draws = [pick_next_statement(both, m, 999, seed=s) for s in range(2000)]
    freq = np.array([draws.count(t) for t in both.statement_ids.tolist()]) / len(draws)
    np.testing.assert_allclose(freq, pr / pr.sum(), atol=0.04)
