"""Incremental updates of the clustering, warm-started as Pol.is's are, and their replay.

Pol.is recomputes a conversation's map each time a batch of votes arrives (its poller reads
new votes every second, ``poller.clj``) and each recomputation starts from the previous one
(``conversation.clj``: ``:base-clusters`` and ``:group-clusterings`` use ``:last-clusters``;
``in-conv`` only grows; the ``group-k-smoother`` carries over). Its groups are therefore the
k-means local optimum that the *history* of updates led to, not the best partition of the
final votes. :func:`cluster_update` is one such update: the live platform calls it (through
:func:`~maillage.engines.opinion.opinion_map` with the previous map) at each recomputation,
and :func:`replay_updates` replays a conversation's history from the timestamps of its votes
(an export of Pol.is, for instance), batching the votes by arrival as Pol.is's poller does.

Everything is a function of the votes, their timestamps and the parameters: no random draw
beyond the seeded cold start of the first update.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Hashable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .clustering import (
    BaseClusters,
    Clusters,
    GroupClustering,
    KSmoother,
    base_clusters,
    clusters_from_labels,
    group_clusterings,
    smooth_k,
    warm_kmeans,
)
from .matrix import VoteMatrix, _native, canonical_order, freeze_arrays, in_conversation
from .pca import PCAResult, fit_pca, sparsity_aware_projection

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Pol.is's poller reads new votes every second (``poller.clj``, ``polling-interval``).
POLL_INTERVAL_MS = 1000.0


@dataclass(frozen=True, eq=False)
class ClusterState:
    """What one update passes to the next.

    Attributes
    ----------
    included
        Ids of the participants counted (they stay counted).
    base
        Base clusters; members are participant ids.
    groupings
        Group clustering for each ``k`` tried; members are base-cluster ids.
    k_state
        The smoother of the number of groups (None when the updates did not group).
    n_updates
        Updates so far.
    """

    included: np.ndarray
    base: Clusters
    groupings: dict[int, Clusters]
    k_state: KSmoother | None
    n_updates: int = 1

    def __post_init__(self) -> None:
        freeze_arrays(self)


@dataclass(frozen=True, eq=False)
class ClusterUpdate:
    """The result of one update (arrays follow the rows of the vote matrix)."""

    pca: PCAResult
    coordinates: FloatArray
    included: npt.NDArray[np.bool_]
    base: BaseClusters
    base_labels: IntArray
    clusterings: GroupClustering | None
    k_state: KSmoother | None
    group_of_base: IntArray
    state: ClusterState | None


def cluster_update(
    votes: VoteMatrix,
    values: FloatArray,
    *,
    state: ClusterState | None,
    seed: int,
    min_votes: int,
    min_participants: int,
    n_components: int,
    base_k: int,
    max_k: int,
    extra_k: int,
    extra_k_margin: float,
    k_buffer: int,
    kmeans_restarts: int,
    base_iters: int = 100,
    group_iters: int = 20,
    warm_groups: bool = False,
    sticky: npt.NDArray[np.bool_] | None = None,
    k_previous: KSmoother | None = None,
    groups: bool = True,
    polis_start: bool = False,
) -> ClusterUpdate:
    """One update: participants counted, PCA and projection, base clusters and groups.

    ``votes`` is in canonical order; ``values`` are its votes with moderated-out columns
    set to 0. Without ``state``, base clusters start cold (seeded k-means++, or Pol.is's
    first distinct points with ``polis_start``); with the state of the previous update they
    start from its base clusters as Pol.is does (:func:`warm_kmeans`, ``base_iters``
    iterations, Pol.is's 100).

    Groups (k = 2..5 on the base-cluster centres) are found afresh at each update: the
    near-optimal partition most of ``kmeans_restarts`` seeded k-means++ starts reach
    (:func:`~.clustering.modal_kmeans`), unless ``warm_groups``: then each ``k`` starts
    from the previous update's clustering with that ``k``, as Pol.is does (``group_iters``
    iterations, Pol.is's 20). On Pol.is's open data, fresh modal groups on warm-started base
    clusters match Pol.is's groups best (see
    ``tests/engines/opinion/test_polis_conversations.py``). With ``groups=False`` only the
    base clusters are updated (what :func:`replay_updates` needs).

    ``sticky`` marks more participants counted before (a previous map's); ``k_previous`` is
    the smoother to carry on when ``state`` has none.
    """
    n_p = votes.shape[0]
    if state is not None and state.included.size:
        before = set(state.included.tolist())
        was_in = np.array([p in before for p in votes.participant_ids.tolist()], dtype=bool)
        sticky = was_in if sticky is None else (sticky | was_in)
    if state is not None and state.k_state is not None:
        k_previous = state.k_state
    included = in_conversation(
        votes, min_votes=min_votes, min_participants=min_participants, already=sticky
    )
    pca = fit_pca(values, n_components)
    coordinates = sparsity_aware_projection(values, pca)
    rows = np.flatnonzero(included)
    points = coordinates[rows]
    names = votes.participant_ids[rows]
    if (state is None or state.base.ids.size == 0) and not polis_start:
        base = base_clusters(points, k=base_k, seed=seed)
        base_state = clusters_from_labels(points, names, base.labels)
    else:
        base_state = warm_kmeans(
            points,
            names,
            base_k,
            previous=state.base if state is not None else None,
            max_iters=base_iters,
        )
        base = BaseClusters(
            labels=base_state.member_index,
            centres=base_state.centres,
            sizes=base_state.sizes(),
        )
    base_labels = np.full(n_p, -1, dtype=np.int64)
    base_labels[rows] = base.labels
    if rows.size == 0 or not groups:
        k_state = k_previous if k_previous is not None else KSmoother(0, 0, 0)
        if not groups:
            k_state = k_previous
            state = ClusterState(
                included=votes.participant_ids[included],
                base=base_state,
                groupings={},
                k_state=k_state,
                n_updates=(state.n_updates + 1) if state is not None else 1,
            )
        return ClusterUpdate(pca, coordinates, included, base, base_labels, None, k_state,
                             np.zeros(0, dtype=np.int64), state)
    clusterings = group_clusterings(
        base,
        max_k=max_k,
        seed=seed,
        n_init=kmeans_restarts,
        extra_k=extra_k,
        extra_k_margin=extra_k_margin,
        base_ids=base_state.ids,
        previous=state.groupings if state is not None and warm_groups else None,
        max_iters=group_iters,
    )
    k_state = smooth_k(clusterings.best_k, k_previous, k_buffer)
    # The smoothed k may not be available any more (fewer base clusters): use the nearest.
    k = min(clusterings.labels_by_k, key=lambda c: (abs(c - k_state.smoothed_k), c))
    new_state = ClusterState(
        included=votes.participant_ids[included],
        base=base_state,
        groupings=clusterings.clusters_by_k,
        k_state=k_state,
        n_updates=(state.n_updates + 1) if state is not None else 1,
    )
    return ClusterUpdate(pca, coordinates, included, base, base_labels, clusterings, k_state,
                         clusterings.labels_by_k[k], new_state)


@dataclass(frozen=True, eq=False)
class VoteLog:
    """Every vote with its time (several rows per participant and statement allowed).

    The latest vote on a pair counts, as in :meth:`VoteMatrix.from_votes`.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    values: FloatArray
    timestamps: FloatArray

    def __post_init__(self) -> None:
        n = self.values.shape[0]
        if not (
            self.participant_ids.shape[0] == self.statement_ids.shape[0] == n
            and self.timestamps.shape[0] == n
        ):
            raise ValueError("VoteLog columns must have the same length")
        freeze_arrays(self)

    def batches(self, interval_ms: float = POLL_INTERVAL_MS) -> list[IntArray]:
        """Row indices of each batch, in time order: the votes of each poll window.

        Windows are ``interval_ms`` long from the first vote; empty windows are skipped.
        """
        if self.values.size == 0:
            return []
        order = np.argsort(self.timestamps, kind="stable")
        t = self.timestamps[order]
        window = np.floor((t - t[0]) / max(interval_ms, 1e-9)).astype(np.int64)
        cuts = np.flatnonzero(np.diff(window)) + 1
        return np.split(order, cuts)


def replay_updates(
    log: VoteLog,
    *,
    moderated_out: Collection[Hashable] = (),
    interval_ms: float = POLL_INTERVAL_MS,
    max_updates: int = 10_000,
    max_cells: float = 5e8,
    min_votes: int = 7,
    min_participants: int = 15,
    n_components: int = 2,
    base_k: int = 100,
    base_iters: int = 100,
) -> ClusterState | None:
    """Replay a conversation's updates but the last: the state the last update starts from.

    Votes are applied batch by batch (:meth:`VoteLog.batches`); after each
    batch but the last, :func:`cluster_update` runs on the votes cast so far (participants
    and statements with at least one vote, as in Pol.is's rating matrix), starting from the
    previous update's state: participants counted stay counted and base clusters are
    warm-started, the first update starting from the first distinct positions as Pol.is
    does. Groups are left to the last update (``opinion_map(..., history=state)``), so the
    replay draws nothing at random and does not depend on the seed.

    Moderated-out statements are zeroed from the start (an export does not say when they
    were moderated). The cost stays bounded: beyond ``max_updates`` batches, or beyond
    ``max_cells`` vote-matrix cells processed over the replay (batches × final participants
    × final statements; at least 100 updates), consecutive batches are merged evenly. The two
    conversations of Pol.is's open data are replayed in full (2,242 and 4,835 updates).

    Examples
    --------
    >>> log = VoteLog(np.array([1, 2, 1, 2]), np.array(["a", "a", "b", "b"]),
    ...               np.array([1.0, -1.0, 1.0, -1.0]), np.array([0.0, 10.0, 2000.0, 3000.0]))
    >>> [b.tolist() for b in log.batches()]
    [[0, 1], [2], [3]]
    >>> state = replay_updates(log, min_participants=0, min_votes=1)
    >>> state.n_updates, sorted(state.included.tolist())
    (2, [1, 2])
    """
    batches = log.batches(interval_ms)
    n_cells = max(len(set(log.participant_ids.tolist())) * len(set(log.statement_ids.tolist())), 1)
    limit = max(100, min(max_updates, int(max_cells // n_cells)))
    if len(batches) > limit:
        groups = np.array_split(np.arange(len(batches)), limit)
        batches = [np.concatenate([batches[i] for i in g]) for g in groups]
    if len(batches) < 2:
        return None
    pids = np.array(list(dict.fromkeys(log.participant_ids.tolist())), dtype=object)
    tids = np.array(list(dict.fromkeys(log.statement_ids.tolist())), dtype=object)
    pids = pids[canonical_order(pids)]
    tids = tids[canonical_order(tids)]
    p_index = {p: i for i, p in enumerate(pids.tolist())}
    t_index = {t: j for j, t in enumerate(tids.tolist())}
    rows = np.array([p_index[p] for p in log.participant_ids.tolist()], dtype=np.int64)
    cols = np.array([t_index[t] for t in log.statement_ids.tolist()], dtype=np.int64)
    full = np.full((pids.size, tids.size), np.nan)
    seen_rows = np.zeros(pids.size, dtype=bool)
    seen_cols = np.zeros(tids.size, dtype=bool)
    mod_cols = np.isin(tids, np.array(list(moderated_out), dtype=object))
    native_p, native_t = _native(pids), _native(tids)
    state: ClusterState | None = None
    for batch in batches[:-1]:
        # Batch rows are in time order: the latest vote on a pair is written last.
        full[rows[batch], cols[batch]] = log.values[batch]
        seen_rows[rows[batch]] = True
        seen_cols[cols[batch]] = True
        r, c = np.flatnonzero(seen_rows), np.flatnonzero(seen_cols)
        values = full[np.ix_(r, c)]
        zeroed = values.copy()
        zeroed[:, mod_cols[c]] = 0.0
        state = cluster_update(
            VoteMatrix(native_p[r], native_t[c], values),
            zeroed,
            state=state,
            seed=0,  # unused: no random draw without groups and with Pol.is's start
            min_votes=min_votes,
            min_participants=min_participants,
            n_components=n_components,
            base_k=base_k,
            max_k=2,
            extra_k=0,
            extra_k_margin=0.0,
            k_buffer=1,
            kmeans_restarts=1,
            base_iters=base_iters,
            groups=False,
            polis_start=True,
        ).state
    logger.debug("replayed %d updates", len(batches) - 1)
    return state
