"""Distance-decay functions w(t): vectorised, frozen, each with its catchment radius.

Every decay is a frozen dataclass callable on an array of minutes and exposing
``max_minutes``, the catchment radius d0 beyond which the weight is 0 (a travel-time source is
asked only for pairs within it). Formulas: ACCESS_METHODS.md, section "Two-step floating
catchment (2SFCA) and its variants"; APL bands: ACCESS_METHODS.md, APL section, and DREES's
workbook ``apl_generalistes_2022.xlsx``, sheet "Paramètres".
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "DREES_APL_DECAY",
    "PYSAL_E2SFCA_STEPS",
    "CutoffDecay",
    "Decay",
    "GaussianDecay",
    "GravityDecay",
    "StepDecay",
]

FloatArray = npt.NDArray[np.float64]


@runtime_checkable
class Decay(Protocol):
    """A non-increasing weight function of travel time, 0 beyond ``max_minutes``."""

    @property
    def max_minutes(self) -> float: ...

    def __call__(self, minutes: npt.ArrayLike) -> FloatArray: ...


def _as_minutes(minutes: npt.ArrayLike) -> FloatArray:
    return np.asarray(minutes, dtype=np.float64)


@dataclass(frozen=True)
class CutoffDecay:
    """Classic 2SFCA weight (Luo & Wang 2003): w(t) = 1 if t ≤ d0 else 0 (d0 inclusive).

    Examples
    --------
    >>> CutoffDecay(30.0)([0.0, 30.0, 30.5]).tolist()
    [1.0, 1.0, 0.0]
    """

    d0: float

    def __post_init__(self) -> None:
        if not self.d0 >= 0:
            raise ValueError(f"d0 must be >= 0, got {self.d0!r}")

    @property
    def max_minutes(self) -> float:
        return float(self.d0)

    def __call__(self, minutes: npt.ArrayLike) -> FloatArray:
        return (_as_minutes(minutes) <= self.d0).astype(np.float64)


@dataclass(frozen=True)
class StepDecay:
    """Step weights over bands, as in E2SFCA (Luo & Qi 2009) and DREES's APL.

    ``bands`` are ``(upper, weight, upper_inclusive)`` in increasing ``upper`` order. A time t
    falls in the first band with ``t < upper`` (or ``t <= upper`` when ``upper_inclusive``);
    beyond the last band w = 0.

    Examples
    --------
    PySAL ``access``'s default E2SFCA steps, thresholds inclusive:

    >>> fn = StepDecay.from_mapping({10: 1.0, 20: 0.68, 30: 0.22})
    >>> fn([0, 10, 10.5, 20, 30, 30.01]).tolist()
    [1.0, 1.0, 0.68, 0.68, 0.22, 0.0]
    """

    bands: tuple[tuple[float, float, bool], ...]

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValueError("StepDecay needs at least one band")
        uppers = [b[0] for b in self.bands]
        if any(b <= a for a, b in itertools.pairwise(uppers)):
            raise ValueError(f"band upper bounds must increase strictly, got {uppers}")
        if any(not (w >= 0 and math.isfinite(w)) for _, w, _ in self.bands):
            raise ValueError("step weights must be finite and >= 0")

    @classmethod
    def from_mapping(cls, steps: Mapping[float, float], *, inclusive: bool = True) -> StepDecay:
        """Build from ``{upper threshold: weight}`` (PySAL ``weights.step_fn`` convention:
        inclusive upper thresholds)."""
        return cls(tuple((float(u), float(w), inclusive) for u, w in sorted(steps.items())))

    @property
    def max_minutes(self) -> float:
        return float(self.bands[-1][0])

    def __call__(self, minutes: npt.ArrayLike) -> FloatArray:
        t = _as_minutes(minutes)
        # band index = number of upper bounds t has passed (beyond an inclusive bound: t > u;
        # an exclusive one: t >= u); one vectorised pass per band (a handful), then a lookup
        # that gives the weights exactly (no arithmetic on them)
        band = np.zeros(t.shape, dtype=np.int8 if len(self.bands) < 127 else np.int32)
        for upper, _, inclusive in self.bands:
            band += np.greater(t, upper) if inclusive else np.greater_equal(t, upper)
        return np.take(np.array([b[1] for b in self.bands] + [0.0]), band)


@dataclass(frozen=True)
class GaussianDecay:
    """Gaussian 2SFCA weight, 0 beyond d0 and continuous at d0.

    w(t) = (exp(−½(t/d0)²) − exp(−½)) / (1 − exp(−½)) for t ≤ d0, else 0
    (ACCESS_METHODS.md, 2SFCA section).

    Examples
    --------
    >>> GaussianDecay(20.0)([0.0, 20.0, 25.0]).tolist()
    [1.0, 0.0, 0.0]
    """

    d0: float

    def __post_init__(self) -> None:
        if not self.d0 > 0:
            raise ValueError(f"d0 must be > 0, got {self.d0!r}")

    @property
    def max_minutes(self) -> float:
        return float(self.d0)

    def __call__(self, minutes: npt.ArrayLike) -> FloatArray:
        t = _as_minutes(minutes)
        floor = math.exp(-0.5)
        w = (np.exp(-0.5 * (t / self.d0) ** 2) - floor) / (1.0 - floor)
        return np.where(t <= self.d0, np.maximum(w, 0.0), 0.0)


@dataclass(frozen=True)
class GravityDecay:
    """Gravity weight as PySAL ``weights.gravity``: w(t) = (max(t, min_dist)/scale)^alpha,
    for t ≤ ``max_minutes`` (inclusive, as PySAL's ``max_cost``), else 0.

    Examples
    --------
    >>> GravityDecay(scale=1.0, alpha=-1.0, max_minutes=61.0)([1.0, 40.0, 80.0]).tolist()
    [1.0, 0.025, 0.0]
    """

    scale: float
    alpha: float
    max_minutes: float
    min_dist: float = 0.0

    def __call__(self, minutes: npt.ArrayLike) -> FloatArray:
        t = _as_minutes(minutes)
        inside = t <= self.max_minutes
        base = np.maximum(t, self.min_dist) / self.scale
        with np.errstate(divide="ignore"):
            w = np.power(np.where(inside, base, 1.0), self.alpha)
        return np.where(inside, w, 0.0)


#: PySAL ``access`` default E2SFCA steps {10: 1, 20: 0.68, 30: 0.22}, inclusive thresholds.
PYSAL_E2SFCA_STEPS = StepDecay.from_mapping({10: 1.0, 20: 0.68, 30: 0.22})

#: DREES APL decay (workbook ``apl_generalistes_2022.xlsx``, sheet "Paramètres":
#: "Moins de 10 minutes → 1; Entre 10 et 15 → 2/3; Entre 15 et 20 → 1/3; Plus de 20 → 0").
#: Boundary convention (the sheet overlaps at 15 and is silent elsewhere): "moins de 10" is
#: strict so t = 10 → 2/3; bands are left-closed, t = 15 → 1/3; "plus de 20" is strict so
#: t = 20 → 1/3 and only t > 20 → 0. I.e. [0,10) → 1, [10,15) → 2/3, [15,20] → 1/3.
DREES_APL_DECAY = StepDecay(((10.0, 1.0, False), (15.0, 2.0 / 3.0, False), (20.0, 1.0 / 3.0, True)))
