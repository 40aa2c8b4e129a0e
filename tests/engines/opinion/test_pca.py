"""PCA with missing votes and Pol.is's sparsity-aware projection."""

import numpy as np

from maillage.engines.opinion.pca import (
    column_means,
    fit_pca,
    impute_column_means,
    sparsity_aware_projection,
)

TOL = 1e-12


def test_missing_votes_are_imputed_with_the_statement_mean():
    values = np.array([[1.0, np.nan], [0.0, 1.0], [np.nan, -1.0]])
    np.testing.assert_allclose(column_means(values), [0.5, 0.0], atol=TOL)
    np.testing.assert_allclose(
        impute_column_means(values), [[1.0, 0.0], [0.0, 1.0], [0.5, -1.0]], atol=TOL
    )


def test_components_match_the_svd_of_the_imputed_centred_matrix():
    rng = np.random.default_rng(3)
    values = rng.choice([-1.0, 0.0, 1.0, np.nan], size=(40, 9))
    pca = fit_pca(values)
    centred = impute_column_means(values) - column_means(values)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    for i in range(2):
        # Same axis up to sign; our sign puts the largest loading positive.
        np.testing.assert_allclose(np.abs(pca.components[i] @ vt[i]), 1.0, atol=1e-10)
        assert pca.components[i][np.argmax(np.abs(pca.components[i]))] > 0


def test_full_voters_are_projected_like_ordinary_pca():
    rng = np.random.default_rng(4)
    values = rng.choice([-1.0, 1.0], size=(30, 6))
    pca = fit_pca(values)
    expected = (values - values.mean(axis=0)) @ pca.components.T
    np.testing.assert_allclose(sparsity_aware_projection(values, pca), expected, atol=1e-10)


def test_sparse_voters_are_pushed_out_by_the_square_root_of_missing_share():
    values = np.array(
        [[1.0, 1.0, 1.0, 1.0], [-1.0, -1.0, -1.0, -1.0], [1.0, np.nan, np.nan, np.nan]]
    )
    pca = fit_pca(values)
    voted_only = np.where(np.isnan(values[2]), 0.0, values[2] - pca.center) @ pca.components.T
    np.testing.assert_allclose(
        sparsity_aware_projection(values, pca)[2], voted_only * np.sqrt(4 / 1), atol=TOL
    )


def test_statement_extremity_is_zero_for_a_statement_everyone_agrees_with():
    values = np.array([[1.0, 1.0, -1.0], [1.0, -1.0, 1.0], [1.0, 1.0, -1.0], [1.0, -1.0, 1.0]])
    pca = fit_pca(values)
    np.testing.assert_allclose(pca.statement_extremity[0], 0.0, atol=TOL)
    assert (pca.statement_extremity[1:] > 0.5).all()


def test_degenerate_inputs_give_zero_axes():
    pca = fit_pca(np.array([[1.0]]))
    assert pca.components.shape == (2, 1)
    np.testing.assert_allclose(pca.components[1], 0.0, atol=TOL)


def test_large_sparse_conversations_get_the_axes_and_positions_of_the_dense_svd():
    """Above the size threshold the axes come from the sparse scatter matrix; same maths."""
    rng = np.random.default_rng(5)
    n_rows, n_cols = 2_500, 900  # 2.25 M cells: the sparse path
    values = np.where(
        rng.random((n_rows, n_cols)) < 0.05, rng.choice([-1.0, 0.0, 1.0], (n_rows, n_cols)), np.nan
    )
    pca = fit_pca(values)
    centred = impute_column_means(values) - column_means(values)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    for i in range(2):
        np.testing.assert_allclose(np.abs(pca.components[i] @ vt[i]), 1.0, atol=1e-8)
    np.testing.assert_allclose(pca.explained_variance, s[:2] ** 2 / (n_rows - 1), rtol=1e-9)
    voted = ~np.isnan(values)
    dense = np.where(voted, values - pca.center, 0.0) @ pca.components.T
    dense *= np.sqrt(n_cols / np.maximum(voted.sum(axis=1), 1))[:, None]
    np.testing.assert_allclose(sparsity_aware_projection(values, pca), dense, atol=1e-10)
