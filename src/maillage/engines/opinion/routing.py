"""Which statement a participant sees next: Pol.is's comment routing priority.

Source: compdemocracy/polis, ``math/src/polismath/math/conversation.clj``
(``importance-metric``, ``priority-metric``, ``:comment-priorities``); the server then
draws the next statement at random with probability proportional to its priority among
those the participant has not voted on.

For a statement with ``A`` agrees, ``D`` disagrees, ``P`` passes, ``S = A + D + P`` votes
among grouped participants, and extremity ``E`` (distance of its projection from the
centre of the map)::

    importance = (1 - (P+1)/(S+2)) · (E + 1) · (A+1)/(S+2)
    priority   = (importance · (1 + 8 · 2^(-S/5)))²

so statements that are rarely passed, agreed with, divisive, or new come first; a *meta*
statement (about the conversation itself) gets a fixed priority of 7² = 49.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

import numpy as np
import numpy.typing as npt

from .conversation import OpinionMap
from .matrix import VoteMatrix

FloatArray = npt.NDArray[np.float64]

#: Priority of meta statements before squaring (Pol.is ``meta-priority``).
META_PRIORITY = 7.0


def importance(
    agree: npt.ArrayLike, passes: npt.ArrayLike, seen: npt.ArrayLike, extremity: npt.ArrayLike
) -> FloatArray:
    """Pol.is's ``importance-metric``: ``(1 - p)(E + 1) a`` with smoothed pass and agree rates.

    Examples
    --------
    >>> float(importance(1, 0, 1, 0))
    0.444...
    """
    s = np.asarray(seen, dtype=np.float64)
    p = (np.asarray(passes, dtype=np.float64) + 1.0) / (s + 2.0)
    a = (np.asarray(agree, dtype=np.float64) + 1.0) / (s + 2.0)
    return (1.0 - p) * (np.asarray(extremity, dtype=np.float64) + 1.0) * a


def priority(
    agree: npt.ArrayLike,
    passes: npt.ArrayLike,
    seen: npt.ArrayLike,
    extremity: npt.ArrayLike,
    is_meta: npt.ArrayLike = False,
) -> FloatArray:
    """Pol.is's ``priority-metric``: importance boosted for new statements, squared.

    Examples
    --------
    A new statement outranks a well-voted one of the same profile:

    >>> bool(priority(0, 0, 0, 0.0) > priority(10, 0, 20, 0.0))
    True
    """
    s = np.asarray(seen, dtype=np.float64)
    boosted = importance(agree, passes, seen, extremity) * (1.0 + 8.0 * np.power(2.0, -s / 5.0))
    return np.where(np.asarray(is_meta, dtype=bool), META_PRIORITY, boosted) ** 2


def next_statement_priorities(
    votes: VoteMatrix,
    map: OpinionMap,
    *,
    meta_statements: Collection[Hashable] = (),
) -> FloatArray:
    """Routing priority of each statement of ``votes`` (in its column order).

    Vote counts come from ``votes`` restricted to the participants grouped in ``map``;
    extremity comes from the map's PCA. A statement newer than the map has extremity 0 and,
    having few votes, the newness boost. A statement moderated out of the map gets 0.

    Examples
    --------
    >>> from maillage.engines.opinion import opinion_map
    >>> vm = VoteMatrix(np.arange(20), np.arange(3),
    ...                 np.array([[1, 1, -1]] * 10 + [[-1, 1, 1]] * 10, float))
    >>> pr = next_statement_priorities(vm, opinion_map(vm))
    >>> int(np.argmax(pr))  # divisive statements come before the one everyone agrees with
    0
    """
    grouped = dict(zip(map.participant_ids.tolist(), (map.labels >= 0).tolist(), strict=True))
    rows = np.array([grouped.get(p, False) for p in votes.participant_ids.tolist()], dtype=bool)
    values = votes.values[rows]
    agree = (values == 1).sum(axis=0)
    passes = (values == 0).sum(axis=0)
    seen = (~np.isnan(values)).sum(axis=0)
    known = map.statement_index()
    extremity = np.array(
        [
            map.pca.statement_extremity[known[t]] if t in known else 0.0
            for t in votes.statement_ids.tolist()
        ]
    )
    meta = set(meta_statements)
    is_meta = np.array([t in meta for t in votes.statement_ids.tolist()], dtype=bool)
    moderated = {
        t
        for t, out in zip(map.statement_ids.tolist(), map.moderated_out.tolist(), strict=True)
        if out
    }
    out = np.array([t in moderated for t in votes.statement_ids.tolist()], dtype=bool)
    return np.where(out, 0.0, priority(agree, passes, seen, extremity, is_meta))


def pick_next_statement(
    votes: VoteMatrix,
    map: OpinionMap,
    participant_id: Hashable,
    *,
    seed: int,
    meta_statements: Collection[Hashable] = (),
) -> object | None:
    """Draw the next statement for a participant, proportionally to its routing priority.

    Only statements the participant has not voted on and that were not moderated out are
    candidates; ``None`` when none is left. The draw uses ``np.random.default_rng(seed)``,
    so callers choose how to vary it (e.g. seed from the participant and their vote count).

    Examples
    --------
    >>> from maillage.engines.opinion import opinion_map
    >>> vm = VoteMatrix(np.arange(20), np.arange(3),
    ...                 np.array([[1, 1, np.nan]] * 10 + [[-1, 1, 1]] * 10, float))
    >>> pick_next_statement(vm, opinion_map(vm), 0, seed=1)
    2
    >>> pick_next_statement(vm, opinion_map(vm), 15, seed=1) is None
    True
    """
    priorities = next_statement_priorities(votes, map, meta_statements=meta_statements)
    hits = np.flatnonzero(votes.participant_ids == participant_id)
    unvoted = np.isnan(votes.values[hits[0]]) if hits.size else np.ones(priorities.size, bool)
    candidates = np.flatnonzero(unvoted & (priorities > 0))
    if candidates.size == 0:
        return None
    weights = priorities[candidates]
    choice = np.random.default_rng(seed).choice(candidates, p=weights / weights.sum())
    return votes.statement_ids[choice : choice + 1].tolist()[0]
