"""Property-based tests (hypothesis) of the opinion engine."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import adjusted_rand_score

from maillage.engines.opinion import VoteMatrix, opinion_map
from maillage.engines.opinion.pca import fit_pca, sparsity_aware_projection
from maillage.engines.opinion.repness import (
    VoteCounts,
    group_informed_consensus,
    prop_test,
    two_prop_test,
)

from .conftest import two_camps

FAST = settings(max_examples=25, deadline=None)

vote_matrices = st.tuples(st.integers(2, 30), st.integers(1, 10)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.0, 1.0, np.nan]))
)


@st.composite
def group_counts(draw):
    n_groups = draw(st.integers(1, 5))
    n_statements = draw(st.integers(1, 8))
    seen = draw(arrays(np.int64, (n_groups, n_statements), elements=st.integers(0, 500)))
    agree = np.floor(seen * draw(arrays(np.float64, seen.shape, elements=st.floats(0, 1))))
    return VoteCounts(agree=agree.astype(np.int64), disagree=np.zeros_like(seen), seen=seen)


@FAST
@given(group_counts())
def test_group_informed_consensus_lies_strictly_between_0_and_1(counts):
    gic = group_informed_consensus(counts)
    assert ((gic > 0) & (gic < 1)).all()


@FAST
@given(vote_matrices)
def test_maps_of_random_votes_are_well_formed(values):
    vm = VoteMatrix(np.arange(values.shape[0]), np.arange(values.shape[1]), values)
    m = opinion_map(vm)
    assert m.coordinates.shape == (values.shape[0], 2) and np.isfinite(m.coordinates).all()
    assert ((m.labels >= 0) == m.included).all() or m.k == 0
    assert sum(g.size for g in m.groups) == int((m.labels >= 0).sum())
    gic = m.group_informed_consensus
    assert ((gic > 0) & (gic < 1)).all() or m.k == 0
    for reps in m.repness.values():
        assert len(reps) <= 5
        assert all(0 < r.p_success < 1 and 0 <= r.p_value <= 1 for r in reps)


@FAST
@given(vote_matrices, st.randoms(use_true_random=False))
def test_row_order_never_changes_the_map(values, random):
    vm = VoteMatrix(np.arange(values.shape[0]), np.arange(values.shape[1]), values)
    order = list(range(values.shape[0]))
    random.shuffle(order)
    a, b = opinion_map(vm), opinion_map(vm.take(np.array(order)))
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.coordinates, b.coordinates)


@FAST
@given(st.permutations(list(range(24))), st.integers(0, 2**16))
def test_renaming_participants_keeps_the_groups_up_to_relabelling(perm, noise_seed):
    """Renaming changes the canonical row order, so k-means really sees a new order."""
    vm = two_camps(noise=0.1, seed=noise_seed)
    renamed = VoteMatrix(np.array(perm) * 7 + 1000, vm.statement_ids, vm.values)
    a, b = opinion_map(vm), opinion_map(renamed)
    # Label in b of each original participant i, renamed perm[i] * 7 + 1000.
    labels_b = b.labels[np.searchsorted(b.participant_ids, np.array(perm) * 7 + 1000)]
    assert adjusted_rand_score(a.labels, labels_b) == 1.0


@FAST
@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 200), st.integers(0, 200))
def test_two_prop_test_is_antisymmetric(s1, s2, extra1, extra2):
    n1, n2 = s1 + extra1, s2 + extra2
    np.testing.assert_allclose(
        two_prop_test(s1, s2, n1, n2), -two_prop_test(s2, s1, n2, n1), atol=1e-9
    )


@FAST
@given(st.integers(0, 100), st.integers(0, 100))
def test_prop_test_grows_with_successes(s, extra):
    n = s + extra + 1
    assert prop_test(min(s + 1, n), n) >= prop_test(s, n)


@FAST
@given(arrays(np.float64, (12, 5), elements=st.sampled_from([-1.0, 1.0])))
def test_projection_of_complete_votes_is_centred(values):
    pca = fit_pca(values)
    proj = sparsity_aware_projection(values, pca)
    np.testing.assert_allclose(proj.mean(axis=0), 0.0, atol=1e-9)
