"""The whole opinion map on hand-built conversations: groups, determinism, smoothing."""

import dataclasses

import numpy as np
import pytest

from maillage.engines.opinion import OpinionParams, VoteMatrix, bridging_scores, opinion_map

from .conftest import two_camps


def assert_same_map(a, b):
    """Every array and list of the two maps is identical (no tolerance: determinism)."""
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
    assert a.k == b.k and a.silhouettes == b.silhouettes and a.k_state == b.k_state
    assert a.repness == b.repness and a.consensus == b.consensus
    assert [g.participant_ids.tolist() for g in a.groups] == [
        g.participant_ids.tolist() for g in b.groups
    ]


def three_camps() -> VoteMatrix:
    vm = two_camps()
    third = np.array([[1, 1, 1, 1, -1, 0, 0, 0]] * 12, dtype=float)
    return VoteMatrix(np.arange(36), vm.statement_ids, np.vstack([vm.values, third]))


def test_two_camps_give_two_groups_of_the_right_people(camps):
    m = opinion_map(camps)
    assert m.k == 2 and len(m.groups) == 2
    members = sorted(g.participant_ids.tolist() for g in m.groups)
    assert members == [list(range(12)), list(range(12, 24))]
    assert m.included.all()
    assert set(m.silhouettes) == {2, 3}
    assert m.silhouettes[2] == max(m.silhouettes.values())


def test_groups_sit_on_opposite_sides_of_the_first_axis(camps):
    m = opinion_map(camps)
    x = m.coordinates[:, 0]
    assert np.sign(x[:12]).tolist() == [np.sign(x[0])] * 12
    assert np.sign(x[12:]).tolist() == [-np.sign(x[0])] * 12


def test_the_same_votes_give_the_same_map(camps):
    params = OpinionParams(seed=3)
    assert_same_map(opinion_map(camps, params), opinion_map(camps, params))


def test_row_and_column_order_do_not_matter(camps):
    rng = np.random.default_rng(0)
    rows, cols = rng.permutation(24), rng.permutation(8)
    assert_same_map(opinion_map(camps), opinion_map(camps.take(rows, cols)))


def test_the_seed_is_reported(camps):
    assert opinion_map(camps, OpinionParams(seed=42)).seed == 42


def test_a_small_vote_change_keeps_k_and_group_ids(camps):
    first = opinion_map(camps)
    values = camps.values.copy()
    values[0, 5] = -values[0, 5] if values[0, 5] else 1.0
    values[20, 4] = 0.0
    changed = VoteMatrix(camps.participant_ids, camps.statement_ids, values)
    second = opinion_map(changed, previous=first)
    assert second.k == first.k == 2
    np.testing.assert_array_equal(second.labels, first.labels)


def test_the_number_of_groups_changes_only_after_four_updates_in_a_row():
    first = opinion_map(two_camps())
    grown = three_camps()
    assert opinion_map(grown).k == 3  # without history, three groups
    m, ks = first, []
    for _ in range(4):
        m = opinion_map(grown, previous=m)
        ks.append(m.k)
    assert ks == [2, 2, 2, 3]


def test_groups_keep_their_ids_when_a_new_group_appears():
    first = opinion_map(two_camps())
    m = first
    for _ in range(4):
        m = opinion_map(three_camps(), previous=m)
    for g in first.groups:
        later = {m.label_of(p) for p in g.participant_ids.tolist()}
        assert later == {g.id}
    assert {g.id for g in m.groups} == {0, 1, 2}


def test_participants_counted_once_stay_counted(camps):
    first = opinion_map(camps, OpinionParams(min_participants=0))
    values = camps.values.copy()
    values[0, 1:] = np.nan  # as if participant 0's votes were not all loaded this time
    later = VoteMatrix(camps.participant_ids, camps.statement_ids, values)
    assert not opinion_map(later, OpinionParams(min_participants=0)).included[0]
    assert opinion_map(later, OpinionParams(min_participants=0), previous=first).included[0]


def test_moderated_statements_are_zeroed_and_never_listed(camps):
    m = opinion_map(camps, moderated_out={"both", "a1"})
    listed = {s.statement_id for reps in m.repness.values() for s in reps}
    listed |= {s.statement_id for s in m.consensus.agree + m.consensus.disagree}
    assert not listed & {"both", "a1"}
    out = np.isin(m.statement_ids, ["both", "a1"])
    assert m.moderated_out.tolist() == out.tolist()
    assert np.isnan(m.bridging[out]).all() and np.isnan(m.group_informed_consensus[out]).all()
    np.testing.assert_allclose(m.pca.center[out], 0.0, atol=0)


def test_participants_below_the_vote_threshold_are_placed_but_not_grouped():
    vm = two_camps()
    values = np.vstack([vm.values, [[1, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan]]])
    vm = VoteMatrix(np.arange(25), vm.statement_ids, values)
    m = opinion_map(vm)
    assert not m.included[24] and m.label_of(24) == -1
    assert np.isfinite(m.coordinates[24]).all()
    assert sum(g.size for g in m.groups) == 24


def test_an_empty_conversation_gives_an_empty_map():
    m = opinion_map(VoteMatrix(np.array([], dtype=int), np.arange(3), np.zeros((0, 3))))
    assert m.k == 0 and m.groups == () and m.repness == {}


def test_a_tiny_conversation_still_gets_a_map():
    vm = VoteMatrix(np.arange(3), np.arange(2), np.array([[1, 1], [-1, -1], [1, np.nan]]))
    m = opinion_map(vm)
    assert m.k >= 1 and m.included.all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_groups_do_not_depend_on_the_seed_when_the_structure_is_clear(camps, seed):
    m = opinion_map(camps, OpinionParams(seed=seed))
    assert sorted(g.participant_ids.tolist() for g in m.groups) == [
        list(range(12)),
        list(range(12, 24)),
    ]


def test_a_map_is_a_value_that_cannot_be_changed_by_accident(camps):
    m = opinion_map(camps)
    with pytest.raises(ValueError):
        m.labels[0] = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.k = 3


def test_an_update_reuses_the_previous_bridging_fit():
    """After a new batch of votes, the factorisation starts from the previous map's factors:
    same scores (within the fit's tolerance) in fewer iterations than from a random start."""
    rng = np.random.default_rng(8)
    base = two_camps(n_per_camp=60, noise=0.2, seed=3)
    first = opinion_map(base)
    values = base.values.copy()
    new = rng.random(values.shape) < 0.03
    values[new] = rng.choice([-1.0, 1.0], size=int(new.sum()))
    more = VoteMatrix(base.participant_ids, base.statement_ids, values)
    update = opinion_map(more, previous=first)
    cold = bridging_scores(more, seed=0)
    np.testing.assert_allclose(update.bridging, cold.scores, atol=1e-5)
    assert update.bridging_fit.n_iter < cold.n_iter
