"""Two-stage clustering of the opinion map, with Pol.is's choice of the number of groups.

Source: compdemocracy/polis, ``math/src/polismath/math/clusters.clj`` (``kmeans``,
``silhouette``) and ``conversation.clj`` (``:base-clusters``, ``:group-clusterings``,
``max-k-fn``, ``:group-k-smoother``).

Pol.is first groups the 2-D positions of participants into up to 100 *base clusters*, then
clusters the base-cluster centres (weighted by their sizes) into 2..5 *groups*, keeping the
``k`` with the best silhouette. The silhouette is computed on base-cluster centres, each
counting once. A smoother keeps the previous ``k`` until a new best ``k`` has been seen
``buffer`` times in a row, so the number of groups does not flicker between updates.

Pol.is seeds k-means with the first ``k`` distinct points, or, at every update after the
first, with the previous update's clusters (``clean-start-clusters``): :func:`warm_kmeans`
does both, and the engine uses it for base clusters from one update to the next (see
:mod:`.incremental`). Differences from Pol.is, on purpose:

* Base clusters with no previous update use seeded k-means++ on canonically ordered data,
  so the same votes (and the same previous map) give the same groups.
* Groups found afresh (at every update, unless ``warm_groups``) are the near-optimal
  partition that most of hundreds of seeded k-means++ starts reach (:func:`modal_kmeans`),
  not the best of a few restarts: it no longer depends on the seed, and on Pol.is's open
  data it is Pol.is's partition.
* Group labels are canonical (0 = largest group) or, when a previous map is given, matched
  to the previous groups by maximum member overlap, so a group keeps its id between updates.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning

from .matrix import freeze_arrays

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


#: Partitions within this fraction of the best inertia found count as near-optimal.
NEAR_OPTIMAL = 0.01


def modal_kmeans(
    points: FloatArray,
    k: int,
    *,
    seed: int,
    weights: FloatArray | None = None,
    n_starts: int = 300,
    near_optimal: float = NEAR_OPTIMAL,
    max_iter: int = 100,
) -> tuple[IntArray, FloatArray]:
    """Weighted k-means from many seeded starts, keeping the partition most starts reach.

    Each start is a greedy k-means++ seeding (as scikit-learn's) followed by Lloyd's
    iterations; the starts run side by side in arrays. Of the partitions reached, those
    within ``near_optimal`` of the best inertia are near-optimal, and the one reached most
    often is kept (ties: lower inertia). Why not the best inertia alone: on real
    conversations several local optima sit within a fraction of a percent of each other,
    and which of them ten restarts find depends on the seed. The optimum with the largest
    basin of attraction is also where Pol.is's warm-started k-means most likely ends: on the
    two conversations of the mirror it is Pol.is's partition (the best inertia is not, on
    Seattle), and with hundreds of starts it no longer depends on the seed. It is not always
    so: on openData's canadian-electoral-reform Pol.is kept the best inertia, 3 participants
    of 281 away from the modal partition (ARI 0.898 instead of 1.000).

    Returns ``(labels, centres)`` with labels numbered in order of first appearance.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> labels, centres = modal_kmeans(pts, 2, seed=0)
    >>> labels.tolist(), np.round(centres, 2).tolist()
    ([0, 0, 1, 1], [[0.05, 0.0], [5.05, 5.0]])
    """
    n = points.shape[0]
    n_distinct = np.unique(points, axis=0).shape[0] if n else 0
    k = max(1, min(k, n_distinct))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, points.shape[1]))
    if k == 1:
        return np.zeros(n, dtype=np.int64), np.average(points, axis=0, weights=w)[None, :]
    rng = np.random.default_rng(seed)
    centres = _greedy_kmeans_plus_plus(points, w, k, n_starts, rng)
    labels = np.full((n_starts, n), -1, dtype=np.int64)
    running = np.arange(n_starts)  # starts whose assignment still changes
    squared = (points * points).sum(axis=1)
    for _ in range(max_iter):
        c = centres[running]
        d2 = (squared[None, None, :] - 2.0 * (c @ points.T)
              + (c * c).sum(axis=2)[:, :, None])  # (starts, k, n)
        new = d2.argmin(axis=1)
        moved = (new != labels[running]).any(axis=1)
        labels[running] = new
        running, new = running[moved], new[moved]
        if running.size == 0:
            break
        member = (new[:, None, :] == np.arange(k)[None, :, None]) * w[None, None, :]
        mass = member.sum(axis=2)
        sums = member @ points  # (starts, k, dim)
        # A cluster left empty keeps its centre (the near-optimal filter drops such runs).
        centres[running] = np.where(mass[..., None] > 0,
                                    sums / np.where(mass > 0, mass, 1.0)[..., None],
                                    centres[running])
    # Number each run's clusters in order of first appearance, so equal partitions compare
    # equal, then count the distinct partitions.
    first = np.where(labels[:, None, :] == np.arange(k)[None, :, None],
                     np.arange(n)[None, None, :], n).min(axis=2)  # (starts, k)
    rank = np.argsort(np.argsort(first, axis=1, kind="stable"), axis=1, kind="stable")
    canonical = np.take_along_axis(rank, labels, axis=1)
    partitions, seen_at, counts = np.unique(canonical, axis=0, return_index=True,
                                            return_counts=True)
    inertias = np.array([_inertia(points, w, row) for row in partitions])
    near = inertias <= inertias.min() * (1.0 + near_optimal) + 1e-12
    # Most starts, then lower inertia, then the earliest start.
    order = np.lexsort((seen_at, inertias, -counts))
    pick = next(i for i in order if near[i])
    chosen, count = partitions[pick].astype(np.int64), int(counts[pick])
    logger.debug("modal k-means k=%d: %d of %d starts, %d partitions", k, count, n_starts,
                 len(partitions))
    return chosen, _weighted_centres(points, chosen, int(chosen.max()) + 1, w)


def _inertia(points: FloatArray, w: FloatArray, labels: IntArray) -> float:
    """Weighted sum of squared distances of points to their cluster's centre."""
    centre = _weighted_centres(points, labels, int(labels.max()) + 1, w)
    return float((w * ((points - centre[labels]) ** 2).sum(axis=1)).sum())


