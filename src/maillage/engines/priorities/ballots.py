"""Counting classic ballots: ranked choice (instant runoff) and points (budget) ballots.

Both are pure functions of the stored ballots, so results are reproducible from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class RunoffRound:
    counts: dict[int, int]  # first preferences among the remaining items
    eliminated: int | None


@dataclass(frozen=True)
class RunoffResult:
    winner: int | None
    rounds: list[RunoffRound]
    exhausted: int  # ballots with no remaining preference in the last round


def instant_runoff(n_items: int, rankings: Sequence[Sequence[int]]) -> RunoffResult:
    """Instant-runoff voting: drop the item with fewest first preferences until one has a
    majority of the ballots still counting. Ties for last place drop the item with the fewest
    first preferences in the original count, then the highest index (a fixed, stated rule).

    Examples
    --------
    >>> r = instant_runoff(3, [[0, 1], [0], [1, 0], [2, 1], [2, 1]])
    >>> r.winner, [x.eliminated for x in r.rounds]
    (0, [1, None])

    Item 1 has one first preference, so it goes first; its ballot moves to 0 (3 votes against
    2), a majority. With one more ballot for 2, 0 and 2 tie at 3; 0 had fewer first
    preferences, so it goes, and 2 wins:

    >>> r = instant_runoff(3, [[0, 1], [0], [1, 0], [2, 1], [2, 1], [2]])
    >>> r.winner
    2
    """
    for ranking in rankings:
        if len(set(ranking)) != len(ranking) or any(not 0 <= i < n_items for i in ranking):
            raise ValueError(f"invalid ranking {list(ranking)!r}")
    remaining = set(range(n_items))
    original = {i: 0 for i in remaining}
    for ranking in rankings:
        if ranking:
            original[ranking[0]] += 1
    rounds: list[RunoffRound] = []
    while remaining:
        counts = {i: 0 for i in remaining}
        exhausted = 0
        for ranking in rankings:
            top = next((i for i in ranking if i in remaining), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        counting = sum(counts.values())
        leader = max(sorted(counts), key=lambda i: counts[i])
        if counting == 0:
            rounds.append(RunoffRound(counts, None))
            return RunoffResult(None, rounds, exhausted)
        if 2 * counts[leader] > counting or len(remaining) == 1:
            rounds.append(RunoffRound(counts, None))
            return RunoffResult(leader, rounds, exhausted)
        loser = min(remaining, key=lambda i: (counts[i], original[i], -i))
        rounds.append(RunoffRound(counts, loser))
        remaining.remove(loser)
    return RunoffResult(None, rounds, 0)


def points_totals(n_items: int, allocations: Sequence[Sequence[float]], budget: float
                  ) -> npt.NDArray[np.float64]:
    """Total points per item; every ballot must give non-negative points summing to at most
    `budget`.

    >>> points_totals(3, [[5, 5, 0], [0, 2, 8]], 10).tolist()
    [5.0, 7.0, 8.0]
    """
    matrix = np.asarray(allocations, dtype=np.float64).reshape(-1, n_items)
    if np.any(matrix < 0) or np.any(matrix.sum(axis=1) > budget + 1e-9):
        raise ValueError("a ballot gives negative points or exceeds the budget")
    return matrix.sum(axis=0)
