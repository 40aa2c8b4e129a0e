"""Representativeness of statements for groups, consensus statements and group-informed consensus.

Sources: compdemocracy/polis, ``math/src/polismath/math/repness.clj`` (``comment-stats``,
``add-comparitive-stats``, ``select-rep-comments``, ``select-consensus-comments``),
``math/src/polismath/math/stats.clj`` (``prop-test``, ``two-prop-test``, ``z-sig-90?``) and
``conversation.clj`` (``:group-aware-consensus``).

Notation (Pol.is's): for a statement within a group, ``na``/``nd`` agrees/disagrees,
``ns`` votes seen (passes included); ``pa = (na+1)/(ns+2)`` (a Laplace-smoothed agree
rate), ``pat`` a one-proportion z-test of ``pa > 1/2``; ``ra`` the ratio of ``pa`` to the
same rate among all other groups, ``rat`` the two-proportion z-test of that difference;
likewise ``pd``, ``pdt``, ``rd``, ``rdt`` for disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special

FloatArray = npt.NDArray[np.float64]

#: One-sided 90 % critical value of the standard normal (Pol.is ``z-sig-90?``).
Z_90 = 1.2816

Direction = Literal["agree", "disagree"]


def prop_test(successes: npt.ArrayLike, trials: npt.ArrayLike) -> FloatArray:
    """One-proportion z statistic of ``p > 1/2`` with a +1 pseudo-count (Pol.is ``prop-test``).

    Examples
    --------
    >>> round(float(prop_test(9, 10)), 3)
    2.714
    >>> float(prop_test(0, 0))
    1.0
    """
    s = np.asarray(successes, dtype=np.float64) + 1.0
    n = np.asarray(trials, dtype=np.float64) + 1.0
    return 2.0 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(
    successes_in: npt.ArrayLike,
    successes_out: npt.ArrayLike,
    trials_in: npt.ArrayLike,
    trials_out: npt.ArrayLike,
) -> FloatArray:
    """Two-proportion z statistic (in-group rate above out-group rate), +1 pseudo-counts.

    Returns 0 where the pooled rate is 1 (Pol.is ``two-prop-test``).

    Examples
    --------
    >>> round(float(two_prop_test(9, 1, 10, 10)), 3)
    3.425
    """
    s1 = np.asarray(successes_in, dtype=np.float64) + 1.0
    s2 = np.asarray(successes_out, dtype=np.float64) + 1.0
    n1 = np.asarray(trials_in, dtype=np.float64) + 1.0
    n2 = np.asarray(trials_out, dtype=np.float64) + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / se
    return np.where(pooled >= 1.0, 0.0, z)


def p_value(z: npt.ArrayLike) -> FloatArray:
    """One-sided p-value of a z statistic (upper tail)."""
    # ndtr(-z) is what norm.sf computes, without scipy.stats's per-call overhead.
    return special.ndtr(-np.asarray(z, dtype=np.float64))


@dataclass(frozen=True, eq=False)
class VoteCounts:
    """Agree, disagree and seen counts, shape ``(n_groups, n_statements)``."""

    agree: npt.NDArray[np.int64]
    disagree: npt.NDArray[np.int64]
    seen: npt.NDArray[np.int64]


def group_vote_counts(
    values: FloatArray, labels: npt.NDArray[np.int64], n_groups: int
) -> VoteCounts:
    """Count votes per group; rows with label -1 are left out.

    Examples
    --------
    >>> v = np.array([[1.0, 0.0], [-1.0, np.nan], [1.0, 1.0]])
    >>> c = group_vote_counts(v, np.array([0, 0, 1]), 2)
    >>> c.agree.tolist(), c.disagree.tolist(), c.seen.tolist()
    ([[1, 0], [1, 1]], [[1, 0], [0, 0]], [[2, 1], [1, 1]])
    """
    n_statements = values.shape[1]
    # Tally the votes cast only (a large conversation is ~5 % votes): one bincount per kind
    # over (group, statement) cells; integer counts, so the result is exact.
    rows, cols = np.nonzero(~np.isnan(values))
    group = labels[rows]
    keep = group >= 0
    rows, cols, group = rows[keep], cols[keep], group[keep]
    cast = values[rows, cols]
    cell = group * n_statements + cols
    size = n_groups * n_statements

    def count(mask: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.int64]:
        picked = cell if mask is None else cell[mask]
        return np.bincount(picked, minlength=size).astype(np.int64).reshape(n_groups, n_statements)

    return VoteCounts(agree=count(cast == 1), disagree=count(cast == -1), seen=count(None))


@dataclass(frozen=True)
class RepStatement:
    """A statement that characterises a group.

    Attributes
    ----------
    statement_id
        The statement.
    repful_for
        ``"agree"`` when the group agrees more than the others, ``"disagree"`` otherwise.
    n_success, n_trials
        Votes of the group in that direction, and votes seen by the group.
    p_success, p_test
        Smoothed rate ``(n_success+1)/(n_trials+2)`` and its z statistic against 1/2.
    repness, repness_test
        Ratio of the group's rate to the other groups' rate, and its two-proportion z.
    p_value
        One-sided p-value of ``repness_test``.
    best_agree
        True for the statement Pol.is puts first as what the group most agrees on.
    """

    statement_id: object
    repful_for: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    p_value: float
    best_agree: bool = False

    @property
    def metric(self) -> float:
        """Pol.is's sort key ``repness * repness_test * p_success * p_test``."""
        return self.repness * self.repness_test * self.p_success * self.p_test


