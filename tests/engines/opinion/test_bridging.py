"""Bridging scores from the one-factor matrix factorisation (Community Notes's model)."""

import numpy as np

from maillage.engines.opinion import BridgingParams, VoteMatrix, bridging_scores
from maillage.engines.opinion.bridging import fit_bridging, ratings_from_votes

from .conftest import CAMP_A, CAMP_B, CONSENSUS, two_camps


def test_the_statement_liked_across_the_divide_ranks_first(camps):
    result = bridging_scores(camps, seed=0)
    assert result.converged
    assert result.statement_ids[np.argmax(result.scores)] == CONSENSUS


def test_partisan_statements_are_explained_by_the_factor_not_the_intercept(camps):
    result = bridging_scores(camps, seed=0)
    index = {t: j for j, t in enumerate(result.statement_ids.tolist())}
    factors = result.statement_factors
    signs_a = {np.sign(factors[index[t]]) for t in CAMP_A}
    signs_b = {np.sign(factors[index[t]]) for t in CAMP_B}
    assert len(signs_a) == len(signs_b) == 1 and signs_a != signs_b
    assert abs(factors[index[CONSENSUS]]) < 0.1
    # Participants of the two camps sit on opposite sides.
    fu = result.participant_factors
    assert np.sign(fu[:12]).tolist() == [np.sign(fu[0])] * 12
    assert np.sign(fu[12:]).tolist() == [-np.sign(fu[0])] * 12


def test_a_statement_one_camp_loves_and_the_other_ignores_does_not_bridge():
    vm = two_camps()
    loved = np.where(np.arange(24)[:, None] < 12, 1.0, np.nan)
    vm = VoteMatrix(
        vm.participant_ids,
        np.append(vm.statement_ids, "camp A only"),
        np.hstack([vm.values, loved]),
    )
    result = bridging_scores(vm, seed=0)
    scores = dict(zip(result.statement_ids.tolist(), result.scores.tolist(), strict=True))
    assert scores["camp A only"] < scores[CONSENSUS]


def test_the_same_votes_and_seed_give_identical_scores(camps):
    a = bridging_scores(camps, seed=11)
    b = bridging_scores(camps, seed=11)
    np.testing.assert_array_equal(a.scores, b.scores)
    np.testing.assert_array_equal(a.participant_factors, b.participant_factors)


def test_the_fit_does_not_depend_on_the_seed_beyond_tolerance(camps):
    a = bridging_scores(camps, seed=1)
    b = bridging_scores(camps, seed=2)
    np.testing.assert_allclose(a.scores, b.scores, atol=1e-4)


def test_the_fit_is_a_stationary_point_of_the_community_notes_loss():
    """At the optimum, the gradient of the regularised loss vanishes for every intercept."""
    vm = two_camps(noise=0.2, seed=5)
    params = BridgingParams(tol=1e-12, max_iter=5000)
    ratings = ratings_from_votes(vm.values)
    bu, fu, bi, fi, mu, _, converged = fit_bridging(ratings, seed=0, params=params)
    assert converged
    mask = ~np.isnan(ratings)
    n_obs, (n_u, n_i) = mask.sum(), ratings.shape
    residual = np.where(mask, ratings - (mu + bu[:, None] + bi[None, :] + np.outer(fu, fi)), 0)
    grad_bi = -2 * residual.sum(axis=0) / n_obs + 2 * params.intercept_lambda * bi / n_i
    grad_fi = (
        -2 * (residual * fu[:, None]).sum(axis=0) / n_obs + 2 * params.factor_lambda * fi / n_i
    )
    grad_bu = -2 * residual.sum(axis=1) / n_obs + 2 * params.intercept_lambda * bu / n_u
    for grad in (grad_bi, grad_fi, grad_bu):
        np.testing.assert_allclose(grad, 0.0, atol=1e-8)


def test_passes_are_left_out_unless_given_a_rating():
    np.testing.assert_array_equal(
        ratings_from_votes(np.array([1.0, -1.0, 0.0, np.nan]), pass_value=0.5), [1, 0, 0.5, np.nan]
    )


def test_statements_and_participants_without_ratings_get_nan():
    vm = VoteMatrix(
        np.arange(3),
        np.arange(3),
        np.array([[1, 0, np.nan], [-1, 1, np.nan], [np.nan, np.nan, np.nan]]),
    )
    result = bridging_scores(vm)
    assert np.isnan(result.scores[2]) and np.isnan(result.participant_intercepts[2])
    assert np.isfinite(result.scores[:2]).all()