def _greedy_kmeans_plus_plus(
    points: FloatArray, w: FloatArray, k: int, n_starts: int, rng: np.random.Generator
) -> FloatArray:
    """``(n_starts, k, dim)`` starting centres: weighted greedy k-means++ for each start.

    Each new centre is the best (lowest potential) of ``2 + log k`` candidates drawn in
    proportion to weight × squared distance to the nearest centre so far (Arthur &
    Vassilvitskii's seeding with scikit-learn's local trials).
    """
    n, dim = points.shape
    trials = 2 + int(np.log(k))
    centres = np.empty((n_starts, k, dim))
    first = rng.choice(n, size=n_starts, p=w / w.sum())
    centres[:, 0] = points[first]
    d2 = ((points[None] - centres[:, :1]) ** 2).sum(-1)  # (starts, n)
    for j in range(1, k):
        mass = d2 * w[None]
        total = mass.sum(axis=1, keepdims=True)
        cumulative = np.cumsum(mass, axis=1)
        draws = rng.random((n_starts, trials)) * total
        picks = np.minimum((cumulative[:, None, :] <= draws[:, :, None]).sum(axis=2), n - 1)
        candidates = points[picks]  # (starts, trials, dim)
        to_candidate = ((points[None, None] - candidates[:, :, None, :]) ** 2).sum(-1)
        after = np.minimum(d2[:, None, :], to_candidate)
        best = (after * w[None, None]).sum(-1).argmin(axis=1)
        rows = np.arange(n_starts)
        centres[:, j] = candidates[rows, best]
        d2 = after[rows, best]
    return centres


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
    """Groups of base clusters for each ``k`` tried, with their silhouettes.

    ``clusters_by_k`` holds each clustering in a form the next update can start from.
    """

    labels_by_k: dict[int, IntArray]
    silhouettes: dict[int, float]
    best_k: int
    clusters_by_k: dict[int, Clusters] = field(default_factory=dict)


