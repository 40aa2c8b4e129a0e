"""Results of priority votes, recomputed from the stored comparisons and ballots."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from maillage.engines.priorities import (
    PairwiseParams,
    instant_runoff,
    pairwise_scores,
    points_totals,
)
from maillage.participation.models import Ballot, PairwiseChoice, PriorityOption, PriorityVote


@dataclass(frozen=True)
class OptionResult:
    option: PriorityOption
    value: float  # pairwise: score 0–100; ranked: first preferences in the last round; points
    low: float | None = None
    high: float | None = None
    comparisons: int = 0
    eliminated_in_round: int | None = None


@dataclass(frozen=True)
class PriorityResults:
    vote: PriorityVote
    participants: int
    rows: list[OptionResult]
    winner: PriorityOption | None = None
    rounds: list[dict[str, int]] | None = None


def priority_results(vote: PriorityVote) -> PriorityResults:
    options = list(vote.options.filter(hidden_at__isnull=True).order_by("pk"))
    index = {o.pk: i for i, o in enumerate(options)}
    if vote.kind == PriorityVote.Kind.PAIRWISE:
        pairs = [(w, lo) for w, lo in PairwiseChoice.objects.filter(vote=vote)
                 .values_list("winner_id", "loser_id") if w in index and lo in index]
        voters = PairwiseChoice.objects.filter(vote=vote).values("voter").distinct().count()
        scores = pairwise_scores(len(options), [index[w] for w, _ in pairs],
                                 [index[lo] for _, lo in pairs], PairwiseParams(seed=vote.pk))
        rows = [OptionResult(o, float(scores.score[i]), float(scores.score_low[i]),
                             float(scores.score_high[i]), int(scores.comparisons[i]))
                for i, o in enumerate(options)]
        return PriorityResults(vote, voters, sorted(rows, key=lambda r: -r.value))
    ballots = list(Ballot.objects.filter(vote=vote))
    if vote.kind == PriorityVote.Kind.RANKED:
        rankings = [[index[i] for i in b.ranking if i in index] for b in ballots]
        runoff = instant_runoff(len(options), rankings)
        eliminated = {r.eliminated: n for n, r in enumerate(runoff.rounds, 1)
                      if r.eliminated is not None}
        last = runoff.rounds[-1].counts if runoff.rounds else {}
        rows = [OptionResult(o, float(last.get(i, 0)), eliminated_in_round=eliminated.get(i))
                for i, o in enumerate(options)]
        rows.sort(key=lambda r: (r.eliminated_in_round is not None,
                                 -(r.eliminated_in_round or 0), -r.value))
        return PriorityResults(
            vote, len(ballots), rows,
            winner=options[runoff.winner] if runoff.winner is not None else None,
            rounds=[{options[i].label: n for i, n in r.counts.items()} for r in runoff.rounds])
    allocations = [[b.points.get(str(o.pk), 0) for o in options] for b in ballots]
    totals = points_totals(len(options), allocations, float(vote.budget or 0)) if ballots \
        else np.zeros(len(options))
    rows = [OptionResult(o, float(totals[i])) for i, o in enumerate(options)]
    return PriorityResults(vote, len(ballots), sorted(rows, key=lambda r: -r.value))


def next_pair(vote: PriorityVote, viewer: Any, seed: int | None = None
              ) -> tuple[PriorityOption, PriorityOption] | None:
    """A pair the viewer has not compared yet, favouring the least compared options."""
    options = list(vote.options.filter(hidden_at__isnull=True).order_by("pk"))
    done: set[tuple[int, int]] = set()
    if getattr(viewer, "is_authenticated", False):
        done = set(PairwiseChoice.objects.filter(vote=vote, voter=viewer)
                   .values_list("pair_low", "pair_high"))
    counts: dict[int, int] = {o.pk: 0 for o in options}
    for w, lo in PairwiseChoice.objects.filter(vote=vote).values_list("winner_id", "loser_id"):
        for pk in (w, lo):
            if pk in counts:
                counts[pk] += 1
    candidates = [(a, b) for a, b in combinations(options, 2) if (a.pk, b.pk) not in done]
    if not candidates:
        return None
    rng = random.Random(seed)
    rng.shuffle(candidates)
    first, second = min(candidates, key=lambda p: counts[p[0].pk] + counts[p[1].pk])
    return (first, second) if rng.random() < 0.5 else (second, first)
