"""Site selection: choose k new sites among candidates (ACCESS_METHODS.md, "Site selection").

Two objectives:

- :func:`maximal_covering` - maximise the population within T minutes of a chosen site
  (maximal covering location problem, Church & ReVelle 1974): binary MIP
  max Σ P_i y_i s.t. y_i ≤ Σ_{j ∈ N_i} x_j, Σ x_j = k, x binary, 0 ≤ y ≤ 1 (y is integral at
  an optimum once x is);
- :func:`maximal_lifted_population` - maximise the population lifted out of the under-served
  class when each chosen site adds supply S. In 2SFCA a new site's ratio
  R_c = S / Σ_i w_ic P_i does not depend on the other new sites, so opening a set X gives
  A_i(X) = A_i + Σ_{c∈X} g_ic with g_ic = w_ic R_c: linear, hence an exact MIP
  max Σ pop_i z_i s.t. Σ_c g_ic x_c ≥ (τ − A_i) z_i, Σ x = k, x, z binary.

Exact MIPs use ``scipy.optimize.milp`` (HiGHS, ``mip_rel_gap=0``). Large cases use a greedy -
lazy (CELF) for the submodular covering objective - and report an upper bound and the
relative gap: for covering, min(LP relaxation, the data-dependent submodular bound
f(G) + Σ top-k marginal gains); for the lifted population (not submodular), the LP
relaxation. The LP is solved with HiGHS's interior point (``linprog(method="highs-ipm")``);
if it does not finish within ``time_limit`` the greedy keeps its own bound (covering) or
reports NaN (lifted population). Measured on all 34,874 communes with coordinates
(candidates = communes, T = 15 min, k = 100, great-circle defaults): greedy 0.1 s,
submodular bound gap 23 %, LP bound (45 s) gap 1.3 %.

For the lifted population, the greedy is followed by 1-swaps to a local optimum, and
``refine_seconds`` > 0 then runs the exact MIP for that long: its incumbent replaces the
greedy's when better and its dual bound (much tighter than the LP's on this threshold
objective) gives the gap. The MIP drops the demand points that even their k best candidates
together cannot lift (z = 0 at every solution). Measured on Occitanie (4,446 candidate
communes + 40 km halo, SIRENE 2019 GPs, k = 5, 2 FTE per site; benchmarks/planning_bench.py):
greedy + LP 0.5 s, gap 46 %; with 20 s of MIP, 21 s, gap 15 %.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .decay import Decay
from .errors import AccessError, AccessInputError
from .scenario import CatchmentModel
from .traveltime import TravelTimeMatrix

__all__ = [
    "SitingResult",
    "lifted_population_gains",
    "maximal_covering",
    "maximal_lifted_population",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Method = Literal["auto", "mip", "greedy"]

#: Above these sizes "auto" uses the greedy (HiGHS on a 35k-row covering model takes minutes).
MIP_MAX_CANDIDATES = 1000
MIP_MAX_PAIRS = 500_000


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Chosen sites and the quality of the answer.

    Attributes
    ----------
    chosen
        Candidate indices chosen (greedy: in the order picked; MIP: sorted).
    objective
        Population covered (or lifted), recomputed exactly for ``chosen``.
    bound
        Upper bound on the optimum (MIP dual bound, LP relaxation or submodular bound);
        NaN when none was computed.
    gap
        (bound − objective) / bound, 0 when bound is 0, NaN without a bound.
    method
        ``"mip"`` or ``"greedy"``.
    demand_mask
        Demand points covered (or lifted) by the chosen sites.
    """

    chosen: IntArray
    objective: float
    bound: float
    gap: float
    method: str
    demand_mask: npt.NDArray[np.bool_]


def _gap(objective: float, bound: float) -> float:
    if not np.isfinite(bound):
        return float("nan")
    return 0.0 if bound <= 0 else max(0.0, (bound - objective) / bound)


def _check_k(k: int, m: int) -> None:
    if not 0 <= k <= m:
        raise AccessInputError(f"k must be in [0, {m}], got {k}", field="k")


def _pop(values: npt.ArrayLike, n: int, name: str) -> FloatArray:
    p = np.asarray(values, dtype=np.float64).reshape(-1)
    if p.size != n or not np.all(np.isfinite(p)) or np.any(p < 0):
        raise AccessInputError(f"{n} finite values >= 0 expected", field=name)
    return p


