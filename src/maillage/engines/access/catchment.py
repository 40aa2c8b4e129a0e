"""Floating-catchment accessibility: 2SFCA, E2SFCA, Gaussian 2SFCA, on sparse matrices.

Formulas: ACCESS_METHODS.md, section "Two-step floating catchment (2SFCA) and its variants".
With W the sparse weight matrix (demand rows i × supply columns j, W_ij = w(t_ij)):

- step 1: D = Wᵀ P (weighted demand in each supply point's catchment), R = S / D;
- step 2: A = W R.

A supply point whose catchment holds no demand (D_j = 0) cannot serve anyone: R_j = 0 (its
supply is reported in :attr:`AccessResult.unserved_supply`), never NaN or inf. A demand point
reached by no supply gets A_i = 0. PySAL ``access`` leaves such points out (NaN after its
join); comparisons fill its NaN with 0.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .decay import PYSAL_E2SFCA_STEPS, CutoffDecay, Decay, GaussianDecay, StepDecay
from .errors import AccessInputError
from .traveltime import TravelTimeMatrix

__all__ = [
    "AccessResult",
    "enhanced_two_step_fca",
    "floating_catchment",
    "gaussian_two_step_fca",
    "two_step_fca",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class AccessResult:
    """Result of a floating-catchment run.

    Attributes
    ----------
    accessibility
        A_i per demand point (supply units per unit of demand, e.g. C/an/hab for APL).
    supply_ratio
        R_j per supply point (0 where the catchment holds no demand).
    catchment_demand
        D_j = Σ_i W_ij P_i per supply point.
    unserved_supply
        Σ S_j over supply points with D_j = 0 (supply no demand point can reach).
    """

    accessibility: FloatArray
    supply_ratio: FloatArray
    catchment_demand: FloatArray
    unserved_supply: float


def _vector(values: npt.ArrayLike, size: int, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.size != size:
        raise AccessInputError(f"expected {size} values, got {arr.size}", field=name)
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AccessInputError(
            f"value at position {i} must be finite and >= 0: {arr[i]}", field=name
        )
    return arr


def supply_ratio(catchment_demand: FloatArray, supply: FloatArray) -> FloatArray:
    """R_j = S_j / D_j, and 0 where D_j = 0 (no NaN, no inf)."""
    out = np.zeros_like(supply, dtype=np.float64)
    np.divide(supply, catchment_demand, out=out, where=catchment_demand > 0)
    return out


def floating_catchment(
    weights: sp.csr_matrix | sp.sparray, demand: npt.ArrayLike, supply: npt.ArrayLike
) -> AccessResult:
    """Generic two-step floating catchment on a precomputed weight matrix.

    Parameters
    ----------
    weights
        Sparse (n_demand × n_supply) matrix W_ij = w(t_ij) ≥ 0.
    demand
        P_i ≥ 0, length n_demand (population, or standardised population for APL).
    supply
        S_j ≥ 0, length n_supply.

    Returns
    -------
    AccessResult

    Examples
    --------
    Two communes of 100 and 300 people both within reach of one site with 8 GPs:

    >>> W = sp.csr_matrix(np.array([[1.0], [1.0]]))
    >>> floating_catchment(W, [100.0, 300.0], [8.0]).accessibility.tolist()
    [0.02, 0.02]
    """
    w = sp.csr_matrix(weights)
    n, m = w.shape
    p = _vector(demand, n, "demand")
    s = _vector(supply, m, "supply")
    d = np.asarray(w.T @ p, dtype=np.float64).reshape(-1)
    r = supply_ratio(d, s)
    a = np.asarray(w @ r, dtype=np.float64).reshape(-1)
    unserved = float(s[d <= 0].sum())
    if unserved > 0:
        logger.info("%.6g supply units have no demand in their catchment (R = 0)", unserved)
    return AccessResult(
        accessibility=a, supply_ratio=r, catchment_demand=d, unserved_supply=unserved
    )


def _run(
    times: TravelTimeMatrix, decay: Decay, demand: npt.ArrayLike, supply: npt.ArrayLike
) -> AccessResult:
    return floating_catchment(times.weights(decay), demand, supply)


def two_step_fca(
    times: TravelTimeMatrix, demand: npt.ArrayLike, supply: npt.ArrayLike, max_minutes: float
) -> AccessResult:
    """2SFCA (Luo & Wang 2003): w = 1 for t ≤ ``max_minutes`` (inclusive), else 0.

    Examples
    --------
    Communes 0, 1, 2 (pop. 100, 50, 10); site 0 (10 GPs) reached by 0 and 1 within 30 min,
    site 1 (5 GPs) reached by 1 and 2. R = [10/150, 5/60]; A_1 = 10/150 + 5/60 = 0.15.

    >>> t = TravelTimeMatrix.from_triplets([0, 1, 1, 2], [0, 0, 1, 1], [5, 20, 25, 0], (3, 2))
    >>> np.round(two_step_fca(t, [100, 50, 10], [10, 5], 30).accessibility, 6).tolist()
    [0.066667, 0.15, 0.083333]
    """
    return _run(times, CutoffDecay(float(max_minutes)), demand, supply)


def enhanced_two_step_fca(
    times: TravelTimeMatrix,
    demand: npt.ArrayLike,
    supply: npt.ArrayLike,
    steps: Mapping[float, float] | StepDecay = PYSAL_E2SFCA_STEPS,
) -> AccessResult:
    """E2SFCA (Luo & Qi 2009) with step weights ``{inclusive upper threshold: weight}``.

    The default is PySAL ``access``'s {10: 1, 20: 0.68, 30: 0.22}; a :class:`StepDecay` may be
    given for other boundary conventions (e.g. :data:`DREES_APL_DECAY`).

    Examples
    --------
    >>> t = TravelTimeMatrix.from_triplets([0, 1], [0, 0], [10.0, 15.0], (2, 1))
    >>> r = enhanced_two_step_fca(t, [100, 100], [168])
    >>> r.catchment_demand.tolist(), r.accessibility.tolist()
    ([168.0], [1.0, 0.68])
    """
    decay = steps if isinstance(steps, StepDecay) else StepDecay.from_mapping(steps)
    return _run(times, decay, demand, supply)


def gaussian_two_step_fca(
    times: TravelTimeMatrix, demand: npt.ArrayLike, supply: npt.ArrayLike, max_minutes: float
) -> AccessResult:
    """Gaussian 2SFCA: w(t) = (e^{−½(t/d0)²} − e^{−½}) / (1 − e^{−½}) for t ≤ d0, else 0.

    Examples
    --------
    >>> t = TravelTimeMatrix.from_triplets([0, 1], [0, 0], [0.0, 30.0], (2, 1))
    >>> gaussian_two_step_fca(t, [10, 10], [1], 30).accessibility.tolist()
    [0.1, 0.0]
    """
    return _run(times, GaussianDecay(float(max_minutes)), demand, supply)
