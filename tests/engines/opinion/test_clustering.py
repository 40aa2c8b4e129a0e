"""Base clusters, groups, silhouette choice of k and Pol.is's k smoother."""

import numpy as np

from maillage.engines.opinion.clustering import (
    KSmoother,
    base_clusters,
    canonical_labels,
    group_clusterings,
    kmeans,
    max_groups,
    smooth_k,
)


def test_the_smoother_switches_k_only_after_four_updates_in_a_row():
    state = smooth_k(2, None)
    used = []
    for best in [3, 3, 2, 3, 3, 3, 3]:
        state = smooth_k(best, state)
        used.append(state.smoothed_k)
    assert used == [2, 2, 2, 2, 2, 2, 3]
    assert state == KSmoother(last_k=3, last_k_count=4, smoothed_k=3)


def test_at_most_five_groups_and_fewer_for_small_conversations():
    assert [max_groups(n) for n in (3, 12, 24, 36, 100)] == [2, 3, 4, 5, 5]


def test_kmeans_is_deterministic_and_labels_in_order_of_appearance():
    rng = np.random.default_rng(0)
    pts = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(3, 0.1, (20, 2))])
    a, ca = kmeans(pts, 2, seed=7)
    b, cb = kmeans(pts, 2, seed=7)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(ca, cb, atol=0)
    assert a[0] == 0 and set(a[:20]) == {0} and set(a[20:]) == {1}


def test_each_distinct_position_is_a_base_cluster_when_there_are_few():
    pts = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    base = base_clusters(pts, k=100)
    assert base.sizes.tolist() == [2, 1]
    assert base.labels.tolist() == [0, 0, 1]


def test_three_clear_blobs_choose_three_groups_by_silhouette():
    rng = np.random.default_rng(1)
    pts = np.vstack([rng.normal(c, 0.05, (15, 2)) for c in ([0, 0], [4, 0], [0, 4])])
    base = base_clusters(pts, k=100)
    gc = group_clusterings(base, seed=0)
    assert gc.best_k == 3
    assert set(gc.silhouettes) == {2, 3, 4, 5}
    assert gc.silhouettes[3] == max(gc.silhouettes.values())


def test_groups_are_numbered_by_size_without_a_previous_map():
    assert canonical_labels(np.array([2, 0, 0, 1, 1, 1, -1])).tolist() == [2, 1, 1, 0, 0, 0, -1]


def test_groups_keep_the_id_of_the_previous_group_they_overlap_most():
    previous = np.array([1, 1, 1, 0, 0, 0])
    new = np.array([0, 0, 0, 1, 1, 2])
    assert canonical_labels(new, previous_labels=previous).tolist() == [1, 1, 1, 0, 0, 2]
