"""Score aggregation on worked examples computed by hand (pure function, no database)."""

from __future__ import annotations

import pytest

from maillage.labs.scoring import Note, rank

# Two criteria: impact weighs 3, feasibility 1; notes out of 10.
CRITERIA = {1: 3, 2: 1}


def notes(table: dict[tuple[int, int], tuple[int, int]]) -> list[Note]:
    """{(submission, juror): (impact, feasibility)} → notes."""
    return [Note(s, j, c, v) for (s, j), values in table.items()
            for c, v in zip((1, 2), values, strict=True)]


def test_weighted_mean_over_jurors():
    """S1: impact mean (8+6)/2 = 7, feasibility (4+6)/2 = 5 → (3·7 + 1·5)/(10·4) = 65 %.
    S2: impact 5, feasibility (10+8)/2 = 9 → (15 + 9)/40 = 60 %."""
    results = rank(CRITERIA, notes({(1, 10): (8, 4), (1, 11): (6, 6),
                                    (2, 10): (5, 10), (2, 11): (5, 8)}), score_max=10)
    assert [(r.submission, round(r.score, 6), r.rank, r.tied) for r in results] == [
        (1, 65.0, 1, False), (2, 60.0, 2, False)]


def test_a_juror_in_conflict_abstains_and_the_mean_is_over_the_others():
    """Juror 12 is in team 1 and gave it 10/10 everywhere: ignored. S1 then has jurors 10 and
    11 only: impact (6+4)/2 = 5, feasibility (6+8)/2 = 7 → (15+7)/40 = 55 %. Without the
    conflict rule it would have been impact 20/3, feasibility 8 → (20+8)/40 = 70 %."""
    table = {(1, 10): (6, 6), (1, 11): (4, 8), (1, 12): (10, 10),
             (2, 10): (6, 4), (2, 11): (6, 4), (2, 12): (6, 4)}
    results = rank(CRITERIA, notes(table), score_max=10, conflicts=[(12, 1)])
    by_submission = {r.submission: r for r in results}
    assert by_submission[1].score == pytest.approx(55.0)
    assert by_submission[1].jurors == 2
    # S2: impact 6, feasibility 4 → (18+4)/40 = 55 % as well: a real tie.
    assert by_submission[2].score == pytest.approx(55.0)
    unfair = rank(CRITERIA, notes(table), score_max=10)
    assert {r.submission: r.score for r in unfair}[1] == pytest.approx(70.0)


def test_equal_scores_are_broken_by_the_heaviest_criterion():
    """S1: impact 6, feasibility 4 → 55 %. S2: impact 5, feasibility 7 → (15+7)/40 = 55 %.
    Same score; S1 has the better impact (weight 3), so S1 ranks first."""
    results = rank(CRITERIA, notes({(1, 10): (6, 4), (2, 10): (5, 7)}), score_max=10)
    assert [(r.submission, r.rank, r.tied) for r in results] == [(1, 1, False), (2, 2, False)]


def test_perfect_ties_share_their_rank():
    """S1 and S2 identical (impact 7, feasibility 7 → 70 %), S3 lower (50 %): ranks 1, 1, 3."""
    results = rank(CRITERIA, notes({(1, 10): (7, 7), (2, 10): (7, 7), (3, 10): (5, 5)}),
                   score_max=10)
    assert [(r.submission, r.rank, r.tied) for r in results] == [
        (1, 1, True), (2, 1, True), (3, 3, False)]


def test_a_submission_missing_a_criterion_is_listed_unranked():
    results = rank(CRITERIA, [Note(1, 10, 1, 8), Note(2, 10, 1, 5), Note(2, 10, 2, 5)],
                   score_max=10, submissions=[1, 2, 3])
    assert [(r.submission, r.rank, r.score) for r in results] == [
        (2, 1, 50.0), (1, None, None), (3, None, None)]


def test_a_note_outside_the_scale_is_refused():
    with pytest.raises(ValueError, match="outside"):
        rank(CRITERIA, [Note(1, 10, 1, 11)], score_max=10)


def test_weights_must_be_positive():
    with pytest.raises(ValueError, match="weight"):
        rank({1: 0}, [], score_max=10)
