"""Pairwise (wiki survey) scores against worked examples, and ballot counts."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engines.priorities import (
    PairwiseParams,
    instant_runoff,
    pairwise_scores,
    points_totals,
)
from maillage.engines.priorities.pairwise import _sigmoid

FLAT = PairwiseParams(prior_precision=1e-9)


def test_two_items_recover_the_log_odds_of_their_record():
    """3 wins out of 4: θ₀ − θ₁ = log(3/1); score = chance to beat the other = 75."""
    result = pairwise_scores(2, [0, 0, 0, 1], [1, 1, 1, 0], FLAT)
    np.testing.assert_allclose(result.strength[0] - result.strength[1], np.log(3), atol=1e-6)
    np.testing.assert_allclose(result.score, [75.0, 25.0], atol=1e-6)


def test_the_uncertainty_is_the_laplace_approximation_worked_by_hand():
    """H = [[a+λ, −a], [−a, a+λ]] with a = n p (1 − p): var θᵢ = (1/(2a+λ) + 1/λ) / 2."""
    result = pairwise_scores(2, [0, 0, 0, 1], [1, 1, 1, 0], PairwiseParams(prior_precision=1.0))
    p = _sigmoid(result.strength[0] - result.strength[1])
    a = 4 * p * (1 - p)
    expected = np.sqrt((1 / (2 * a + 1) + 1) / 2)
    np.testing.assert_allclose(result.standard_error, [expected, expected], rtol=1e-9)


def test_the_prior_shrinks_towards_equality_as_a_worked_equation_says():
    """With prior λ, θ₀ = −θ₁ = d/2 solves w σ(−d) − l σ(d) = λ d / 2."""
    result = pairwise_scores(2, [0, 0, 0, 1], [1, 1, 1, 0], PairwiseParams(prior_precision=1.0))
    d = result.strength[0] - result.strength[1]
    np.testing.assert_allclose(3 * _sigmoid(-d) - 1 * _sigmoid(d), d / 2, atol=1e-9)
    assert 0 < d < np.log(3)


def test_three_items_satisfy_the_likelihood_equations():
    winners = [0, 0, 0, 1, 1, 1, 2, 0, 2]
    losers = [1, 1, 2, 2, 2, 0, 0, 2, 1]
    result = pairwise_scores(3, winners, losers, FLAT)
    theta = result.strength
    expected_wins = np.zeros(3)
    for w, lo in zip(winners, losers, strict=True):
        p = _sigmoid(theta[w] - theta[lo])
        expected_wins[w] += p
        expected_wins[lo] += 1 - p
    np.testing.assert_allclose(expected_wins, result.wins, atol=1e-6)
    assert list(np.argsort(-result.score)) == [0, 1, 2]


def test_a_never_beaten_item_stays_finite_and_uncertain_with_few_comparisons():
    few = pairwise_scores(3, [0], [1])
    many = pairwise_scores(3, [0] * 40 + [1] * 20, [1] * 40 + [2] * 20)
    assert np.all(np.isfinite(few.strength))
    assert (few.score_high - few.score_low)[0] > (many.score_high - many.score_low)[0]
    assert np.all(few.score_low <= few.score) and np.all(few.score <= few.score_high)


def test_results_are_reproducible_from_the_stored_comparisons():
    a = pairwise_scores(4, [0, 1, 2, 3, 0], [1, 2, 3, 0, 2], PairwiseParams(seed=7))
    b = pairwise_scores(4, [0, 1, 2, 3, 0], [1, 2, 3, 0, 2], PairwiseParams(seed=7))
    np.testing.assert_array_equal(a.score_low, b.score_low)


def test_bad_comparisons_are_refused():
    with pytest.raises(ValueError):
        pairwise_scores(2, [0], [0])
    with pytest.raises(ValueError):
        pairwise_scores(2, [0], [5])


def test_instant_runoff_transfers_eliminated_preferences():
    result = instant_runoff(3, [[0, 1], [0], [1, 0], [2, 1], [2, 1]])
    assert result.winner == 0
    assert result.rounds[0].counts == {0: 2, 1: 1, 2: 2}
    with pytest.raises(ValueError):
        instant_runoff(2, [[0, 0]])


def test_points_ballots_respect_the_budget():
    np.testing.assert_allclose(points_totals(2, [[3, 7], [10, 0]], 10), [13, 7])
    with pytest.raises(ValueError):
        points_totals(2, [[8, 7]], 10)
