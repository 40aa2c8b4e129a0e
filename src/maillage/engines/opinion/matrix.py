"""The vote matrix: participants × statements, NaN where a participant has not voted.

Votes follow the convention of Pol.is's public exports (compdemocracy/openData):
``1`` = agree, ``-1`` = disagree, ``0`` = pass. (Pol.is's own math code stores agree as
``-1`` internally; every formula in this package is written for the export convention.)
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

AGREE = 1
DISAGREE = -1
PASS = 0


def _frozen(array: npt.ArrayLike, dtype: npt.DTypeLike | None = None) -> np.ndarray:
    out = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def freeze_arrays(obj: object) -> None:
    """Make every numpy array held by a dataclass instance read-only (results are values)."""
    for value in vars(obj).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)


def canonical_order(ids: np.ndarray) -> np.ndarray:
    """Return the permutation that sorts ``ids``; ids of mixed types sort by their text.

    Sorting rows and columns before any computation makes every result a function of the
    votes only, never of the order in which a database happened to return them.
    """
    try:
        return np.argsort(ids, kind="stable")
    except TypeError:
        return np.argsort(np.array([repr(i) for i in ids]), kind="stable")


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Votes of participants (rows) on statements (columns).

    Parameters
    ----------
    participant_ids, statement_ids
        One id per row and per column, unique.
    values
        Float matrix, ``NaN`` where the participant did not vote, otherwise -1, 0 or 1.

    Examples
    --------
    >>> rows = [("ana", "s1", 1, 10), ("ana", "s1", -1, 20), ("bo", "s2", 0, 5)]
    >>> vm = VoteMatrix.from_votes(rows)
    >>> vm.participant_ids.tolist(), vm.statement_ids.tolist()
    (['ana', 'bo'], ['s1', 's2'])
    >>> vm.values
    array([[-1., nan],
           [nan,  0.]])
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    values: npt.NDArray[np.float64] = field(repr=False)

    def __post_init__(self) -> None:
        pids = _frozen(self.participant_ids)
        tids = _frozen(self.statement_ids)
        values = _frozen(self.values, dtype=np.float64)
        if pids.ndim != 1 or tids.ndim != 1:
            raise ValueError("participant_ids and statement_ids must be one-dimensional")
        if values.shape != (pids.size, tids.size):
            raise ValueError(
                f"values has shape {values.shape}, expected ({pids.size}, {tids.size})"
            )
        if len(set(pids.tolist())) != pids.size:
            raise ValueError("participant_ids are not unique")
        if len(set(tids.tolist())) != tids.size:
            raise ValueError("statement_ids are not unique")
        voted = values[~np.isnan(values)]
        if not np.isin(voted, (DISAGREE, PASS, AGREE)).all():
            raise ValueError("votes must be -1 (disagree), 0 (pass), 1 (agree) or NaN")
        object.__setattr__(self, "participant_ids", pids)
        object.__setattr__(self, "statement_ids", tids)
        object.__setattr__(self, "values", values)

    @classmethod
    def from_votes(
        cls,
        votes: Iterable[tuple[Hashable, Hashable, float, float]],
        *,
        participant_ids: Iterable[Hashable] | None = None,
        statement_ids: Iterable[Hashable] | None = None,
    ) -> VoteMatrix:
        """Build a matrix from ``(participant, statement, vote, timestamp)`` tuples.

        When a participant voted several times on a statement, the vote with the latest
        timestamp wins (ties: the later tuple). Rows and columns are sorted by id; extra ids
        (a statement nobody voted on yet) can be given explicitly.
        """
        rows = list(votes)
        extra_p = list(participant_ids) if participant_ids is not None else []
        extra_t = list(statement_ids) if statement_ids is not None else []
        pids = np.array(list(dict.fromkeys([r[0] for r in rows] + extra_p)), dtype=object)
        tids = np.array(list(dict.fromkeys([r[1] for r in rows] + extra_t)), dtype=object)
        pids = _native(pids[canonical_order(pids)])
        tids = _native(tids[canonical_order(tids)])
        p_index = {p: i for i, p in enumerate(pids.tolist())}
        t_index = {t: j for j, t in enumerate(tids.tolist())}
        values = np.full((pids.size, tids.size), np.nan)
        if rows:
            r = np.array([p_index[row[0]] for row in rows], dtype=np.intp)
            c = np.array([t_index[row[1]] for row in rows], dtype=np.intp)
            v = np.array([row[2] for row in rows], dtype=np.float64)
            ts = np.array([row[3] for row in rows], dtype=np.float64)
            # Stable sort by time then scatter: later writes overwrite earlier ones.
            order = np.argsort(ts, kind="stable")
            values[r[order], c[order]] = v[order]
        return cls(pids, tids, values)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape  # type: ignore[return-value]

    @property
    def voted(self) -> npt.NDArray[np.bool_]:
        """Mask of cast votes (agree, disagree or pass)."""
        return ~np.isnan(self.values)

    def vote_counts(self) -> npt.NDArray[np.int64]:
        """Number of votes (passes included) cast by each participant."""
        return self.voted.sum(axis=1)

    def take(
        self,
        rows: npt.ArrayLike | None = None,
        columns: npt.ArrayLike | None = None,
    ) -> VoteMatrix:
        """Sub-matrix by row and column positions (or boolean masks)."""
        r = slice(None) if rows is None else np.asarray(rows)
        c = slice(None) if columns is None else np.asarray(columns)
        return VoteMatrix(
            self.participant_ids[r],
            self.statement_ids[c],
            self.values[r][:, c],
        )

    def canonical(self) -> VoteMatrix:
        """The same votes with rows and columns sorted by id (itself when already sorted)."""
        rows = canonical_order(self.participant_ids)
        cols = canonical_order(self.statement_ids)
        if (rows == np.arange(rows.size)).all() and (cols == np.arange(cols.size)).all():
            return self  # immutable, so sharing is safe and spares a copy of every vote
        return self.take(rows, cols)


def _native(ids: np.ndarray) -> np.ndarray:
    """Use a numeric or string dtype when every id allows it (nicer to read and compare)."""
    for dtype in (np.int64, np.str_):
        if all(isinstance(i, int if dtype is np.int64 else str) for i in ids.tolist()):
            return ids.astype(dtype)
    return ids


def in_conversation(
    votes: VoteMatrix,
    *,
    min_votes: int = 7,
    min_participants: int = 15,
    already: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.bool_]:
    """Participants counted in the map, following Pol.is's ``in-conv`` rule.

    A participant counts once they have voted (passes included) on at least
    ``min(min_votes, number of statements)`` statements. If fewer than ``min_participants``
    qualify, the most active remaining voters are added until there are that many
    (Pol.is's "greedy" fill, so that a young conversation still shows a map). Source:
    compdemocracy/polis, ``math/src/polismath/math/conversation.clj``, ``:in-conv``.

    Pol.is keeps a participant in once they are in: ``already`` marks the participants
    counted at the previous update (they stay counted, and count towards
    ``min_participants``). Without it, since vote counts never decrease, the threshold rule
    alone gives the same answer as long as the number of statements does not grow past
    ``min_votes``.

    Examples
    --------
    >>> vm = VoteMatrix(np.arange(3), np.arange(2), [[1, 1], [1, np.nan], [np.nan, np.nan]])
    >>> in_conversation(vm, min_participants=0).tolist()
    [True, False, False]
    >>> in_conversation(vm).tolist()
    [True, True, False]
    """
    counts = votes.vote_counts()
    threshold = min(min_votes, votes.shape[1])
    included = (counts >= threshold) & (counts > 0)
    if already is not None:
        included |= already
    missing = min_participants - int(included.sum())
    if missing > 0:
        # Most active first; ties by row position, which is deterministic.
        candidates = np.flatnonzero(~included & (counts > 0))
        order = candidates[np.argsort(-counts[candidates], kind="stable")]
        included[order[:missing]] = True
    return included
