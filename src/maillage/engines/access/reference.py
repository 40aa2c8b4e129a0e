"""Agreement between a computed APL and DREES's published APL (ACCESS_METHODS.md, APL
section, "Reference values": Spearman correlation, mean absolute error, agreement on the
under-served class, and the supply scale that calibrates the default activity)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import spearmanr

from .errors import AccessInputError

__all__ = ["Agreement", "agreement", "best_scale"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Agreement:
    """How close a computed indicator is to a reference, over ``n`` communes.

    Attributes
    ----------
    n
        Communes compared (pairs where both values are finite).
    spearman
        Spearman rank correlation (NaN when fewer than 3 pairs or a constant series).
    mean_absolute_error
        Mean |computed − reference|.
    class_agreement
        Share of communes on the same side of ``threshold`` (under-served or not).
    best_scale
        s minimising Σ |s · computed − reference|: APL is linear in supply, so multiplying
        the default activity by s is the calibration that best fits the reference.
    """

    n: int
    spearman: float
    mean_absolute_error: float
    class_agreement: float
    best_scale: float


def best_scale(computed: npt.ArrayLike, reference: npt.ArrayLike) -> float:
    """argmin_s Σ |s c_i − r_i| = the median of r_i / c_i weighted by |c_i| (c_i ≠ 0).

    Examples
    --------
    >>> best_scale([1.0, 2.0, 4.0], [2.0, 4.0, 8.0])
    2.0
    """
    c = np.asarray(computed, dtype=np.float64).reshape(-1)
    r = np.asarray(reference, dtype=np.float64).reshape(-1)
    ok = np.isfinite(c) & np.isfinite(r) & (c != 0)
    if not ok.any():
        return float("nan")
    ratio, weight = r[ok] / c[ok], np.abs(c[ok])
    order = np.argsort(ratio, kind="stable")
    cum = np.cumsum(weight[order])
    k = int(np.searchsorted(cum, 0.5 * cum[-1], side="left"))
    return float(ratio[order][k])


def agreement(
    computed: npt.ArrayLike, reference: npt.ArrayLike, threshold: float = 2.5
) -> Agreement:
    """Compare a computed APL with the reference, commune by commune (same order).

    ``threshold`` is the under-served bound (2.5 C/an/hab, DREES priority zones).

    Examples
    --------
    >>> a = agreement([1.0, 2.0, 3.0, 5.0], [1.2, 2.6, 3.1, 4.0])
    >>> a.n, round(a.spearman, 3), round(a.mean_absolute_error, 3), a.class_agreement
    (4, 1.0, 0.475, 0.75)
    """
    c = np.asarray(computed, dtype=np.float64).reshape(-1)
    r = np.asarray(reference, dtype=np.float64).reshape(-1)
    if c.size != r.size:
        raise AccessInputError(
            f"{c.size} computed values for {r.size} reference values", field="reference"
        )
    ok = np.isfinite(c) & np.isfinite(r)
    c, r = c[ok], r[ok]
    n = int(c.size)
    if n == 0:
        nan = float("nan")
        return Agreement(0, nan, nan, nan, nan)
    rho = float("nan")
    if n >= 3 and np.ptp(c) > 0 and np.ptp(r) > 0:
        rho = float(spearmanr(c, r).statistic)
    return Agreement(
        n=n,
        spearman=rho,
        mean_absolute_error=float(np.mean(np.abs(c - r))),
        class_agreement=float(np.mean((c < threshold) == (r < threshold))),
        best_scale=best_scale(c, r),
    )