def group_clusterings(
    base: BaseClusters,
    *,
    max_k: int = 5,
    seed: int = 0,
    n_init: int = 300,
    extra_k: int = 0,
    extra_k_margin: float = 0.02,
    base_ids: IntArray | None = None,
    previous: dict[int, Clusters] | None = None,
    max_iters: int = 20,
) -> GroupClustering:
    """Cluster base-cluster centres, weighted by size, for ``k = 2 .. max_groups``.

    The best ``k`` maximises the silhouette of base-cluster centres (each centre counts once,
    as in Pol.is's ``silhouette`` over ``bucket-dists``); ties go to the smaller ``k``.
    With fewer than three base clusters, there is a single candidate ``k``.

    Without ``previous``, each ``k`` is :func:`modal_kmeans` over ``n_init`` starts. With
    ``previous`` (the clusterings of the previous update, by ``k``; members are base-cluster
    ids, ``base_ids``), each ``k`` starts from the previous clustering with that ``k`` as
    Pol.is does (:func:`warm_kmeans`, at most ``max_iters`` iterations); a ``k`` seen for
    the first time starts cold.

    Beyond Pol.is: when the best ``k`` is the cap ``max_k`` itself, ``k`` up to
    ``max_k + extra_k`` (still at most ``2 + n_base // 12``) is tried too, and a larger ``k``
    is kept only if its silhouette beats the capped best by more than ``extra_k_margin``:
    the data must clearly hold more groups. Every ``k`` tried is reported in ``silhouettes``.
    """
    n_base = base.centres.shape[0]
    ids = np.arange(n_base, dtype=np.int64) if base_ids is None else np.asarray(base_ids)
    weights = base.sizes.astype(float)
    upper = max_groups(n_base, max_k)
    clusters_by_k: dict[int, Clusters] = {}

    def cluster(k: int) -> IntArray:
        before = previous.get(k) if previous is not None else None
        if before is not None:
            found = warm_kmeans(
                base.centres, ids, k, previous=before, weights=weights, max_iters=max_iters
            )
            clusters_by_k[k] = found
            return found.member_index
        labels, _ = modal_kmeans(base.centres, k, seed=seed, weights=weights, n_starts=n_init)
        clusters_by_k[k] = clusters_from_labels(base.centres, ids, labels, weights)
        return labels

    if n_base < 3:
        k = max(n_base, 1)
        labels = cluster(k)
        return GroupClustering({k: labels}, {k: 0.0}, k, clusters_by_k)
    distances = np.sqrt(
        np.maximum(((base.centres[:, None, :] - base.centres[None, :, :]) ** 2).sum(-1), 0.0)
    )
    labels_by_k: dict[int, IntArray] = {}
    silhouettes: dict[int, float] = {}

    def try_k(k: int, at_least: int) -> None:
        labels = cluster(k)
        n_labels = int(labels.max()) + 1
        if n_labels < at_least:
            return
        labels_by_k[k] = labels
        silhouettes[k] = silhouette_of(distances, labels) if n_labels < n_base else 0.0

    for k in range(2, upper + 1):
        try_k(k, 2)
    if not silhouettes:  # every point in one place
        labels_by_k[1] = np.zeros(n_base, dtype=np.int64)
        return GroupClustering(labels_by_k, {1: 0.0}, 1, clusters_by_k)
    best_k = max(sorted(silhouettes), key=lambda k: silhouettes[k])
    beyond = max_groups(n_base, max_k + extra_k)
    if extra_k > 0 and best_k == upper and beyond > upper:
        capped_best = silhouettes[best_k]
        for k in range(upper + 1, beyond + 1):
            try_k(k, upper + 1)
        extended = max(range(upper + 1, beyond + 1), key=lambda k: silhouettes.get(k, -2.0))
        if silhouettes.get(extended, -2.0) > capped_best + extra_k_margin:
            best_k = extended
    return GroupClustering(labels_by_k, silhouettes, best_k, clusters_by_k)


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


# Warm-started k-means, as Pol.is runs it from one update to the next ------------------------


@dataclass(frozen=True, eq=False)
class Clusters:
    """A clustering that the next update can start from (Pol.is's clusters with members).

    Attributes
    ----------
    ids
        Cluster ids, increasing; a cluster keeps its id from one update to the next.
    centres
        ``(n_clusters, dim)`` centre of each cluster (weighted mean of its members).
    members
        Names of the clustered items (participant ids, or base-cluster ids for groups).
    member_index
        Position in ``ids`` of each member's cluster.
    """

    ids: IntArray
    centres: FloatArray
    members: np.ndarray
    member_index: IntArray

    def __post_init__(self) -> None:
        freeze_arrays(self)

    def sizes(self) -> IntArray:
        """Number of members of each cluster."""
        return np.bincount(self.member_index, minlength=self.ids.size).astype(np.int64)


def clusters_from_labels(
    points: FloatArray, names: np.ndarray, labels: IntArray, weights: FloatArray | None = None
) -> Clusters:
    """Package labels ``0..c-1`` of ``points`` as :class:`Clusters` (ids = labels)."""
    n_clusters = int(labels.max()) + 1 if labels.size else 0
    return Clusters(
        ids=np.arange(n_clusters, dtype=np.int64),
        centres=_weighted_centres(points, labels, n_clusters, weights),
        members=np.asarray(names),
        member_index=labels.astype(np.int64),
    )


