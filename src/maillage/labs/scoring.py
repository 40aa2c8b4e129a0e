"""Results of a jury from its scores: pure Python, no Django (usable from a notebook).

Each criterion has a weight; each juror gives each submission a note from 0 to `score_max` per
criterion. A juror in conflict of interest (member of the submission's team) does not score it:
for that submission the mean of each criterion is taken over the jurors who did score it, so an
abstention neither lowers nor raises the result (normalised per juror count).

    score(s) = 100 × Σ_c w_c · mean_j(note[s, j, c]) / (score_max × Σ_c w_c)

A submission with a criterion no juror scored has no result (it is listed, unranked). Ties:
equal scores are broken by the mean of the heaviest criterion (then the next heaviest…); those
still equal share a rank ("1, 1, 3") and are marked ex aequo.

>>> criteria = {1: 2, 2: 1}
>>> scores = [Note(10, 100, 1, 8), Note(10, 100, 2, 5), Note(10, 101, 1, 6), Note(10, 101, 2, 9)]
>>> [(r.submission, round(r.score, 2), r.rank) for r in rank(criteria, scores, score_max=10)]
[(10, 70.0, 1)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Scores closer than this are equal (floating-point sums of the same notes in another order).
EPSILON = 1e-9


@dataclass(frozen=True)
class Note:
    submission: int
    juror: int
    criterion: int
    value: float


@dataclass(frozen=True)
class Result:
    submission: int
    score: float | None  # 0–100, None when a criterion has no note
    jurors: int  # jurors who scored at least one criterion
    criterion_means: dict[int, float] = field(default_factory=dict)
    rank: int | None = None
    tied: bool = False


def rank(criteria: Mapping[int, float], notes: Iterable[Note], *, score_max: float,
         submissions: Iterable[int] = (),
         conflicts: Iterable[tuple[int, int]] = ()) -> list[Result]:
    """Rank submissions from the jurors' notes, best first, unranked ones last.

    `criteria` maps a criterion to its weight (> 0); `conflicts` holds (juror, submission)
    pairs whose notes are ignored even if present; `submissions` lists submissions to include
    even without any note.
    """
    if score_max <= 0:
        raise ValueError("score_max must be positive")
    if not criteria or any(w <= 0 for w in criteria.values()):
        raise ValueError("every criterion needs a positive weight")
    excluded = set(conflicts)
    by_submission: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    jurors: dict[int, set[int]] = defaultdict(set)
    for submission in submissions:
        by_submission[submission]
    for note in notes:
        if (note.juror, note.submission) in excluded or note.criterion not in criteria:
            continue
        if not 0 <= note.value <= score_max:
            raise ValueError(f"note {note.value} outside 0–{score_max}")
        by_submission[note.submission][note.criterion].append(note.value)
        jurors[note.submission].add(note.juror)
    total_weight = float(sum(criteria.values()))
    heaviest = sorted(criteria, key=lambda c: (-criteria[c], c))
    results = []
    for submission, per_criterion in by_submission.items():
        means = {c: sum(v) / len(v) for c, v in per_criterion.items() if v}
        score = None
        if len(means) == len(criteria):
            score = 100 * sum(criteria[c] * means[c] for c in criteria) / (
                score_max * total_weight)
        results.append(Result(submission, score, len(jurors[submission]), means))

    def key(r: Result) -> tuple:
        return (r.score is None, -(r.score or 0),
                *(-r.criterion_means.get(c, 0) for c in heaviest), r.submission)

    results.sort(key=key)
    ranked: list[Result] = []
    for i, r in enumerate(results):
        if r.score is None:
            ranked.append(r)
            continue
        previous = ranked[-1] if ranked else None
        if previous is not None and previous.score is not None and _same(previous, r, heaviest):
            ranked[-1] = Result(previous.submission, previous.score, previous.jurors,
                                previous.criterion_means, previous.rank, True)
            ranked.append(Result(r.submission, r.score, r.jurors, r.criterion_means,
                                 previous.rank, True))
        else:
            ranked.append(Result(r.submission, r.score, r.jurors, r.criterion_means, i + 1))
    return ranked


def _same(a: Result, b: Result, heaviest: list[int]) -> bool:
    if abs((a.score or 0) - (b.score or 0)) > EPSILON:
        return False
    return all(abs(a.criterion_means.get(c, 0) - b.criterion_means.get(c, 0)) <= EPSILON
               for c in heaviest)
