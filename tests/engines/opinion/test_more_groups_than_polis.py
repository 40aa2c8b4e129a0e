"""Beyond Pol.is's cap of five groups, when the data clearly holds more (silhouette per k)."""

import numpy as np

from maillage.engines.opinion import OpinionParams, VoteMatrix, opinion_map
from maillage.engines.opinion.clustering import base_clusters, group_clusterings


def blobs(n_blobs: int, per_blob: int = 30, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, n_blobs, endpoint=False)
    centres = 5 * np.column_stack([np.cos(angles), np.sin(angles)])
    return np.vstack([rng.normal(c, 0.05, (per_blob, 2)) for c in centres])


def test_eight_clear_blobs_give_eight_groups_and_every_k_is_reported():
    base = base_clusters(blobs(8), k=100)
    gc = group_clusterings(base, seed=0, extra_k=5)
    assert gc.best_k == 8
    assert set(gc.silhouettes) == set(range(2, 11))  # 2 + 100 // 12 = 10 at most
    assert gc.silhouettes[8] == max(gc.silhouettes.values())


def test_without_the_extension_the_cap_is_polis_five():
    base = base_clusters(blobs(8), k=100)
    gc = group_clusterings(base, seed=0, extra_k=0)
    assert gc.best_k == 5
    assert set(gc.silhouettes) == {2, 3, 4, 5}


def test_three_blobs_are_not_extended():
    base = base_clusters(blobs(3), k=100)
    gc = group_clusterings(base, seed=0, extra_k=5)
    assert gc.best_k == 3 and set(gc.silhouettes) == {2, 3, 4, 5}


def test_a_conversation_with_seven_opinion_camps_maps_seven_groups():
    """Seven camps around a circle of opinion: each agrees with the statements within a
    quarter turn of its own position (so the 2-D map shows seven clear blobs)."""
    n_camps, per_camp, n_statements = 7, 40, 56
    theta = 2 * np.pi * np.arange(n_camps) / n_camps
    phi = 2 * np.pi * (np.arange(n_statements) + 0.5) / n_statements
    camp = np.repeat(np.arange(n_camps), per_camp)
    values = np.where(np.cos(theta[camp][:, None] - phi[None, :]) > 0, 1.0, -1.0)
    values[np.random.default_rng(0).random(values.shape) < 0.2] = np.nan  # not seen
    votes = VoteMatrix(np.arange(camp.size), np.arange(n_statements), values)
    polis_like = opinion_map(votes, OpinionParams(extra_k=0))
    ours = opinion_map(votes)
    assert polis_like.k == 5
    assert ours.k == 7
    assert max(ours.silhouettes, key=ours.silhouettes.get) == 7
    assert sorted(g.size for g in ours.groups) == [per_camp] * n_camps