@dataclass(frozen=True, eq=False)
class RepnessStats:
    """All per-group, per-statement statistics (arrays of shape ``(n_groups, n_statements)``)."""

    na: FloatArray
    nd: FloatArray
    ns: FloatArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def repness_stats(counts: VoteCounts) -> RepnessStats:
    """Compute Pol.is's in-group and group-versus-rest statistics for every group and statement."""
    na = counts.agree.astype(np.float64)
    nd = counts.disagree.astype(np.float64)
    ns = counts.seen.astype(np.float64)
    na_rest = na.sum(axis=0) - na
    nd_rest = nd.sum(axis=0) - nd
    ns_rest = ns.sum(axis=0) - ns
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    return RepnessStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / ((na_rest + 1.0) / (ns_rest + 2.0)),
        rd=pd / ((nd_rest + 1.0) / (ns_rest + 2.0)),
        rat=two_prop_test(na, na_rest, ns, ns_rest),
        rdt=two_prop_test(nd, nd_rest, ns, ns_rest),
    )


def _finalize(
    stats: RepnessStats,
    g: int,
    j: int,
    tid: object,
    direction: Direction | None = None,
    best_agree: bool = False,
) -> RepStatement:
    if direction is None:
        direction = "agree" if stats.rat[g, j] > stats.rdt[g, j] else "disagree"
    if direction == "agree":
        n, p, pt, r, rt = stats.na, stats.pa, stats.pat, stats.ra, stats.rat
    else:
        n, p, pt, r, rt = stats.nd, stats.pd, stats.pdt, stats.rd, stats.rdt
    return RepStatement(
        statement_id=tid,
        repful_for=direction,
        n_success=int(n[g, j]),
        n_trials=int(stats.ns[g, j]),
        p_success=float(p[g, j]),
        p_test=float(pt[g, j]),
        repness=float(r[g, j]),
        repness_test=float(rt[g, j]),
        p_value=float(p_value(rt[g, j])),
        best_agree=best_agree,
    )


def select_representative(
    stats: RepnessStats,
    statement_ids: npt.ArrayLike,
    *,
    top: int = 5,
    excluded: npt.NDArray[np.bool_] | None = None,
) -> list[tuple[RepStatement, ...]]:
    """Pick up to ``top`` representative statements per group, as Pol.is's ``select-rep-comments``.

    A statement qualifies for a group when both its rate test and its group-versus-rest test
    are significant at 90 % in the same direction. Qualifying statements are sorted by
    ``repness * repness_test * p_success * p_test``; the group's best "agree" statement (by
    the same metric, or by rate when none is more agreed than elsewhere) goes first; agrees
    come before disagrees. A group with no qualifying statement still gets its best agree
    statement, or else its statement with the largest group-versus-rest z.

    One change from Pol.is: the best-agree statement is always reported in the agree
    direction (Pol.is re-derives its direction, so it could show a "best agree" as a
    disagree).
    """
    tids = np.asarray(statement_ids, dtype=object)
    n_groups, n_statements = stats.na.shape
    excluded = np.zeros(n_statements, dtype=bool) if excluded is None else excluded
    passes = ((stats.rat > Z_90) & (stats.pat > Z_90)) | ((stats.rdt > Z_90) & (stats.pdt > Z_90))
    result: list[tuple[RepStatement, ...]] = []
    for g in range(n_groups):
        sufficient: list[RepStatement] = []
        best: RepStatement | None = None
        best_agree: int | None = None
        for j in np.flatnonzero(~excluded):
            if passes[g, j]:
                sufficient.append(_finalize(stats, g, j, tids[j]))
            if not sufficient and (
                best is None or max(stats.rat[g, j], stats.rdt[g, j]) > best.repness_test
            ):
                best = _finalize(stats, g, j, tids[j])
            if _beats_best_agree(stats, g, j, best_agree):
                best_agree = int(j)
        head: list[RepStatement] = []
        if best_agree is not None:
            head = [_finalize(stats, g, best_agree, tids[best_agree], "agree", best_agree=True)]
        if not sufficient:
            result.append(tuple(head) if head else ((best,) if best is not None else ()))
            continue
        ranked = sorted(
            (s for s in sufficient if not head or s.statement_id != head[0].statement_id),
            key=lambda s: -s.metric,
        )
        chosen = (head + ranked)[:top]
        result.append(
            tuple(s for s in chosen if s.repful_for == "agree")
            + tuple(s for s in chosen if s.repful_for == "disagree")
        )
    return result


