"""The vote matrix and the rule deciding which participants are counted."""

import numpy as np
import pytest

from maillage.engines.opinion import VoteMatrix, in_conversation


def test_it_keeps_the_latest_vote_per_participant_and_statement():
    vm = VoteMatrix.from_votes(
        [("p1", "s1", 1, 30), ("p1", "s1", -1, 10), ("p1", "s1", 0, 20), ("p2", "s2", -1, 5)]
    )
    np.testing.assert_array_equal(vm.values, [[1.0, np.nan], [np.nan, -1.0]])


def test_it_sorts_rows_and_columns_by_id_whatever_the_input_order():
    a = VoteMatrix.from_votes([(2, "y", 1, 0), (1, "x", -1, 0)])
    b = VoteMatrix.from_votes([(1, "x", -1, 0), (2, "y", 1, 0)])
    assert a.participant_ids.tolist() == b.participant_ids.tolist() == [1, 2]
    np.testing.assert_array_equal(a.values, b.values)


def test_it_keeps_statements_nobody_voted_on_when_named():
    vm = VoteMatrix.from_votes([(1, "x", 1, 0)], statement_ids=["new"])
    assert vm.statement_ids.tolist() == ["new", "x"]
    assert np.isnan(vm.values[0, 0])


def test_it_rejects_votes_outside_agree_pass_disagree():
    with pytest.raises(ValueError, match="votes must be"):
        VoteMatrix(np.arange(1), np.arange(1), np.array([[2.0]]))


def test_it_rejects_duplicate_ids_and_wrong_shapes():
    with pytest.raises(ValueError, match="not unique"):
        VoteMatrix(np.array([1, 1]), np.arange(1), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="shape"):
        VoteMatrix(np.arange(2), np.arange(2), np.zeros((2, 1)))


def test_it_is_immutable():
    vm = VoteMatrix(np.arange(1), np.arange(1), np.array([[1.0]]))
    with pytest.raises(ValueError):
        vm.values[0, 0] = -1.0


def test_participants_count_once_they_voted_on_seven_statements():
    values = np.full((3, 10), np.nan)
    values[0, :7] = 1  # 7 votes: counted
    values[1, :6] = 0  # 6 passes: not counted
    values[2, :1] = -1
    vm = VoteMatrix(np.arange(3), np.arange(10), values)
    assert in_conversation(vm, min_participants=0).tolist() == [True, False, False]


def test_with_few_statements_voting_on_all_of_them_is_enough():
    vm = VoteMatrix(np.arange(2), np.arange(3), np.array([[1, 0, -1], [1, 1, np.nan]], float))
    assert in_conversation(vm, min_participants=0).tolist() == [True, False]


def test_a_young_conversation_counts_its_most_active_voters():
    """Pol.is fills up to 15 participants with the most active voters."""
    values = np.full((20, 10), np.nan)
    for i in range(20):
        values[i, : 1 + i % 5] = 1
    vm = VoteMatrix(np.arange(20), np.arange(10), values)
    included = in_conversation(vm)
    assert included.sum() == 15
    assert (vm.vote_counts()[included] >= vm.vote_counts()[~included].max()).all()
