"""Bridging score of each statement from a one-factor matrix factorisation.

The model is the one X's Community Notes uses to rate notes (twitter/communitynotes,
``scoring/src/scoring/matrix_factorization/matrix_factorization.py`` and ``model.py``;
Wojcik et al., "Birdwatch: Crowd Wisdom and Bridging Algorithms can Inform Understanding
and Reduce the Spread of Misinformation", 2022)::

    r_ui ≈ μ + b_u + b_i + f_u · f_i

The factor ``f_u · f_i`` absorbs agreement explained by which side of the main divide a
participant and a statement sit on; what remains in the statement intercept ``b_i`` is
approval *shared across* the divide. ``b_i`` is the bridging score.

The loss follows Community Notes: mean squared error plus L2 penalties, each the mean of the
squared parameters times its lambda, with intercepts penalised five times more than factors
(``userInterceptLambda = noteInterceptLambda = 0.03 × 5``, factor lambdas 0.03). Community
Notes minimises it with Adam in PyTorch; here it is minimised exactly coordinate-block by
block (alternating least squares: each participant's ``(b_u, f_u)`` and each statement's
``(b_i, f_i)`` is a 2 × 2 ridge regression), from a seeded random start, which is
deterministic and needs no deep-learning dependency.

Votes become ratings: agree = 1, disagree = 0, pass left out by default (a pass is not an
opinion; set ``pass_value=0.5`` to count it as Community Notes counts "somewhat helpful").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from .matrix import VoteMatrix, freeze_arrays

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

# Past steps kept by the Anderson acceleration of the fit.
_ANDERSON_MEMORY = 5


@dataclass(frozen=True)
class BridgingParams:
    """Regularisation and fitting settings (defaults: Community Notes's lambdas).

    Attributes
    ----------
    factor_lambda
        L2 weight on participant and statement factors.
    intercept_lambda
        L2 weight on participant and statement intercepts (Community Notes: 5 × factor).
    global_lambda
        L2 weight on the global intercept ``μ``.
    pass_value
        Rating given to a pass, or ``None`` to leave passes out.
    max_iter, tol
        Alternating least squares stops when no parameter moves more than ``tol``.
    init_scale
        Standard deviation of the seeded random start of the factors.
    """

    factor_lambda: float = 0.03
    intercept_lambda: float = 0.03 * 5
    global_lambda: float = 0.03 * 5
    pass_value: float | None = None
    max_iter: int = 500
    tol: float = 1e-7
    init_scale: float = 0.1


@dataclass(frozen=True, eq=False)
class BridgingResult:
    """Fitted factorisation.

    Attributes
    ----------
    statement_ids, scores
        One bridging score (statement intercept ``b_i``) per statement; NaN for a statement
        nobody rated.
    statement_factors
        ``f_i``: the side of the divide a statement sits on.
    participant_ids, participant_intercepts, participant_factors
        ``b_u`` and ``f_u`` (NaN for participants with no rating).
    global_intercept
        ``μ``.
    n_iter, converged
        Iterations run and whether ``tol`` was reached.
    seed
        Seed of the random start.
    """

    statement_ids: np.ndarray
    scores: FloatArray
    statement_factors: FloatArray
    participant_ids: np.ndarray
    participant_intercepts: FloatArray
    participant_factors: FloatArray
    global_intercept: float
    n_iter: int
    converged: bool
    seed: int

    def __post_init__(self) -> None:
        freeze_arrays(self)


def ratings_from_votes(values: FloatArray, pass_value: float | None = None) -> FloatArray:
    """Map votes to ratings: agree 1, disagree 0, pass ``pass_value`` (NaN when ``None``).

    Examples
    --------
    >>> ratings_from_votes(np.array([1.0, -1.0, 0.0, np.nan]))
    array([ 1.,  0., nan, nan])
    """
    ratings = np.full(np.shape(values), np.nan)
    ratings[values == 1] = 1.0
    ratings[values == -1] = 0.0
    if pass_value is not None:
        ratings[values == 0] = pass_value
    return ratings


def _ridge2(
    mask: FloatArray, target: FloatArray, other_f: FloatArray, lam_b: float, lam_f: float
) -> tuple[FloatArray, FloatArray]:
    """Solve each row's 2 × 2 ridge problem for (intercept, factor), all rows at once.

    Row ``r`` minimises ``Σ_c mask[r,c] (target[r,c] - b_r - f_r·other_f[c])² + lam_b b_r² +
    lam_f f_r²``.
    """
    n = mask.sum(axis=1)
    sf = mask @ other_f
    sff = mask @ (other_f**2)
    st = (mask * target).sum(axis=1)
    stf = (mask * target) @ other_f
    a11, a12, a22 = n + lam_b, sf, sff + lam_f
    det = a11 * a22 - a12 * a12
    b = (a22 * st - a12 * stf) / det
    f = (a11 * stf - a12 * st) / det
    return b, f


def _ridge2_sparse(
    mask: sparse.csr_matrix,
    ratings: sparse.csr_matrix,
    n: FloatArray,
    r_sum: FloatArray,
    mu: float,
    other_b: FloatArray,
    other_f: FloatArray,
    lam_b: float,
    lam_f: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`_ridge2` for target ``r - mu - other_b`` from sums over observed ratings only.

    Also returns ``mask @ other_f`` (reused for the global intercept).
    """
    sums = mask @ np.column_stack([other_b, other_f, other_b * other_f, other_f**2])
    sf, sff = sums[:, 1], sums[:, 3]
    st = r_sum - mu * n - sums[:, 0]
    stf = ratings @ other_f - mu * sf - sums[:, 2]
    a11, a12, a22 = n + lam_b, sf, sff + lam_f
    det = a11 * a22 - a12 * a12
    b = (a22 * st - a12 * stf) / det
    f = (a11 * stf - a12 * st) / det
    return b, f, sf


def fit_bridging(
    ratings: FloatArray,
    *,
    seed: int = 0,
    params: BridgingParams | None = None,
    start: tuple[FloatArray, ...] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, float, int, bool]:
    """Fit ``r ≈ μ + b_u + b_i + f_u f_i`` on a ratings matrix with NaN for missing.

    Returns ``(b_u, f_u, b_i, f_i, μ, n_iter, converged)``. Rows or columns without ratings
    get NaN parameters. ``start`` gives starting factors ``(f_u, f_i)``, optionally followed
    by intercepts ``(b_u, b_i)`` (NaN entries take the seeded random start, or 0 for an
    intercept): the previous fit of a conversation reaches the same optimum in fewer
    iterations.
    """
    params = params or BridgingParams()
    obs_r, obs_c = np.nonzero(~np.isnan(ratings))
    rows = np.zeros(ratings.shape[0], dtype=bool)
    cols = np.zeros(ratings.shape[1], dtype=bool)
    rows[obs_r] = True
    cols[obs_c] = True
    # Renumber the rated rows and columns 0..n-1 (those without ratings are left out).
    row_pos = np.cumsum(rows) - 1
    col_pos = np.cumsum(cols) - 1
    n_u, n_i = int(rows.sum()), int(cols.sum())
    n_obs = float(obs_r.size)
    bu_full = np.full(ratings.shape[0], np.nan)
    fu_full = np.full(ratings.shape[0], np.nan)
    bi_full = np.full(ratings.shape[1], np.nan)
    fi_full = np.full(ratings.shape[1], np.nan)
    if n_obs == 0:
        return bu_full, fu_full, bi_full, fi_full, float("nan"), 0, True

    # Community Notes's penalties are means over parameters added to a mean over ratings;
    # multiplying the whole loss by the number of ratings gives these per-parameter weights.
    lam_uf = params.factor_lambda * n_obs / n_u
    lam_ub = params.intercept_lambda * n_obs / n_u
    lam_if = params.factor_lambda * n_obs / n_i
    lam_ib = params.intercept_lambda * n_obs / n_i
    lam_g = params.global_lambda * n_obs

    rng = np.random.default_rng(seed)
    fu = rng.normal(0.0, params.init_scale, n_u)
    fi = rng.normal(0.0, params.init_scale, n_i)
    if start is not None:
        su, si = start[0][rows], start[1][cols]
        fu = np.where(np.isfinite(su), su, fu)
        fi = np.where(np.isfinite(si), si, fi)
    bu = np.zeros(n_u)
    bi = np.zeros(n_i)
    if start is not None and len(start) == 4:
        bu = np.nan_to_num(np.asarray(start[2], dtype=np.float64)[rows], nan=0.0)
        bi = np.nan_to_num(np.asarray(start[3], dtype=np.float64)[cols], nan=0.0)
    rated = ratings[obs_r, obs_c]
    mu = float(rated.sum() / (n_obs + lam_g))
    converged = False
    n_iter = 0
    # Sparse sufficient statistics: every update below is the dense formula rewritten with
    # sums over the observed ratings only (O(ratings) per iteration instead of O(n_u × n_i)).
    ij = (row_pos[obs_r], col_pos[obs_c])
    ms = sparse.csr_matrix((np.ones(obs_r.size), ij), shape=(n_u, n_i))
    mst = ms.T.tocsr()
    rs = sparse.csr_matrix((rated, ij), shape=(n_u, n_i))
    rs.eliminate_zeros()
    rst = rs.T.tocsr()
    n_row = np.asarray(ms.sum(axis=1)).ravel()
    n_col = np.asarray(ms.sum(axis=0)).ravel()
    r_row = np.asarray(rs.sum(axis=1)).ravel()
    r_col = np.asarray(rs.sum(axis=0)).ravel()
    r_total = float(r_row.sum())

    def sweep(x: FloatArray) -> FloatArray:
        """One alternating-least-squares pass: participants, then statements, then μ."""
        bi, fi, mu = x[2 * n_u : 2 * n_u + n_i], x[2 * n_u + n_i : -1], x[-1]
        bu, fu, _ = _ridge2_sparse(ms, rs, n_row, r_row, mu, bi, fi, lam_ub, lam_uf)
        bi, fi, mst_fu = _ridge2_sparse(mst, rst, n_col, r_col, mu, bu, fu, lam_ib, lam_if)
        mu = (r_total - bu @ n_row - bi @ n_col - fi @ mst_fu) / (n_obs + lam_g)
        return np.concatenate([bu, fu, bi, fi, [mu]])

    # Alternating least squares converges linearly and slowly in its tail (the intercepts
    # and μ trade off against each other). Anderson acceleration (Walker & Ni 2011) on the
    # sweep extrapolates from the last few steps; the stopping rule is unchanged (a plain
    # sweep moves no parameter by more than ``tol``), so the fixed point is the same.
    x = np.concatenate([bu, fu, bi, fi, [mu]])
    past_g: list[FloatArray] = []
    past_f: list[FloatArray] = []
    last_norm = np.inf
    for n_iter in range(1, params.max_iter + 1):  # noqa: B007 - n_iter is reported
        g = sweep(x)
        f = g - x
        if np.max(np.abs(f)) < params.tol:
            x = g
            converged = True
            break
        norm = float(np.linalg.norm(f))
        if norm > last_norm:  # the extrapolation went astray: restart from g
            past_g, past_f = [], []
        last_norm = norm
        past_g.append(g)
        past_f.append(f)
        del past_g[: -_ANDERSON_MEMORY - 1], past_f[: -_ANDERSON_MEMORY - 1]
        x = g
        if len(past_f) > 1:
            d_f = np.diff(np.array(past_f), axis=0).T
            d_g = np.diff(np.array(past_g), axis=0).T
            gamma = np.linalg.lstsq(d_f, f, rcond=None)[0]
            step = g - d_g @ gamma
            if np.isfinite(step).all():
                x = step
    bu, fu = x[:n_u], x[n_u : 2 * n_u]
    bi, fi, mu = x[2 * n_u : 2 * n_u + n_i], x[2 * n_u + n_i : -1], float(x[-1])
    if not converged:
        logger.warning("bridging factorisation stopped after %d iterations", n_iter)
    # The factor's sign is arbitrary; orient it so that most participants sit on the positive
    # side (ties: the first statement's factor positive), making results comparable.
    sign = np.sign(np.sum(np.sign(fu))) or np.sign(fi[np.argmax(np.abs(fi))]) or 1.0
    bu_full[rows], fu_full[rows] = bu, fu * sign
    bi_full[cols], fi_full[cols] = bi, fi * sign
    return bu_full, fu_full, bi_full, fi_full, mu, n_iter, converged


def bridging_scores(
    votes: VoteMatrix,
    seed: int = 0,
    params: BridgingParams | None = None,
    *,
    start: tuple[FloatArray, ...] | None = None,
) -> BridgingResult:
    """Bridging score of each statement: its intercept in a one-factor matrix factorisation.

    A statement approved on both sides of the divide ranks high; one approved by a single
    side is explained by the factor and does not.

    Parameters
    ----------
    votes
        The vote matrix.
    seed
        Seed of the random start of the factors; the same votes and seed give the same result.
    params
        Regularisation and stopping settings.
    start
        Starting factors ``(f_u, f_i)``, optionally intercepts ``(b_u, b_i)``, following
        ``votes``'s rows and columns (NaN where unknown); see :func:`fit_bridging`.

    Examples
    --------
    Two camps disagree on statements "a" and "b"; everyone agrees with "c":

    >>> camp1 = [[1, -1, 1]] * 6
    >>> camp2 = [[-1, 1, 1]] * 6
    >>> vm = VoteMatrix(np.arange(12), np.array(["a", "b", "c"]), np.array(camp1 + camp2, float))
    >>> result = bridging_scores(vm, seed=0)
    >>> result.statement_ids[np.argmax(result.scores)]
    np.str_('c')
    """
    params = params or BridgingParams()
    ratings = ratings_from_votes(votes.values, params.pass_value)
    bu, fu, bi, fi, mu, n_iter, converged = fit_bridging(
        ratings, seed=seed, params=params, start=start
    )
    return BridgingResult(
        statement_ids=votes.statement_ids,
        scores=bi,
        statement_factors=fi,
        participant_ids=votes.participant_ids,
        participant_intercepts=bu,
        participant_factors=fu,
        global_intercept=mu,
        n_iter=n_iter,
        converged=converged,
        seed=seed,
    )
