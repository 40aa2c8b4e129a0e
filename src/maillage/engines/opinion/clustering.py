"""Two-stage clustering of the opinion map, with Pol.is's choice of the number of groups.

Source: compdemocracy/polis, ``math/src/polismath/math/clusters.clj`` (``kmeans``,
``silhouette``) and ``conversation.clj`` (``:base-clusters``, ``:group-clusterings``,
``max-k-fn``, ``:group-k-smoother``).

Pol.is first groups the 2-D positions of participants into up to 100 *base clusters*, then
clusters the base-cluster centres (weighted by their sizes) into 2..5 *groups*, keeping the
``k`` with the best silhouette. The silhouette is computed on base-cluster centres, each
counting once. A smoother keeps the previous ``k`` until a new best ``k`` has been seen
``buffer`` times in a row, so the number of groups does not flicker between updates.

Differences from Pol.is, on purpose:

* Pol.is seeds k-means with the first ``k`` distinct points (or the last run's clusters),
  so the result depends on vote arrival order; here k-means++ uses a seeded generator with
  several restarts on canonically ordered data, so the same votes give the same groups.
* Group labels are canonical (0 = largest group) or, when a previous map is given, matched
  to the previous groups by maximum member overlap, so a group keeps its id between updates.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import silhouette_score

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class KSmoother:
    """State of Pol.is's ``group-k-smoother`` carried from one update to the next.

    Attributes
    ----------
    last_k
        Best ``k`` by silhouette at the last update.
    last_k_count
        How many consecutive updates ``last_k`` has been the best.
    smoothed_k
        The ``k`` actually used.
    """

    last_k: int
    last_k_count: int
    smoothed_k: int


def smooth_k(this_k: int, previous: KSmoother | None, buffer: int = 4) -> KSmoother:
    """Advance the smoother with this update's best ``k``.

    The used ``k`` switches to a new value only once it has been the best ``buffer``
    updates in a row (Pol.is default ``group-k-buffer`` = 4).

    Examples
    --------
    >>> state = smooth_k(2, None)
    >>> state.smoothed_k
    2
    >>> for _ in range(3):
    ...     state = smooth_k(3, state)
    >>> state.smoothed_k
    2
    >>> smooth_k(3, state).smoothed_k
    3
    """
    if previous is None:
        return KSmoother(last_k=this_k, last_k_count=1, smoothed_k=this_k)
    count = previous.last_k_count + 1 if this_k == previous.last_k else 1
    smoothed = this_k if count >= buffer else previous.smoothed_k
    return KSmoother(last_k=this_k, last_k_count=count, smoothed_k=smoothed)


def max_groups(n_base_clusters: int, max_k: int = 5) -> int:
    """Largest ``k`` tried: ``min(max_k, 2 + n_base_clusters // 12)`` (Pol.is ``max-k-fn``)."""
    return min(max_k, 2 + n_base_clusters // 12)


def kmeans(
    points: FloatArray,
    k: int,
    *,
    seed: int,
    weights: FloatArray | None = None,
    n_init: int = 10,
) -> tuple[IntArray, FloatArray]:
    """Seeded, weighted k-means; returns ``(labels, centres)``.

    ``k`` is capped at the number of distinct points. Labels are renumbered in order of
    first appearance, so the output does not depend on k-means's internal numbering.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> labels, centres = kmeans(pts, 2, seed=0)
    >>> labels.tolist()
    [0, 0, 1, 1]
    """
    n_distinct = np.unique(points, axis=0).shape[0] if len(points) else 0
    k = max(1, min(k, n_distinct))
    if len(points) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, points.shape[1]))
    if k == 1:
        centre = np.average(points, axis=0, weights=weights)[None, :]
        return np.zeros(len(points), dtype=np.int64), centre
    model = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        raw = model.fit_predict(points, sample_weight=weights)
    _, first = np.unique(raw, return_index=True)
    order = np.unique(raw)[np.argsort(first)]
    relabel = np.empty(raw.max() + 1, dtype=np.int64)
    relabel[order] = np.arange(order.size)
    return relabel[raw], model.cluster_centers_[order]


@dataclass(frozen=True, eq=False)
class BaseClusters:
    """Fine-grained clusters of participant positions (Pol.is's ~100 "buckets")."""

    labels: IntArray
    centres: FloatArray
    sizes: IntArray


def base_clusters(points: FloatArray, *, k: int = 100, seed: int = 0) -> BaseClusters:
    """Cluster participant positions into at most ``k`` base clusters.

    With no more distinct positions than ``k``, each distinct position is its own base
    cluster (what Pol.is's k-means converges to from its first-``k``-distinct start).
    """
    distinct, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if distinct.shape[0] <= k:
        labels, centres = inverse.astype(np.int64), distinct
    else:
        labels, centres = kmeans(points, k, seed=seed, n_init=1)
    sizes = np.bincount(labels, minlength=centres.shape[0]).astype(np.int64)
    return BaseClusters(labels=labels, centres=centres, sizes=sizes)


