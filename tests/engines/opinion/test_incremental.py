"""Incremental updates warm-started as Pol.is's, and the replay of a vote history."""

import numpy as np

from maillage.engines.opinion import (
    OpinionParams,
    VoteLog,
    VoteMatrix,
    opinion_map,
    replay_updates,
)
from maillage.engines.opinion.clustering import silhouette_of, warm_kmeans

from .conftest import two_camps


def test_a_cold_start_takes_the_first_distinct_points_as_centres():
    pts = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [9.0, 0.0], [10.0, 0.0]])
    found = warm_kmeans(pts, np.arange(5), 2)
    # Starting from (0, 0) and (1, 0), Lloyd's iterations end at {0, 1, 2} and {3, 4}.
    assert found.member_index.tolist() == [0, 0, 0, 1, 1]
    np.testing.assert_allclose(found.centres, [[1 / 3, 0.0], [9.5, 0.0]])


def test_a_warm_start_keeps_cluster_ids_and_grows_from_the_farthest_point():
    pts = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0]])
    first = warm_kmeans(pts, np.array([10, 11, 12, 13]), 3)
    assert first.ids.tolist() == [0, 1, 2]
    # A newcomer far from everyone starts a fourth cluster; the others keep their members.
    more = np.vstack([pts, [[20.0, 0.0]]])
    again = warm_kmeans(more, np.array([10, 11, 12, 13, 14]), 4, previous=first)
    assert again.ids.size == 4
    newcomer = again.member_index[4]
    assert (again.member_index[:4] != newcomer).all()


def test_a_warm_start_can_keep_a_local_optimum_a_cold_start_leaves():
    """The point of warm starts: the result depends on the history, as in Pol.is."""
    pts = np.array([[0.0], [1.0], [2.0], [10.0]])
    names = np.arange(4)
    history = warm_kmeans(pts[:3], names[:3], 2)  # {0, 1} and {2}
    warm = warm_kmeans(pts, names, 2, previous=history)
    cold = warm_kmeans(pts[::-1], names[::-1], 2)
    assert warm.member_index.tolist() == [0, 0, 0, 1]  # 10 joins 2, then 2 moves back
    assert sorted(np.bincount(cold.member_index).tolist()) == [1, 3]


def test_silhouette_matches_scikit_learn():
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(0)
    pts = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, size=40)
    distances = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    assert np.isclose(silhouette_of(distances, labels), silhouette_score(pts, labels))


def test_the_next_map_starts_from_the_base_clusters_of_the_previous_one():
    votes = two_camps(30, seed=1)
    first = opinion_map(votes)
    assert first.clusters is not None and first.clusters.base.ids.size > 0
    again = opinion_map(votes, previous=first)
    same = opinion_map(votes, previous=first)
    np.testing.assert_array_equal(again.labels, same.labels)  # still a function of inputs
    assert again.k == first.k == 2
    assert again.clusters.n_updates == 2


def test_a_replay_batches_votes_by_the_second_and_needs_no_seed():
    votes = two_camps(20, seed=2)
    rows, cols = np.nonzero(~np.isnan(votes.values))
    # One participant after the other, a vote every 1.5 s.
    order = np.lexsort((cols, rows))
    log = VoteLog(
        votes.participant_ids[rows[order]],
        votes.statement_ids[cols[order]],
        votes.values[rows[order], cols[order]],
        np.arange(order.size) * 1500.0,
    )
    assert len(log.batches()) == order.size
    state = replay_updates(log)
    assert state is not None and state.n_updates == order.size - 1
    assert state.k_state is None and state.groupings == {}
    maps = [opinion_map(votes, OpinionParams(seed=s), history=state) for s in (0, 1)]
    assert all(m.k == 2 for m in maps)
    np.testing.assert_array_equal(maps[0].labels, maps[1].labels)


def test_a_replay_of_a_single_batch_is_no_history():
    log = VoteLog(np.array([1, 2]), np.array(["a", "a"]), np.array([1.0, -1.0]),
                  np.array([0.0, 5.0]))
    assert replay_updates(log) is None
    assert VoteMatrix.from_votes([(1, "a", 1.0, 0.0)]).shape == (1, 1)


def test_a_long_history_is_replayed_in_bounded_updates():
    n = 500
    log = VoteLog(np.arange(n) % 20, np.arange(n) % 10, np.ones(n), np.arange(n) * 2000.0)
    assert len(log.batches()) == n
    assert replay_updates(log, max_updates=100).n_updates == 99
    assert replay_updates(log, max_cells=200 * 10 * 20).n_updates == 199
