"""Scores of items from pairwise choices (a "wiki survey", as All Our Ideas).

Model: Bradley–Terry, P(i beats j) = σ(θ_i − θ_j), with a Gaussian prior θ ~ N(0, 1/λ) that
keeps items with few or one-sided comparisons finite (Salganik & Levy 2015 use a Bayesian
hierarchical model; this is its simple, non-hierarchical cousin). θ is the posterior mode, found by
Newton's method; its uncertainty is the Laplace approximation (inverse Hessian).

The score of an item, on 0–100, is the estimated chance that it beats an item picked at random
among the others (the score All Our Ideas shows). Its interval is read from draws of θ from the
Laplace approximation, with a seeded generator, so that the same comparisons give the same
intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PairwiseParams:
    prior_precision: float = 1.0  # λ: the prior's 1/variance on each θ
    draws: int = 2000  # draws of θ for the score intervals
    level: float = 0.95
    seed: int = 0
    max_iterations: int = 100
    tolerance: float = 1e-10


@dataclass(frozen=True, eq=False)
class PairwiseScores:
    strength: FloatArray  # θ, the posterior mode (centred at 0 by the prior)
    standard_error: FloatArray  # sqrt(diag(H⁻¹))
    score: FloatArray  # 0–100: chance to beat a random other item
    score_low: FloatArray
    score_high: FloatArray
    wins: IntArray
    comparisons: IntArray


def _sigmoid(x: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp(-x))


def _scores(theta: FloatArray) -> FloatArray:
    """Mean over j ≠ i of σ(θ_i − θ_j), × 100; works on one θ or on rows of draws."""
    theta = np.atleast_2d(theta)
    n = theta.shape[1]
    if n < 2:
        return np.full(theta.shape, 50.0).squeeze(0) if theta.shape[0] == 1 else np.full(
            theta.shape, 50.0)
    p = _sigmoid(theta[:, :, None] - theta[:, None, :])
    total = p.sum(axis=2) - 0.5  # remove σ(0) for j = i
    result = 100.0 * total / (n - 1)
    return result[0] if result.shape[0] == 1 else result


def pairwise_scores(n_items: int, winners: npt.ArrayLike, losers: npt.ArrayLike,
                    params: PairwiseParams | None = None) -> PairwiseScores:
    """Estimate strengths and scores of `n_items` items from comparisons (winner, loser).

    Examples
    --------
    Item 0 beat item 1 three times out of four; with almost no prior, θ₀ − θ₁ = log 3:

    >>> r = pairwise_scores(2, [0, 0, 0, 1], [1, 1, 1, 0], PairwiseParams(prior_precision=1e-9))
    >>> round(float(r.strength[0] - r.strength[1]), 4), round(float(r.score[0]), 1)
    (1.0986, 75.0)
    """
    p = params or PairwiseParams()
    w = np.asarray(winners, dtype=np.int64)
    lo = np.asarray(losers, dtype=np.int64)
    if w.shape != lo.shape or w.ndim != 1:
        raise ValueError("winners and losers must be 1-D arrays of the same length")
    if w.size and (min(w.min(), lo.min()) < 0 or max(w.max(), lo.max()) >= n_items):
        raise ValueError("an item index is out of range")
    if np.any(w == lo):
        raise ValueError("an item cannot be compared with itself")
    if p.prior_precision <= 0:
        raise ValueError("the prior precision must be positive")
    wins = np.bincount(w, minlength=n_items).astype(np.int64)
    comparisons = wins + np.bincount(lo, minlength=n_items)
    # counts[i, j]: times i beat j
    counts = np.zeros((n_items, n_items))
    np.add.at(counts, (w, lo), 1.0)
    games = counts + counts.T
    theta = np.zeros(n_items)
    for _ in range(p.max_iterations):
        prob = _sigmoid(theta[:, None] - theta[None, :])
        gradient = wins - (games * prob).sum(axis=1) - p.prior_precision * theta
        weights = games * prob * (1 - prob)
        hessian = np.diag(weights.sum(axis=1) + p.prior_precision) - weights
        step = np.linalg.solve(hessian, gradient)
        theta = theta + step
        if np.max(np.abs(step)) < p.tolerance:
            break
    prob = _sigmoid(theta[:, None] - theta[None, :])
    weights = games * prob * (1 - prob)
    covariance = np.linalg.inv(np.diag(weights.sum(axis=1) + p.prior_precision) - weights)
    rng = np.random.default_rng(p.seed)
    draws = rng.multivariate_normal(theta, covariance, size=p.draws, method="cholesky")
    drawn = np.atleast_2d(_scores(draws))
    tail = (1 - p.level) / 2 * 100
    return PairwiseScores(
        strength=theta, standard_error=np.sqrt(np.diag(covariance)), score=_scores(theta),
        score_low=np.percentile(drawn, tail, axis=0),
        score_high=np.percentile(drawn, 100 - tail, axis=0),
        wins=wins, comparisons=comparisons.astype(np.int64),
    )