@dataclass(frozen=True, eq=False)
class GroupClustering:
    """Groups of base clusters for each ``k`` tried, with their silhouettes."""

    labels_by_k: dict[int, IntArray]
    silhouettes: dict[int, float]
    best_k: int


def group_clusterings(
    base: BaseClusters,
    *,
    max_k: int = 5,
    seed: int = 0,
    n_init: int = 10,
    extra_k: int = 0,
    extra_k_margin: float = 0.02,
) -> GroupClustering:
    """Cluster base-cluster centres, weighted by size, for ``k = 2 .. max_groups``.

    The best ``k`` maximises the silhouette of base-cluster centres (each centre counts once,
    as in Pol.is's ``silhouette`` over ``bucket-dists``); ties go to the smaller ``k``.
    With fewer than three base clusters, there is a single candidate ``k``.

    Beyond Pol.is: when the best ``k`` is the cap ``max_k`` itself, ``k`` up to
    ``max_k + extra_k`` (still at most ``2 + n_base // 12``) is tried too, and a larger ``k``
    is kept only if its silhouette beats the capped best by more than ``extra_k_margin``:
    the data must clearly hold more groups. Every ``k`` tried is reported in ``silhouettes``.
    """
    n_base = base.centres.shape[0]
    upper = max_groups(n_base, max_k)
    if n_base < 3:
        k = max(n_base, 1)
        labels, _ = kmeans(base.centres, k, seed=seed, weights=base.sizes.astype(float))
        return GroupClustering({k: labels}, {k: 0.0}, k)
    labels_by_k: dict[int, IntArray] = {}
    silhouettes: dict[int, float] = {}
    for k in range(2, upper + 1):
        labels, _ = kmeans(
            base.centres, k, seed=seed, weights=base.sizes.astype(float), n_init=n_init
        )
        n_labels = labels.max() + 1
        if n_labels < 2:
            continue
        labels_by_k[k] = labels
        silhouettes[k] = float(silhouette_score(base.centres, labels)) if n_labels < n_base else 0.0
    best_k = max(sorted(silhouettes), key=lambda k: silhouettes[k])
    beyond = max_groups(n_base, max_k + extra_k)
    if extra_k > 0 and best_k == upper and beyond > upper:
        capped_best = silhouettes[best_k]
        for k in range(upper + 1, beyond + 1):
            labels, _ = kmeans(
                base.centres, k, seed=seed, weights=base.sizes.astype(float), n_init=n_init
            )
            n_labels = labels.max() + 1
            if n_labels <= upper:
                continue
            labels_by_k[k] = labels
            silhouettes[k] = (
                float(silhouette_score(base.centres, labels)) if n_labels < n_base else 0.0
            )
        extended = max(range(upper + 1, beyond + 1), key=lambda k: silhouettes.get(k, -2.0))
        if silhouettes.get(extended, -2.0) > capped_best + extra_k_margin:
            best_k = extended
    return GroupClustering(labels_by_k, silhouettes, best_k)


def canonical_labels(
    labels: IntArray,
    *,
    previous_labels: IntArray | None = None,
) -> IntArray:
    """Renumber group labels stably.

    Without ``previous_labels``, groups are numbered by decreasing size (ties: the group of
    the earliest row first). With them (same rows; -1 = absent), each group takes the id of
    the previous group it shares most members with, found by optimal matching (ties: the
    group with the earliest row wins); unmatched groups get the next free ids.

    Examples
    --------
    >>> canonical_labels(np.array([1, 1, 0, 2, 2, 2])).tolist()
    [1, 1, 2, 0, 0, 0]
    >>> canonical_labels(np.array([0, 0, 1, 1]), previous_labels=np.array([1, 1, 0, -1])).tolist()
    [1, 1, 0, 0]
    """
    valid = labels >= 0
    if not valid.any():
        return labels.copy()
    n = int(labels.max()) + 1
    sizes = np.bincount(labels[valid], minlength=n)
    first = np.full(n, labels.size)
    np.minimum.at(first, labels[valid], np.flatnonzero(valid))
    order = np.lexsort((first, -sizes))  # decreasing size, then first row
    mapping = np.empty(n, dtype=np.int64)
    mapping[order] = np.arange(n)
    if previous_labels is not None and (previous_labels >= 0).any():
        both = valid & (previous_labels >= 0)
        m = int(previous_labels.max()) + 1
        overlap = np.zeros((n, m))
        np.add.at(overlap, (labels[both], previous_labels[both]), 1.0)
        # On equal overlap, the group holding the earliest rows (longest-standing
        # participants when ids follow arrival) keeps the id.
        rank = np.argsort(np.argsort(first)).astype(np.float64)
        rows, cols = linear_sum_assignment(-(overlap - 1e-6 * rank[:, None] / n))
        keep = overlap[rows, cols] > 0
        mapping = np.full(n, -1, dtype=np.int64)
        mapping[rows[keep]] = cols[keep]
        free = iter(sorted(set(range(max(n, m) + n)) - set(cols[keep].tolist())))
        for g in order:  # unmatched groups, largest first
            if mapping[g] < 0:
                mapping[g] = next(free)
    out = np.full_like(labels, -1)
    out[valid] = mapping[labels[valid]]
    return out
