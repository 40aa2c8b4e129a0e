"""Principal components of a vote matrix with missing votes, as Pol.is computes them.

Source: compdemocracy/polis, ``math/src/polismath/math/pca.clj`` (``powerit-pca``,
``sparsity-aware-project-ptpt``, ``pca-project-cmnts``) and ``conversation.clj`` (``:mat``,
column-mean imputation; ``with-proj-and-extremtiy``).

Differences from Pol.is, on purpose:

* Pol.is finds the components by power iteration from a *random* start vector, which is one
  reason the same votes can give a different map (Pol.is issue #2358). Here the components
  come from a deterministic SVD and their signs are fixed (largest loading positive), so the
  same votes always give the same axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import linalg, sparse

from .matrix import freeze_arrays

FloatArray = npt.NDArray[np.float64]

# Above this many matrix cells, the axes come from the scatter matrix instead of an SVD.
_GRAM_THRESHOLD = 2_000_000


def centered_votes(values: FloatArray, center: FloatArray) -> sparse.csr_matrix:
    """Votes minus their statement's mean, 0 where missing, as a sparse matrix.

    After mean imputation a missing vote *is* the column mean, so centring makes it exactly
    0: the centred matrix has the sparsity of the votes (5 % in a large conversation), and
    the scatter matrix and the projection only cost O(votes cast).
    """
    rows, cols = np.nonzero(~np.isnan(values))
    data = values[rows, cols] - center[cols]
    return sparse.csr_matrix((data, (rows, cols)), shape=values.shape)


@dataclass(frozen=True, eq=False)
class PCAResult:
    """Centre and principal axes of the imputed vote matrix.

    Attributes
    ----------
    center
        Column means of the votes cast (one per statement); 0 for a statement with no vote.
    components
        ``(n_components, n_statements)`` orthonormal rows.
    explained_variance
        Variance of the imputed data along each component.
    statement_projection
        ``(n_statements, n_components)``: where an "agree only with this statement" voter
        lands (Pol.is's comment projection).
    statement_extremity
        Length of that projection: how strongly a statement drives the map apart.
    """

    center: FloatArray
    components: FloatArray
    explained_variance: FloatArray
    statement_projection: FloatArray
    statement_extremity: FloatArray

    def __post_init__(self) -> None:
        freeze_arrays(self)


def column_means(values: FloatArray) -> FloatArray:
    """Mean of the votes cast in each column (passes count as 0); 0 for an empty column.

    Examples
    --------
    >>> column_means(np.array([[1.0, np.nan], [0.0, np.nan], [-1.0, np.nan], [1.0, np.nan]]))
    array([0.25, 0.  ])
    """
    voted = ~np.isnan(values)
    n = voted.sum(axis=0)
    sums = np.where(voted, values, 0.0).sum(axis=0)
    return np.divide(sums, n, out=np.zeros(values.shape[1]), where=n > 0)


def impute_column_means(values: FloatArray) -> FloatArray:
    """Replace each missing vote by its statement's mean vote, as Pol.is does before PCA.

    Examples
    --------
    >>> impute_column_means(np.array([[1.0, np.nan], [np.nan, -1.0], [0.0, 1.0]]))
    array([[ 1. ,  0. ],
           [ 0.5, -1. ],
           [ 0. ,  1. ]])
    """
    return np.where(np.isnan(values), column_means(values), values)


def fit_pca(values: FloatArray, n_components: int = 2) -> PCAResult:
    """Principal components of the column-mean-imputed vote matrix.

    Parameters
    ----------
    values
        Votes, NaN for missing.
    n_components
        Number of axes (Pol.is uses 2). Missing axes (fewer rows or columns than asked) are
        returned as zero rows, which project everyone to 0 on that axis.

    Examples
    --------
    >>> v = np.array([[1.0, 1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, 1.0], [-1.0, np.nan, 1.0]])
    >>> pca = fit_pca(v)
    >>> np.round(pca.components[0], 3)
    array([ 0.628,  0.46 , -0.628])
    >>> pca.components.shape
    (2, 3)
    """
    n_rows, n_cols = values.shape
    center = column_means(values)
    components = np.zeros((n_components, n_cols))
    variance = np.zeros(n_components)
    if n_rows > 0 and n_cols > 0:
        # Thin SVD is deterministic (LAPACK); the power iteration of Pol.is converges to the
        # same axes up to sign when the leading eigenvalues are distinct.
        if n_rows * n_cols > _GRAM_THRESHOLD and n_rows > n_cols:
            # Large conversations: the leading eigenvectors of the (n_cols × n_cols) scatter
            # matrix, built from the sparse centred votes, are the same right singular
            # vectors far faster than a dense SVD (still LAPACK, still deterministic).
            centered = centered_votes(values, center)
            scatter = (centered.T @ centered).toarray()
            m = min(n_components, n_cols)
            eigval, eigvec = linalg.eigh(scatter, subset_by_index=[n_cols - m, n_cols - 1])
            top = np.argsort(eigval, kind="stable")[::-1]
            s = np.sqrt(np.maximum(eigval[top], 0.0))
            vt = eigvec[:, top].T
        else:
            centered = np.where(np.isnan(values), 0.0, values - center)
            _, s, vt = np.linalg.svd(centered, full_matrices=False)
        m = min(n_components, vt.shape[0])
        components[:m] = vt[:m]
        variance[:m] = s[:m] ** 2 / max(n_rows - 1, 1)
        # Fix each axis's sign: its largest loading (first one on ties) is positive.
        lead = np.argmax(
            np.abs(components) > np.abs(components).max(axis=1, keepdims=True) - 1e-9, axis=1
        )
        signs = np.sign(components[np.arange(n_components), lead])
        components *= np.where(signs == 0, 1.0, signs)[:, None]
        # Round-off below this is noise; clipping it keeps results bit-identical across
        # row orders that change summation order.
        components[np.abs(components) < 1e-13] = 0.0
    statement_projection = project_statements(center, components)
    return PCAResult(
        center=center,
        components=components,
        explained_variance=variance,
        statement_projection=statement_projection,
        statement_extremity=np.linalg.norm(statement_projection, axis=1),
    )


def sparsity_aware_projection(values: FloatArray, pca: PCAResult) -> FloatArray:
    """Project participants onto the axes using only the votes they cast.

    Each participant's centred votes are projected on the components, skipping missing
    votes, then scaled by ``sqrt(n_statements / n_votes_cast)``: someone who voted on few
    statements would otherwise sit near the centre just for lack of data (Pol.is,
    ``sparsity-aware-project-ptpt``).

    Examples
    --------
    The last two participants voted on one statement out of two; the scaling pushes them
    out by ``sqrt(2)`` (from 0.851 to 1.203) instead of leaving them near the centre:

    >>> v = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, np.nan], [-1.0, np.nan]])
    >>> pca = fit_pca(v, n_components=1)
    >>> np.round(sparsity_aware_projection(v, pca)[:, 0], 3)
    array([ 1.376, -1.376,  1.203, -1.203])
    """
    if values.size <= _GRAM_THRESHOLD:
        voted = ~np.isnan(values)
        raw = np.where(voted, values - pca.center, 0.0) @ pca.components.T
        n_votes = np.maximum(voted.sum(axis=1), 1)
    else:
        centered = centered_votes(values, pca.center)
        raw = np.asarray(centered @ pca.components.T)
        n_votes = np.maximum(np.diff(centered.indptr), 1)
    scale = np.sqrt(values.shape[1] / n_votes)
    return raw * scale[:, None]


def project_statements(center: FloatArray, components: FloatArray) -> FloatArray:
    """Where a participant who only *agreed* with statement ``j`` would land, for each ``j``.

    Pol.is (``pca-project-cmnts``) projects, for each statement, a vote vector holding a
    single agree on that statement, with the sparsity scaling; its length is the statement's
    *extremity* used by the routing priority.
    """
    n_cols = center.size
    # Only the j-th entry is present: (1 - center_j) * component_j, scaled by sqrt(n / 1).
    return (np.sqrt(n_cols) * (1.0 - center))[:, None] * components.T