def _weighted_centres(
    points: FloatArray, labels: IntArray, n_clusters: int, weights: FloatArray | None
) -> FloatArray:
    w = np.ones(labels.size) if weights is None else weights
    total = np.bincount(labels, weights=w, minlength=n_clusters)
    sums = np.stack(
        [np.bincount(labels, weights=w * points[:, d], minlength=n_clusters)
         for d in range(points.shape[1])],
        axis=1,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / total[:, None]


def _nearest(points: FloatArray, centres: FloatArray) -> tuple[IntArray, FloatArray]:
    """Index of the nearest centre of each point (first on ties) and the distance to it."""
    if centres.shape[0] * points.shape[0] <= 4_000_000:
        d2 = (
            (points * points).sum(axis=1)[:, None]
            - 2.0 * points @ centres.T
            + (centres * centres).sum(axis=1)[None, :]
        )
        index = np.argmin(d2, axis=1)
        # Exact distance to the chosen centre: 0 for a point on it (the expansion above can
        # leave round-off there, and the clean start relies on exact zeros).
        dist = np.linalg.norm(points - centres[index], axis=1)
        return index.astype(np.int64), dist
    dist, index = cKDTree(centres).query(points)
    return np.asarray(index, dtype=np.int64), np.asarray(dist)


def _row_keys(points: FloatArray) -> np.ndarray:
    """One hashable-sortable key per row (its bytes), for fast distinct-row tests."""
    rows = np.ascontiguousarray(points + 0.0)  # + 0.0 turns -0.0 into 0.0
    return rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).reshape(-1)


def _first_distinct_rows(points: FloatArray) -> IntArray:
    """Positions of the first occurrence of each distinct row, in row order."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.unique(_row_keys(points), return_index=True)[1])


def _same_centres(a: FloatArray, b: FloatArray, tol: float) -> bool:
    """Pol.is's convergence test: sorted centres pairwise closer than ``tol``."""
    sa = a[np.lexsort(a.T[::-1])]
    sb = b[np.lexsort(b.T[::-1])]
    m = min(len(sa), len(sb))
    return bool(np.all(np.linalg.norm(sa[:m] - sb[:m], axis=1) < tol))


def warm_kmeans(
    points: FloatArray,
    names: np.ndarray,
    k: int,
    *,
    previous: Clusters | None = None,
    weights: FloatArray | None = None,
    max_iters: int = 20,
    tol: float = 0.01,
) -> Clusters:
    """k-means the way Pol.is runs it at each update (``clusters.clj``, ``kmeans``).

    Without ``previous``, the starting centres are the first ``k`` distinct points (in row
    order). With it (the clustering of the previous update), each previous cluster is
    re-centred on where its members are now (clusters whose members are all gone are
    dropped, clusters on identical centres merged), then, while there are fewer clusters
    than ``min(k, distinct points)``, the point farthest from every centre starts a new
    cluster; Lloyd's iterations follow, at most ``max_iters`` + 1 assignment steps, until
    the sorted centres move less than ``tol``. Clusters left empty by a step are dropped.
    The result therefore depends on the history of updates, as Pol.is's does, but it is a
    function of its inputs: no random draw.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0], [0.2, 0.0], [5.0, 5.0], [5.2, 5.0]])
    >>> first = warm_kmeans(pts, np.arange(4), 2)
    >>> first.member_index.tolist()
    [0, 0, 1, 1]
    >>> moved = pts + np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [-5.0, -5.0]])
    >>> warm_kmeans(moved, np.arange(4), 2, previous=first).member_index.tolist()
    [0, 0, 1, 0]
    """
    n = points.shape[0]
    names = np.asarray(names)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if n == 0 or k < 1:
        return Clusters(np.zeros(0, np.int64), np.zeros((0, points.shape[1])), names,
                        np.zeros(0, np.int64))
    distinct_first = _first_distinct_rows(points)
    possible = min(k, distinct_first.size)
    if previous is None or previous.ids.size == 0:
        ids = np.arange(possible, dtype=np.int64)
        centres = points[distinct_first[:possible]].copy()
    else:
        ids, centres, _ = _clean_start(points, names, w, previous, possible)
    it = max_iters
    while True:
        labels, _ = _nearest(points, centres)
        used = np.unique(labels)
        remap = np.full(centres.shape[0], -1, dtype=np.int64)
        remap[used] = np.arange(used.size)
        labels = remap[labels]
        new_ids = ids[used]
        new_centres = _weighted_centres(points, labels, used.size, w)
        done = it == 0 or _same_centres(centres, new_centres, tol)
        ids, centres = new_ids, new_centres
        if done:
            break
        it -= 1
    return Clusters(ids=ids, centres=centres, members=names, member_index=labels)