def _solve_mip(
    c: FloatArray,
    a: sp.csr_matrix,
    lb: FloatArray,
    ub: FloatArray,
    integrality: FloatArray,
    time_limit: float,
) -> tuple[FloatArray, float]:
    """Minimise c·v s.t. lb ≤ A v ≤ ub, 0 ≤ v ≤ 1 with HiGHS branch and bound.

    Returns (solution, dual bound on the minimum). At the time limit the best solution found
    is returned with HiGHS's dual bound, so the caller reports a gap > 0.
    """
    res = milp(
        c,
        constraints=LinearConstraint(a, lb, ub),
        integrality=integrality,
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": float(time_limit), "presolve": True, "mip_rel_gap": 0.0},
    )
    if res.x is None:
        raise AccessError(f"HiGHS found no solution within {time_limit} s: {res.message}")
    if res.status != 0:
        logger.warning("MIP stopped early (%s); reporting its gap", res.message)
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(dual) if dual is not None and np.isfinite(dual) else float(res.fun)
    return np.asarray(res.x), bound


def _lp_bound(
    c: FloatArray, a: sp.csr_matrix, lb: FloatArray, ub: FloatArray, time_limit: float
) -> float | None:
    """Minimum of the LP relaxation (HiGHS interior point, the fastest on these models:
    ~30 s for all communes of France, where the dual simplex did not finish in 200 s);
    None when it is not solved within ``time_limit``."""
    eq = lb == ub
    upper = ~eq & np.isfinite(ub)
    lower = ~eq & np.isfinite(lb)
    a_ub = sp.vstack([a[np.flatnonzero(upper)], -a[np.flatnonzero(lower)]], format="csr")
    b_ub = np.concatenate([ub[upper], -lb[lower]])
    res = linprog(
        c,
        A_ub=a_ub if b_ub.size else None,
        b_ub=b_ub if b_ub.size else None,
        A_eq=a[np.flatnonzero(eq)] if eq.any() else None,
        b_eq=ub[eq] if eq.any() else None,
        bounds=(0.0, 1.0),
        method="highs-ipm",
        options={"time_limit": float(time_limit)},
    )
    if res.status != 0 or res.fun is None:
        logger.warning("LP relaxation not solved (%s): bound from the greedy only", res.message)
        return None
    return float(res.fun)


