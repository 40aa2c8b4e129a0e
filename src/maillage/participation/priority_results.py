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


def priority_record(vote: PriorityVote) -> dict[str, Any]:
    """Everything the results are computed from, without who voted, as plain JSON data.

    `priority_recount(priority_record(vote))` gives the published results, so anyone holding
    the record can check them. Comparisons and ballots are listed in the order they were cast
    but carry no voter, no date and no time.
    """
    record: dict[str, Any] = {
        "vote": vote.pk, "kind": vote.kind, "title": vote.title, "budget": vote.budget,
        # The seed of the score intervals' draws (pairwise): fixed per vote.
        "seed": vote.pk,
        "options": [{"id": o.pk, "label": o.label, "hidden": o.hidden_at is not None}
                    for o in vote.options.order_by("pk")],
    }
    if vote.kind == PriorityVote.Kind.PAIRWISE:
        choices = PairwiseChoice.objects.filter(vote=vote).order_by("pk")
        record["participants"] = choices.values("voter").distinct().count()
        record["comparisons"] = [[w, lo] for w, lo in choices.values_list("winner_id",
                                                                         "loser_id")]
        return record
    ballots = Ballot.objects.filter(vote=vote).order_by("pk")
    record["participants"] = ballots.count()
    record["ballots"] = [list(b.ranking) if vote.kind == PriorityVote.Kind.RANKED
                         else dict(b.points) for b in ballots]
    return record


def priority_recount(record: dict[str, Any]) -> dict[str, Any]:
    """The results of a vote from its record alone (options hidden by moderation left out).

    Returns {"participants", "winner", "rounds", "rows"}; rows are sorted as the results page
    shows them, each {"id", "value", "low", "high", "comparisons", "eliminated_in_round"}.
    """
    visible = [o["id"] for o in record["options"] if not o["hidden"]]
    index = {pk: i for i, pk in enumerate(visible)}
    kind = record["kind"]
    rows: list[dict[str, Any]]
    if kind == PriorityVote.Kind.PAIRWISE:
        pairs = [(w, lo) for w, lo in record["comparisons"] if w in index and lo in index]
        scores = pairwise_scores(len(visible), [index[w] for w, _ in pairs],
                                 [index[lo] for _, lo in pairs],
                                 PairwiseParams(seed=record["seed"]))
        rows = [_row(pk, float(scores.score[i]), low=float(scores.score_low[i]),
                     high=float(scores.score_high[i]), comparisons=int(scores.comparisons[i]))
                for i, pk in enumerate(visible)]
        rows.sort(key=lambda r: -r["value"])
        return {"participants": record["participants"], "winner": None, "rounds": None,
                "rows": rows}
    ballots = record["ballots"]
    if kind == PriorityVote.Kind.RANKED:
        rankings = [[index[i] for i in ranking if i in index] for ranking in ballots]
        runoff = instant_runoff(len(visible), rankings)
        eliminated = {r.eliminated: n for n, r in enumerate(runoff.rounds, 1)
                      if r.eliminated is not None}
        last = runoff.rounds[-1].counts if runoff.rounds else {}
        rows = [_row(pk, float(last.get(i, 0)), eliminated_in_round=eliminated.get(i))
                for i, pk in enumerate(visible)]
        rows.sort(key=lambda r: (r["eliminated_in_round"] is not None,
                                 -(r["eliminated_in_round"] or 0), -r["value"]))
        return {"participants": record["participants"],
                "winner": visible[runoff.winner] if runoff.winner is not None else None,
                "rounds": [{visible[i]: n for i, n in r.counts.items()} for r in runoff.rounds],
                "rows": rows}
    allocations = [[points.get(str(pk), 0) for pk in visible] for points in ballots]
    totals = points_totals(len(visible), allocations, float(record["budget"] or 0)) \
        if ballots else np.zeros(len(visible))
    rows = [_row(pk, float(totals[i])) for i, pk in enumerate(visible)]
    rows.sort(key=lambda r: -r["value"])
    return {"participants": record["participants"], "winner": None, "rounds": None,
            "rows": rows}


def _row(pk: int, value: float, *, low: float | None = None, high: float | None = None,
         comparisons: int = 0, eliminated_in_round: int | None = None) -> dict[str, Any]:
    return {"id": pk, "value": value, "low": low, "high": high, "comparisons": comparisons,
            "eliminated_in_round": eliminated_in_round}


def priority_results(vote: PriorityVote) -> PriorityResults:
    """The results of a vote, recounted from its stored comparisons or ballots."""
    counted = priority_recount(priority_record(vote))
    options = {o.pk: o for o in vote.options.filter(pk__in=[r["id"] for r in counted["rows"]])}
    rows = [OptionResult(options[r["id"]], r["value"], r["low"], r["high"], r["comparisons"],
                         r["eliminated_in_round"]) for r in counted["rows"]]
    rounds = None
    if counted["rounds"] is not None:
        rounds = [{options[pk].label: n for pk, n in r.items()} for r in counted["rounds"]]
    winner = options[counted["winner"]] if counted["winner"] is not None else None
    return PriorityResults(vote, counted["participants"], rows, winner=winner, rounds=rounds)


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