def _clean_start(
    points: FloatArray,
    names: np.ndarray,
    w: FloatArray,
    previous: Clusters,
    possible: int,
) -> tuple[IntArray, FloatArray, IntArray]:
    """Starting clusters from the previous update's (Pol.is ``clean-start-clusters``)."""
    n = points.shape[0]
    row_of = {name: i for i, name in enumerate(names.tolist())}
    rows = np.array([row_of.get(m, -1) for m in previous.members.tolist()], dtype=np.int64)
    present = rows >= 0
    assign = np.full(n, -1, dtype=np.int64)  # position in previous.ids, -1 = no cluster
    assign[rows[present]] = previous.member_index[present]
    kept = np.unique(assign[assign >= 0])
    if kept.size == 0:
        ids = np.array([int(previous.ids.max()) + 1], dtype=np.int64)
        return ids, _weighted_centres(points, np.zeros(n, np.int64), 1, w), np.zeros(n, np.int64)
    remap = np.full(previous.ids.size, -1, dtype=np.int64)
    remap[kept] = np.arange(kept.size)
    assign = np.where(assign >= 0, remap[np.maximum(assign, 0)], -1)
    ids = previous.ids[kept].copy()
    has = assign >= 0
    centres = _weighted_centres(points[has], assign[has], kept.size, w[has])
    # Clusters that now sit on the same centre become one (the larger one's id).
    _, first, inverse = np.unique(_row_keys(centres), return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if first.size < kept.size:
        sizes = np.bincount(assign[has], minlength=kept.size)
        keep_of = np.empty(first.size, dtype=np.int64)
        for u in range(first.size):
            group = np.flatnonzero(inverse == u)
            # max-key keeps the last of equal sizes
            keep_of[u] = group[group.size - 1 - int(np.argmax(sizes[group][::-1]))]
        order = np.sort(keep_of)
        new_pos = np.full(kept.size, -1, dtype=np.int64)
        new_pos[order] = np.arange(order.size)
        merged = new_pos[keep_of[inverse]]
        assign = np.where(has, merged[np.maximum(assign, 0)], -1)
        ids = ids[order]
        has = assign >= 0
        centres = _weighted_centres(points[has], assign[has], order.size, w[has])
    # Grow to the number of clusters possible from the points farthest from every centre.
    while ids.size < possible:
        _, dist = _nearest(points, centres)
        far = n - 1 - int(np.argmax(dist[::-1]))  # the last farthest, as max-key
        if dist[far] <= 0:
            break
        old = int(assign[far])
        if old >= 0 and (assign == old).sum() == 1:
            break  # it would only move a cluster of one: no new cluster to make
        assign[far] = ids.size
        ids = np.append(ids, int(ids.max()) + 1)
        centres = np.vstack([centres, points[far]])
        if old >= 0:
            mine = assign == old
            centres[old] = np.average(points[mine], axis=0, weights=w[mine])
    return ids, centres, assign


def silhouette_of(distances: FloatArray, labels: IntArray) -> float:
    """Mean silhouette of a labelling from a distance matrix (0 for members of singletons).

    Matches Pol.is's ``silhouette`` over base clusters (each counting once) and
    scikit-learn's ``silhouette_score``.

    Examples
    --------
    >>> pts = np.array([[0.0], [1.0], [10.0], [11.0]])
    >>> round(silhouette_of(np.abs(pts - pts.T), np.array([0, 0, 1, 1])), 4)
    0.8997
    """
    n = labels.size
    n_labels = int(labels.max()) + 1
    onehot = np.zeros((n, n_labels))
    onehot[np.arange(n), labels] = 1.0
    counts = onehot.sum(axis=0)
    sums = distances @ onehot
    own = counts[labels] - 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        a = sums[np.arange(n), labels] / own
        other = sums / counts[None, :]
    other[np.arange(n), labels] = np.inf
    b = other.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (b - a) / np.maximum(a, b)
    s[own == 0] = 0.0
    s[~np.isfinite(s)] = 0.0
    return float(s.mean())