def _beats_best_agree(stats: RepnessStats, g: int, j: int, current: int | None) -> bool:
    """Pol.is's ``beats-best-agr?``: is statement ``j`` a better "what this group agrees on"?"""
    if stats.na[g, j] == 0 and stats.nd[g, j] == 0:
        return False
    if current is not None:
        c = current
        if stats.ra[g, c] > 1.0:
            return bool(
                stats.ra[g, j] * stats.rat[g, j] * stats.pa[g, j] * stats.pat[g, j]
                > stats.ra[g, c] * stats.rat[g, c] * stats.pa[g, c] * stats.pat[g, c]
            )
        return bool(stats.pa[g, j] * stats.pat[g, j] > stats.pa[g, c] * stats.pat[g, c])
    return bool(stats.pat[g, j] > Z_90 or (stats.ra[g, j] > 1.0 and stats.pa[g, j] > 0.5))


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with, whatever their group."""

    statement_id: object
    direction: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    p_value: float


@dataclass(frozen=True)
class Consensus:
    """Top consensus statements in each direction."""

    agree: tuple[ConsensusStatement, ...]
    disagree: tuple[ConsensusStatement, ...]


def select_consensus(
    values: FloatArray,
    statement_ids: npt.ArrayLike,
    *,
    top: int = 5,
    excluded: npt.NDArray[np.bool_] | None = None,
) -> Consensus:
    """Statements with a smoothed agree (disagree) rate above 1/2, significant at 90 %.

    Computed over every participant's votes, sorted by ``p * z``, top ``top`` in each
    direction (Pol.is ``consensus-stats`` and ``select-consensus-comments``).

    Examples
    --------
    >>> v = np.array([[1.0, -1.0]] * 8 + [[1.0, 1.0]] * 2)
    >>> c = select_consensus(v, ["yes", "no"])
    >>> [s.statement_id for s in c.agree], [s.statement_id for s in c.disagree]
    (['yes'], ['no'])
    """
    tids = np.asarray(statement_ids, dtype=object)
    counts = group_vote_counts(values, np.zeros(values.shape[0], dtype=np.int64), 1)
    ns = counts.seen[0].astype(np.float64)
    excluded = np.zeros(tids.size, dtype=bool) if excluded is None else excluded

    def top_n(n: npt.NDArray[np.int64], direction: Direction) -> tuple[ConsensusStatement, ...]:
        p = (n + 1.0) / (ns + 2.0)
        z = prop_test(n, ns)
        ok = np.flatnonzero((p > 0.5) & (z > Z_90) & ~excluded)
        order = ok[np.argsort(-(p * z)[ok], kind="stable")][:top]
        return tuple(
            ConsensusStatement(
                statement_id=tids[j],
                direction=direction,
                n_success=int(n[j]),
                n_trials=int(ns[j]),
                p_success=float(p[j]),
                p_test=float(z[j]),
                p_value=float(p_value(z[j])),
            )
            for j in order
        )

    return Consensus(
        agree=top_n(counts.agree[0], "agree"), disagree=top_n(counts.disagree[0], "disagree")
    )


def group_informed_consensus(counts: VoteCounts) -> FloatArray:
    """Product over groups of each group's smoothed agree rate ``(A+1)/(S+2)``.

    High only when *every* group agrees; strictly between 0 and 1 (Pol.is
    ``:group-aware-consensus``). Statements nobody in a group has seen contribute 1/2 for it.

    Examples
    --------
    >>> c = VoteCounts(agree=np.array([[9, 0], [9, 9]]), disagree=np.array([[0, 9], [0, 0]]),
    ...                seen=np.array([[9, 9], [9, 9]]))
    >>> np.round(group_informed_consensus(c), 3)
    array([0.826, 0.083])
    """
    rates = (counts.agree + 1.0) / (counts.seen + 2.0)
    return np.prod(rates, axis=0)
