"""Read a conversation exported by Pol.is (the format of compdemocracy/openData).

A conversation directory holds ``votes.csv`` (``timestamp, datetime, comment-id, voter-id,
vote``; a voter may have several rows per comment, the latest counts), ``comments.csv``
(``moderated``: 1 accepted, 0 unmoderated, -1 moderated out) and ``participants-votes.csv``
(``group-id``: the group Pol.is assigned, empty when the participant was not clustered).

Data in compdemocracy/openData is licensed CC BY 4.0 with attribution to The Computational
Democracy Project (https://compdemocracy.org/polis); whoever publishes results built on it
must say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

from .conversation import OpinionMap, OpinionParams, opinion_map
from .incremental import VoteLog, replay_updates
from .matrix import VoteMatrix


@dataclass(frozen=True, eq=False)
class PolisExport:
    """A Pol.is conversation as read from its export.

    Attributes
    ----------
    votes
        Latest vote of each voter on each comment.
    moderated_out
        Comment ids moderators removed (``moderated == -1``).
    polis_groups
        Group id Pol.is assigned to each participant id (participants it did not cluster are
        absent).
    log
        Every vote row with its timestamp (milliseconds), for replaying the updates.
    """

    votes: VoteMatrix
    moderated_out: frozenset[int]
    polis_groups: dict[int, int]
    log: VoteLog | None = None


def read_polis_export(directory: str | Path) -> PolisExport:
    """Read ``votes.csv``, ``comments.csv`` and ``participants-votes.csv`` of one conversation.

    Raises
    ------
    ValueError
        Naming the file and the column when a required column is missing.
    """
    directory = Path(directory)
    votes = _read(directory / "votes.csv", ["timestamp", "comment-id", "voter-id", "vote"])
    comments = _read(directory / "comments.csv", ["comment-id", "moderated"])
    participants = _read(directory / "participants-votes.csv", ["participant", "group-id"])
    matrix = VoteMatrix.from_votes(
        zip(
            votes["voter-id"].astype(int).tolist(),
            votes["comment-id"].astype(int).tolist(),
            votes["vote"].astype(float).tolist(),
            votes["timestamp"].astype(float).tolist(),
            strict=True,
        )
    )
    moderated_out = frozenset(
        int(c) for c in comments.loc[comments["moderated"] == -1, "comment-id"].tolist()
    )
    grouped = participants.dropna(subset=["group-id"])
    polis_groups = dict(
        zip(
            grouped["participant"].astype(int).tolist(),
            grouped["group-id"].astype(int).tolist(),
            strict=True,
        )
    )
    log = VoteLog(
        participant_ids=votes["voter-id"].to_numpy(dtype=np.int64),
        statement_ids=votes["comment-id"].to_numpy(dtype=np.int64),
        values=votes["vote"].to_numpy(dtype=np.float64),
        timestamps=votes["timestamp"].to_numpy(dtype=np.float64),
    )
    return PolisExport(
        votes=matrix, moderated_out=moderated_out, polis_groups=polis_groups, log=log
    )


def polis_opinion_map(
    export: PolisExport,
    params: OpinionParams | None = None,
    *,
    replay: bool = True,
) -> OpinionMap:
    """The opinion map of an export, computed as Pol.is would have after its last vote.

    With ``replay`` (and timestamps in the export), the conversation's updates are replayed
    first (:func:`~maillage.engines.opinion.incremental.replay_updates`: votes batched by
    Pol.is's one-second poll, participants counted and base clusters carried from one
    update to the next), and the map is the last update; otherwise the map is computed from
    the final votes alone.
    """
    params = params or OpinionParams()
    history = None
    if replay and export.log is not None:
        history = replay_updates(
            export.log, moderated_out=export.moderated_out, **params.replay_options()
        )
    return opinion_map(
        export.votes, params, moderated_out=export.moderated_out, history=history
    )


def polis_labels(export: PolisExport, participant_ids: np.ndarray) -> np.ndarray:
    """Pol.is's group of each participant id, -1 where Pol.is did not cluster it."""
    return np.array(
        [export.polis_groups.get(int(p), -1) for p in participant_ids.tolist()], dtype=np.int64
    )


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


@dataclass(frozen=True)
class GroupAgreement:
    """Agreement between two group assignments of the same participants.

    Attributes
    ----------
    n
        Participants grouped in both.
    adjusted_rand
        Adjusted Rand index (1 = same partition, about 0 = chance).
    matched_accuracy
        Share of participants in the same group after the best one-to-one matching of labels.
    """

    n: int
    adjusted_rand: float
    matched_accuracy: float


def group_agreement(labels: np.ndarray, reference: np.ndarray) -> GroupAgreement:
    """Compare two labelings; rows where either is -1 are left out.

    Examples
    --------
    >>> group_agreement(np.array([0, 0, 1, 1, -1]), np.array([1, 1, 0, 0, 0]))
    GroupAgreement(n=4, adjusted_rand=1.0, matched_accuracy=1.0)
    """
    both = (labels >= 0) & (reference >= 0)
    a, b = labels[both], reference[both]
    if a.size == 0:
        return GroupAgreement(0, float("nan"), float("nan"))
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1.0)
    rows, cols = linear_sum_assignment(-table)
    return GroupAgreement(
        n=int(a.size),
        adjusted_rand=float(adjusted_rand_score(b, a)),
        matched_accuracy=float(table[rows, cols].sum() / a.size),
    )