def maximal_covering(
    times: TravelTimeMatrix,
    population: npt.ArrayLike,
    k: int,
    max_minutes: float,
    *,
    already_covered: npt.ArrayLike | None = None,
    method: Method = "auto",
    lp_bound: bool = True,
    time_limit: float = 60.0,
) -> SitingResult:
    """Choose ``k`` candidate sites maximising the population within ``max_minutes``.

    Parameters
    ----------
    times
        Demand points (rows) × candidate sites (columns), minutes.
    population
        Population per demand point.
    k
        Number of sites to open.
    max_minutes
        Coverage radius T (inclusive).
    already_covered
        Optional mask of demand points already covered (by existing supply): they count 0.
    method
        ``"mip"`` (exact, HiGHS), ``"greedy"`` (lazy greedy with a bound) or ``"auto"``.
    lp_bound
        Greedy only: also solve the LP relaxation for the bound.

    Examples
    --------
    Three communes (pop. 100, 50, 10) and two candidates; candidate 0 covers communes 0 and 1
    within 15 min, candidate 1 covers 1 and 2. With k = 1 the best is candidate 0 (150):

    >>> t = TravelTimeMatrix.from_triplets([0, 1, 1, 2], [0, 0, 1, 1], [5, 10, 0, 3], (3, 2))
    >>> r = maximal_covering(t, [100, 50, 10], k=1, max_minutes=15, method="mip")
    >>> r.chosen.tolist(), r.objective, r.gap
    ([0], 150.0, 0.0)
    """
    n, m = times.shape
    _check_k(k, m)
    pop = _pop(population, n, "population")
    if already_covered is not None:
        pop = np.where(np.asarray(already_covered, dtype=bool).reshape(-1), 0.0, pop)
    cover = times.within(max_minutes).weights(lambda t: np.ones_like(t))  # n × m, 0/1
    cover_csc = cover.tocsc()
    if method == "auto":
        method = "mip" if m <= MIP_MAX_CANDIDATES and cover.nnz <= MIP_MAX_PAIRS else "greedy"

    def covered_by(chosen: IntArray) -> npt.NDArray[np.bool_]:
        x = np.zeros(m)
        x[chosen] = 1.0
        return np.asarray(cover @ x).reshape(-1) > 0

    # only demand points with population and some candidate matter in the model
    useful = np.flatnonzero((pop > 0) & (np.diff(cover.indptr) > 0))
    sub = cover[useful]
    nu = useful.size

    def model() -> tuple[FloatArray, sp.csr_matrix, FloatArray, FloatArray, FloatArray]:
        c = np.concatenate([np.zeros(m), -pop[useful]])
        link = sp.hstack([-sub, sp.identity(nu, format="csr")], format="csr")  # y - Σx ≤ 0
        card = sp.csr_matrix(np.concatenate([np.ones(m), np.zeros(nu)])[None, :])
        a = sp.vstack([link, card], format="csr")
        lb = np.concatenate([np.full(nu, -np.inf), [k]])
        ub = np.concatenate([np.zeros(nu), [k]])
        integ = np.concatenate([np.ones(m), np.zeros(nu)])
        return c, a, lb, ub, integ

    if method == "mip":
        x, neg_bound = _solve_mip(*model(), time_limit)
        bound = -neg_bound
        chosen = np.sort(np.argsort(-x[:m], kind="stable")[:k]).astype(np.int64)
        mask = covered_by(chosen)
        obj = float(pop[mask].sum())
        return SitingResult(chosen, obj, max(bound, obj), _gap(obj, max(bound, obj)), "mip", mask)
    if method != "greedy":
        raise AccessInputError(f"unknown method {method!r}", field="method")

    # lazy greedy (CELF, Minoux 1978): marginal gains only shrink, so a stale heap top
    # that is still best after refreshing is the true best
    uncovered = np.ones(n, dtype=bool)
    gains = np.asarray(cover_csc.T @ pop).reshape(-1)
    heap = [(-g, j) for j, g in enumerate(gains.tolist())]
    heapq.heapify(heap)
    chosen_list: list[int] = []
    fresh_at = np.full(m, -1)
    while len(chosen_list) < k and heap:
        _, j = heapq.heappop(heap)
        if fresh_at[j] == len(chosen_list):
            chosen_list.append(j)
            rows = cover_csc.indices[cover_csc.indptr[j] : cover_csc.indptr[j + 1]]
            uncovered[rows] = False
            continue
        rows = cover_csc.indices[cover_csc.indptr[j] : cover_csc.indptr[j + 1]]
        g = float(pop[rows][uncovered[rows]].sum())
        fresh_at[j] = len(chosen_list)
        heapq.heappush(heap, (-g, j))
    chosen = np.asarray(chosen_list, dtype=np.int64)
    mask = ~uncovered
    obj = float(pop[mask].sum())
    residual = np.asarray(cover_csc.T @ (pop * uncovered)).reshape(-1)
    residual[chosen] = 0.0
    bound = obj + float(np.sort(residual)[::-1][:k].sum())
    if lp_bound and nu > 0:
        c, a, lb, ub, _ = model()
        lp = _lp_bound(c, a, lb, ub, time_limit)
        if lp is not None:
            bound = min(bound, -lp)
    bound = max(bound, obj)
    return SitingResult(chosen, obj, bound, _gap(obj, bound), "greedy", mask)


def _top_k_row_sums(a: sp.csr_matrix, k: int) -> FloatArray:
    """Per row, the sum of its k largest (non-negative) entries."""
    counts = np.diff(a.indptr)
    row = np.repeat(np.arange(a.shape[0]), counts)
    order = np.lexsort((-a.data, row))  # by row, then decreasing value
    rank = np.arange(order.size) - np.repeat(a.indptr[:-1], counts)
    keep = rank < k
    return np.bincount(row[order][keep], weights=a.data[order][keep], minlength=a.shape[0])


