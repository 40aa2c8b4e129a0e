"""The opinion map of a conversation: projection, groups, repness, consensus and bridging.

This assembles the pure functions of the package in the order of Pol.is's conversation
update (compdemocracy/polis, ``math/src/polismath/math/conversation.clj``,
``small-conv-update-graph``):

1. participants counted (``in-conv``: at least ``min(7, n_statements)`` votes);
2. PCA of the column-mean-imputed vote matrix of *all* voters, and the sparsity-aware
   projection of everyone on its two axes;
3. base clusters (≤ 100) of the counted participants' positions, started from the previous
   update's as Pol.is does (:mod:`.incremental`; a conversation's history of updates can be
   replayed from its vote timestamps with :func:`.incremental.replay_updates`), then groups
   (k = 2..5) of base-cluster centres weighted by size, ``k`` by silhouette with Pol.is's
   smoother;
4. representative statements per group, consensus statements (over all voters),
   group-informed consensus (over grouped participants);
5. beyond Pol.is, a bridging score per statement from a one-factor matrix factorisation
   (see :mod:`.bridging`).

Simplifications: no mini-batch PCA for very large conversations (Pol.is switches to it
beyond ~5,000 participants; the SVD here is exact); no subgroup (second-level) clusters;
no participant archetype statistics (``ptpt-stats``).

Moderation follows Pol.is: a moderated-out statement's column is set to 0 (pass) for every
participant before the PCA and the projection (``zero-out-columns`` in ``named_matrix.clj``),
which keeps the scaling of positions consistent with the history of the conversation, and
the statement is never listed as representative, consensus, bridging or routed. On the
Seattle conversation of Pol.is's open data this is what makes the groups match Pol.is's
(adjusted Rand index ≈ 0.9 instead of ≈ 0.6 when the columns are dropped).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .bridging import BridgingParams, BridgingResult, bridging_scores
from .clustering import KSmoother, canonical_labels
from .incremental import ClusterState, cluster_update
from .matrix import VoteMatrix, freeze_arrays
from .pca import PCAResult
from .repness import (
    Consensus,
    RepStatement,
    VoteCounts,
    group_informed_consensus,
    group_vote_counts,
    repness_stats,
    select_consensus,
    select_representative,
)

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class OpinionParams:
    """Settings of the opinion map (defaults: Pol.is's).

    Attributes
    ----------
    seed
        Seed of every random choice (k-means starts, factorisation start).
    min_votes
        A participant counts once they voted on ``min(min_votes, n_statements)`` statements.
    min_participants
        If fewer qualify, the most active voters are added up to this number.
    n_components
        Axes of the map.
    base_k
        Number of base clusters.
    max_k
        Largest number of groups tried (Pol.is's cap, 5).
    extra_k, extra_k_margin
        Beyond Pol.is: when the best ``k`` is the cap, up to ``extra_k`` more are tried and a
        larger ``k`` is used when its silhouette beats the capped best by more than the
        margin (the data clearly has more groups). ``extra_k=0`` is Pol.is's behaviour.
    k_buffer
        Updates a new best ``k`` must win in a row before it is used.
    kmeans_restarts
        k-means++ starts of the group clustering; the near-optimal partition most of them
        reach is kept (:func:`~maillage.engines.opinion.clustering.modal_kmeans`).
    warm_groups
        Start each ``k``'s group clustering from the previous update's, as Pol.is does,
        instead of afresh (base clusters always start from the previous update's); see
        :func:`~maillage.engines.opinion.incremental.cluster_update`.
    top_repness, top_consensus
        Statements listed per group, and per direction for consensus.
    bridging
        Settings of the bridging factorisation.
    """

    seed: int = 0
    min_votes: int = 7
    min_participants: int = 15
    n_components: int = 2
    base_k: int = 100
    max_k: int = 5
    extra_k: int = 5
    extra_k_margin: float = 0.02
    k_buffer: int = 4
    kmeans_restarts: int = 300
    warm_groups: bool = False
    top_repness: int = 5
    top_consensus: int = 5
    bridging: BridgingParams = field(default_factory=BridgingParams)

    def replay_options(self) -> dict[str, int]:
        """The settings :func:`~.incremental.replay_updates` shares with the map."""
        return {
            "min_votes": self.min_votes,
            "min_participants": self.min_participants,
            "n_components": self.n_components,
            "base_k": self.base_k,
        }


@dataclass(frozen=True, eq=False)
class Group:
    """One opinion group."""

    id: int
    size: int
    participant_ids: np.ndarray
    centre: FloatArray


@dataclass(frozen=True, eq=False)
class OpinionMap:
    """Result of :func:`opinion_map`; arrays follow ``participant_ids`` / ``statement_ids``.

    Attributes
    ----------
    participant_ids, statement_ids
        Rows and columns, sorted by id.
    included
        Participants counted in the clustering (Pol.is ``in-conv``; once counted in a
        previous map, always counted).
    moderated_out
        Per statement, whether it was moderated out.
    coordinates
        ``(n_participants, 2)`` position of every voter on the map (counted or not).
    labels
        Group of each participant, -1 if not counted.
    base_labels
        Base cluster of each participant, -1 if not counted.
    groups
        The groups, by id.
    k, silhouettes, k_state
        Number of groups used, silhouette of each ``k`` tried, smoother state to pass on.
    repness
        Representative statements of each group id (at most ``top_repness``).
    consensus
        Statements agreed (disagreed) by most voters.
    group_informed_consensus
        Per statement, product over groups of ``(A+1)/(S+2)`` (NaN if moderated out).
    bridging
        Per statement, the bridging score (NaN if nobody rated it or moderated out).
    group_counts
        Agree / disagree / seen counts, one row per group id, one column per statement.
    pca
        Centre, axes and statement extremity.
    bridging_fit
        The full factorisation behind ``bridging``.
    seed
        The seed used.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    included: npt.NDArray[np.bool_]
    moderated_out: npt.NDArray[np.bool_]
    coordinates: FloatArray
    labels: IntArray
    base_labels: IntArray
    groups: tuple[Group, ...]
    k: int
    silhouettes: dict[int, float]
    k_state: KSmoother
    repness: dict[int, tuple[RepStatement, ...]]
    consensus: Consensus
    group_informed_consensus: FloatArray
    bridging: FloatArray
    group_counts: VoteCounts
    pca: PCAResult
    bridging_fit: BridgingResult
    seed: int
    clusters: ClusterState | None = None

    def __post_init__(self) -> None:
        freeze_arrays(self)

    def label_of(self, participant_id: object) -> int:
        """Group id of a participant (-1 if not counted)."""
        hits = np.flatnonzero(self.participant_ids == participant_id)
        if hits.size == 0:
            raise KeyError(participant_id)
        return int(self.labels[hits[0]])

    def statement_index(self) -> dict[object, int]:
        """Column position of each statement id."""
        return {t: j for j, t in enumerate(self.statement_ids.tolist())}


def opinion_map(
    votes: VoteMatrix,
    params: OpinionParams | None = None,
    previous: OpinionMap | None = None,
    *,
    moderated_out: Collection[Hashable] = (),
    history: ClusterState | None = None,
) -> OpinionMap:
    """Compute the opinion map of a conversation.

    Parameters
    ----------
    votes
        Votes of every participant; row and column order do not matter (they are sorted by id).
    params
        Settings; Pol.is's defaults and seed 0 when omitted.
    previous
        The map of the previous update, if any: the number of groups changes only after the
        new best ``k`` has won ``params.k_buffer`` updates in a row, and groups keep the id
        of the previous group they share most members with; participants counted then stay
        counted.
    moderated_out
        Ids of statements removed by moderation (see the module docstring).
    history
        The clustering state the update starts from, when it does not come from
        ``previous`` (e.g. :func:`replay_updates` of a conversation's vote history).
        With a state (from ``previous`` or here), base clusters and groups start from the
        previous update's as in Pol.is (see :mod:`.incremental`); without, they start cold.

    Returns
    -------
    OpinionMap
        Same votes, same params and same ``previous`` always give the same map.

    Examples
    --------
    >>> camp1 = [[1, 1, -1, 1]] * 10
    >>> camp2 = [[-1, -1, 1, 1]] * 10
    >>> vm = VoteMatrix(np.arange(20), np.arange(4), np.array(camp1 + camp2, float))
    >>> m = opinion_map(vm)
    >>> m.k, [g.size for g in m.groups]
    (2, [10, 10])
    >>> [s.statement_id for s in m.consensus.agree]
    [3]
    """
    params = params or OpinionParams()
    votes = votes.canonical()
    raw = votes.values
    n_p, n_s = raw.shape
    mod_out = np.isin(votes.statement_ids, np.array(list(moderated_out), dtype=object))
    if mod_out.any():
        values = raw.copy()
        values[:, mod_out] = 0.0
    else:  # read-only, so sharing is safe; spares a copy of every vote (1.6 GB at 100k × 2k)
        values = raw

    previous_labels = _previous_labels(votes, previous)
    state = history if history is not None else getattr(previous, "clusters", None)
    sticky = None
    if previous is not None:
        before = set(previous.participant_ids[previous.included].tolist())
        sticky = np.array([p in before for p in votes.participant_ids.tolist()], dtype=bool)
    update = cluster_update(
        votes,
        values,
        state=state,
        seed=params.seed,
        min_votes=params.min_votes,
        min_participants=params.min_participants,
        n_components=params.n_components,
        base_k=params.base_k,
        max_k=params.max_k,
        extra_k=params.extra_k,
        extra_k_margin=params.extra_k_margin,
        k_buffer=params.k_buffer,
        kmeans_restarts=params.kmeans_restarts,
        warm_groups=params.warm_groups,
        sticky=sticky,
        k_previous=previous.k_state if previous is not None else None,
    )
    included, pca, coordinates = update.included, update.pca, update.coordinates
    base, base_labels = update.base, update.base_labels
    rows = np.flatnonzero(included)
    k_state, group_of_base = update.k_state, update.group_of_base
    silhouettes = update.clusterings.silhouettes if update.clusterings is not None else {}

    raw_labels = np.full(n_p, -1, dtype=np.int64)
    if rows.size:
        raw_labels[rows] = group_of_base[base.labels]
    labels = canonical_labels(raw_labels, previous_labels=previous_labels)
    group_ids = np.unique(labels[labels >= 0])
    k = int(group_ids.size)
    n_slots = int(group_ids.max()) + 1 if k else 0

    # As in Pol.is: repness on the moderated matrix, vote tallies on the raw one.
    stats = repness_stats(_only(group_vote_counts(values, labels, n_slots), group_ids))
    reps = select_representative(
        stats, votes.statement_ids, top=params.top_repness, excluded=mod_out
    )
    counts = group_vote_counts(raw, labels, n_slots)
    gic = group_informed_consensus(_only(counts, group_ids)) if k else np.full(n_s, np.nan)
    gic[mod_out] = np.nan
    kept = votes if not mod_out.any() else votes.take(columns=~mod_out)
    bridging = bridging_scores(
        kept,
        seed=params.seed,
        params=params.bridging,
        start=_bridging_start(
            kept,
            previous,
            coordinates[:, 0],
            pca.components[0][~mod_out],
            params.bridging.init_scale,
        ),
    )
    bridging_full = np.full(n_s, np.nan)
    bridging_full[~mod_out] = bridging.scores

    groups = tuple(
        Group(
            id=int(g),
            size=int((labels == g).sum()),
            participant_ids=votes.participant_ids[labels == g],
            centre=coordinates[labels == g].mean(axis=0),
        )
        for g in group_ids
    )
    logger.debug("opinion map: %d participants counted, k=%d", rows.size, k)
    return OpinionMap(
        participant_ids=votes.participant_ids,
        statement_ids=votes.statement_ids,
        included=included,
        moderated_out=mod_out,
        coordinates=coordinates,
        labels=labels,
        base_labels=base_labels,
        groups=groups,
        k=k,
        silhouettes=silhouettes,
        k_state=k_state,
        repness={int(g): reps[i] for i, g in enumerate(group_ids)},
        consensus=select_consensus(
            values, votes.statement_ids, top=params.top_consensus, excluded=mod_out
        ),
        group_informed_consensus=gic,
        bridging=bridging_full,
        group_counts=counts,
        pca=pca,
        bridging_fit=bridging,
        seed=params.seed,
        clusters=update.state,
    )


def _bridging_start(
    votes: VoteMatrix,
    previous: OpinionMap | None,
    first_axis: FloatArray,
    loadings: FloatArray,
    scale: float,
) -> tuple[FloatArray, ...]:
    """Starting point of the bridging fit: the previous map's parameters where it has them
    (an update after a batch of votes starts next to its optimum), else the first principal
    axis (the factor ends up along the main divide), rescaled to the size of a random start.
    Either way the fit reaches the same optimum.
    """

    def scaled(x: FloatArray) -> FloatArray:
        spread = float(np.nanstd(x)) if x.size else 0.0
        return x * (scale / spread) if spread > 0 else np.full(x.shape, np.nan)

    fu, fi = scaled(first_axis), scaled(loadings)
    if previous is None:
        return fu, fi
    fit = previous.bridging_fit

    def carried(ids: np.ndarray, old_ids: np.ndarray, old: FloatArray, default: FloatArray):
        lookup = dict(zip(old_ids.tolist(), old.tolist(), strict=True))
        return np.array(
            [lookup.get(i, d) for i, d in zip(ids.tolist(), default.tolist(), strict=True)]
        )

    p_ids, s_ids = votes.participant_ids, votes.statement_ids
    nan_u, nan_i = np.full(p_ids.size, np.nan), np.full(s_ids.size, np.nan)
    return (
        carried(p_ids, fit.participant_ids, fit.participant_factors, fu),
        carried(s_ids, fit.statement_ids, fit.statement_factors, fi),
        carried(p_ids, fit.participant_ids, fit.participant_intercepts, nan_u),
        carried(s_ids, fit.statement_ids, fit.scores, nan_i),
    )


def _only(counts: VoteCounts, group_ids: IntArray) -> VoteCounts:
    """Counts of the groups that exist (labels may skip ids after matching a previous map)."""
    return VoteCounts(counts.agree[group_ids], counts.disagree[group_ids], counts.seen[group_ids])


def _previous_labels(votes: VoteMatrix, previous: OpinionMap | None) -> IntArray | None:
    if previous is None:
        return None
    lookup = dict(zip(previous.participant_ids.tolist(), previous.labels.tolist(), strict=True))
    return np.array([lookup.get(p, -1) for p in votes.participant_ids.tolist()], dtype=np.int64)