def _swap_search(
    g: sp.csc_matrix,
    col_of: IntArray,
    pop: FloatArray,
    under: npt.NDArray[np.bool_],
    current: FloatArray,
    chosen: list[int],
    available: npt.NDArray[np.bool_],
    threshold: float,
    max_passes: int = 20,
) -> None:
    """Improve a greedy answer by 1-swaps (in place): take a chosen site out, put the best
    candidate in, keep the swap when the population lifted grows; stop at a local optimum."""
    rows = g.indices
    for _ in range(max_passes):
        improved = False
        for position in range(len(chosen)):
            j = chosen[position]
            seg = slice(g.indptr[j], g.indptr[j + 1])
            without = current.copy()
            without[g.indices[seg]] -= g.data[seg]
            kept = float(pop[under & (without >= threshold)].sum())
            now = float(pop[under & (current >= threshold)].sum())
            below = without[rows] < threshold
            lifts = below & (without[rows] + g.data >= threshold)
            score = np.bincount(col_of, weights=pop[rows] * lifts, minlength=g.shape[1])
            score[~available] = -1.0
            c = int(np.argmax(score))
            if c != j and kept + score[c] > now * (1 + 1e-12) + 1e-9:
                available[j], available[c] = True, False
                chosen[position] = c
                seg_c = slice(g.indptr[c], g.indptr[c + 1])
                without[g.indices[seg_c]] += g.data[seg_c]
                current[:] = without
                improved = True
        if not improved:
            return


def lifted_population_gains(
    model: CatchmentModel, candidates: TravelTimeMatrix, decay: Decay, site_supply: float
) -> sp.csc_matrix:
    """G (n_demand × n_candidates): g_ic = w(t_ic) · S / Σ_k w(t_kc) P_k, the accessibility
    a new site with supply S at candidate c adds to demand point i."""
    w = candidates.weights(decay).tocsc()
    d = np.asarray(w.T @ model.demand).reshape(-1)
    r = np.zeros_like(d)
    np.divide(site_supply, d, out=r, where=d > 0)
    return sp.csc_matrix(w @ sp.diags(r))


def maximal_lifted_population(
    model: CatchmentModel,
    candidates: TravelTimeMatrix,
    decay: Decay,
    site_supply: float,
    k: int,
    threshold: float = 2.5,
    *,
    population: npt.ArrayLike | None = None,
    method: Method = "auto",
    lp_bound: bool = True,
    time_limit: float = 60.0,
    refine_seconds: float = 0.0,
) -> SitingResult:
    """Choose ``k`` candidates, each adding ``site_supply``, to lift the most people to
    accessibility ≥ ``threshold`` (default 2.5 C/an/hab, the DREES priority-zone bound).

    Parameters
    ----------
    model
        Baseline (existing supply, demand P used in step 1).
    candidates
        Demand points × candidate sites travel times.
    decay
        The weight function of the model.
    site_supply
        S added by each new site.
    population
        Population counted as lifted: DREES counts *non-standardised* population under a
        threshold; defaults to ``model.demand``.
    refine_seconds
        Greedy only: then run the exact MIP for at most this many seconds; its incumbent
        replaces the greedy's when better (method ``"greedy+mip"``) and its dual bound
        tightens the LP bound. 0 (default) skips it.

    Examples
    --------
    Communes of 100 and 300 people, no supply yet; candidate 0 reaches both (R = 1000/400),
    candidate 1 reaches commune 1 only (R = 1000/300 ≥ 2.5 lifts 300 people):

    >>> from maillage.engines.access.decay import CutoffDecay
    >>> base = CatchmentModel(sp.csr_matrix((2, 0)), [100.0, 300.0], np.zeros(0))
    >>> t = TravelTimeMatrix.from_triplets([0, 1, 1], [0, 0, 1], [5, 5, 5], (2, 2))
    >>> r = maximal_lifted_population(base, t, CutoffDecay(10), 1000.0, k=1, method="mip")
    >>> r.chosen.tolist(), r.objective
    ([0], 400.0)
    """
    n, m = candidates.shape
    _check_k(k, m)
    if n != model.n_demand:
        raise AccessInputError(
            "candidates rows must be the model's demand points", field="candidates"
        )
    pop = model.demand if population is None else _pop(population, n, "population")
    base = model.accessibility
    g = lifted_population_gains(model, candidates, decay, site_supply)
    need = threshold - base
    under = need > 0
    if method == "auto":
        method = "mip" if m <= MIP_MAX_CANDIDATES and g.nnz <= MIP_MAX_PAIRS else "greedy"

    def lifted(chosen: IntArray) -> npt.NDArray[np.bool_]:
        x = np.zeros(m)
        x[chosen] = 1.0
        after = base + np.asarray(g @ x).reshape(-1)
        return under & (after >= threshold)

    g_csr = g.tocsr()
    # a point that even its k best candidates together cannot lift has z = 0 at every
    # solution: dropping it keeps the MIP exact and makes it much smaller
    useful = np.flatnonzero(
        under & (pop > 0) & (_top_k_row_sums(g_csr, k) >= need * (1 - 1e-12))
    )
    nu = useful.size

    def model() -> tuple[FloatArray, sp.csr_matrix, FloatArray, FloatArray, FloatArray]:
        c = np.concatenate([np.zeros(m), -pop[useful]])
        # Σ_c g_ic x_c − need_i z_i ≥ 0
        link = sp.hstack([g_csr[useful], -sp.diags(need[useful])], format="csr")
        card = sp.csr_matrix(np.concatenate([np.ones(m), np.zeros(nu)])[None, :])
        a = sp.vstack([link, card], format="csr")
        lb = np.concatenate([np.zeros(nu), [k]])
        ub = np.concatenate([np.full(nu, np.inf), [k]])
        return c, a, lb, ub, np.ones(m + nu)

    if method == "mip":
        x, neg_bound = _solve_mip(*model(), time_limit)
        bound = -neg_bound
        chosen = np.sort(np.argsort(-x[:m], kind="stable")[:k]).astype(np.int64)
        mask = lifted(chosen)
        obj = float(pop[mask].sum())
        bound = max(bound, obj)
        return SitingResult(chosen, obj, bound, _gap(obj, bound), "mip", mask)
    if method != "greedy":
        raise AccessInputError(f"unknown method {method!r}", field="method")

    # plain greedy (the objective is a threshold count, not submodular): each round scores
    # every candidate in one pass over the non-zeros of G; then 1-swaps to a local optimum
    current = base.copy()
    chosen_list: list[int] = []
    available = np.ones(m, dtype=bool)
    col_of = np.repeat(np.arange(m), np.diff(g.indptr))
    rows = g.indices
    for _ in range(k):
        below = current[rows] < threshold
        lifts = below & (current[rows] + g.data >= threshold)
        score = np.bincount(col_of, weights=pop[rows] * lifts, minlength=m)
        # tie-break (and progress when no single site lifts anyone): population-weighted
        # fraction of the remaining gap closed
        gap_left = np.maximum(threshold - current[rows], 1e-300)
        progress = np.bincount(
            col_of, weights=pop[rows] * below * np.minimum(g.data / gap_left, 1.0), minlength=m
        )
        key = np.where(available, score + 1e-9 * progress / max(progress.max(), 1e-300), -1.0)
        j = int(np.argmax(key))
        chosen_list.append(j)
        available[j] = False
        seg = slice(g.indptr[j], g.indptr[j + 1])
        current[g.indices[seg]] += g.data[seg]
    _swap_search(g, col_of, pop, under, current, chosen_list, available, threshold)
    chosen = np.asarray(chosen_list, dtype=np.int64)
    mask = lifted(chosen)
    obj = float(pop[mask].sum())
    bound = float("nan")
    used = "greedy"
    if lp_bound and nu > 0:
        c, a, lb, ub, _ = model()
        lp = _lp_bound(c, a, lb, ub, time_limit)
        if lp is not None:
            bound = max(-lp, obj)
    elif nu == 0:
        bound = obj
    proven = bool(np.isfinite(bound) and obj >= bound * (1 - 1e-9))
    if refine_seconds > 0 and nu > 0 and not proven:
        try:
            x, neg_bound = _solve_mip(*model(), refine_seconds)
        except AccessError as exc:  # no incumbent within the time: keep the greedy
            logger.warning("MIP refinement gave no solution: %s", exc)
        else:
            bound = min(bound, -neg_bound) if np.isfinite(bound) else -neg_bound
            candidate = np.sort(np.argsort(-x[:m], kind="stable")[:k]).astype(np.int64)
            cmask = lifted(candidate)
            if float(pop[cmask].sum()) > obj:
                chosen, mask, obj, used = candidate, cmask, float(pop[cmask].sum()), "greedy+mip"
            bound = max(bound, obj)
    return SitingResult(chosen, obj, bound, _gap(obj, bound), used, mask)
