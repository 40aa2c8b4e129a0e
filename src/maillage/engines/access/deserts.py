"""Medical-desert classification from APL (ACCESS_METHODS.md, APL section, "Under-served").

DREES aggregation rules (workbook ``apl_generalistes_2022.xlsx``, sheet "APL 2022", note):
a territory's mean APL weights communes by *standardised* population; the population under
a threshold (and quantiles) uses the *non-standardised* population.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from .errors import AccessInputError

__all__ = [
    "DesertClass",
    "DesertSummary",
    "DesertThresholds",
    "classify_deserts",
    "territory_mean",
]

FloatArray = npt.NDArray[np.float64]


class DesertClass(IntEnum):
    """Classes, most under-served first (values are stable: stored by the Django side)."""

    PRIORITY = 0  # zone d'intervention prioritaire (ZIP)
    COMPLEMENTARY = 1  # zone d'action complémentaire (ZAC) [to confirm]
    NOT_UNDERSERVED = 2

    @property
    def label(self) -> str:
        """French label shown in the interface."""
        return _LABELS[self]


_LABELS = {
    DesertClass.PRIORITY: "zone d'intervention prioritaire",
    DesertClass.COMPLEMENTARY: "zone d'action complémentaire",
    DesertClass.NOT_UNDERSERVED: "non sous-dotée",
}


@dataclass(frozen=True)
class DesertThresholds:
    """APL thresholds in C/an/hab.

    ``priority``: APL < 2.5 → zone d'intervention prioritaire (arrêté of 13 November 2017,
    for GPs aged 65 or less) [sourced, ACCESS_METHODS.md]. ``complementary``: 2.5 ≤ APL < 4
    → zone d'action complémentaire [to confirm: ACCESS_METHODS.md marks the 4.0 bound as not
    yet checked, and the May 2025 arrêté changed the zoning method]. APL ≥ 4 → not
    under-served.
    """

    priority: float = 2.5
    complementary: float = 4.0

    def __post_init__(self) -> None:
        if not self.priority <= self.complementary:
            raise ValueError("priority threshold must be <= complementary threshold")


@dataclass(frozen=True, eq=False)
class DesertSummary:
    """Classes per commune and aggregates.

    Attributes
    ----------
    classes
        :class:`DesertClass` value per commune (int8 array).
    population_by_class
        Non-standardised population in each class, indexed by ``DesertClass``.
    mean_apl
        Territory mean APL weighted by standardised population (NaN if it sums to 0).
    """

    classes: npt.NDArray[np.int8]
    population_by_class: dict[DesertClass, float]
    mean_apl: float

    @property
    def share_priority(self) -> float:
        """Share of the (non-standardised) population in priority zones."""
        total = sum(self.population_by_class.values())
        return self.population_by_class[DesertClass.PRIORITY] / total if total > 0 else 0.0


def _vec(values: npt.ArrayLike, size: int | None, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if size is not None and arr.size != size:
        raise AccessInputError(f"expected {size} values, got {arr.size}", field=name)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise AccessInputError("values must be finite and >= 0", field=name)
    return arr


def territory_mean(
    apl_values: npt.ArrayLike,
    standardised_pop: npt.ArrayLike,
    groups: npt.ArrayLike | None = None,
) -> FloatArray:
    """Mean APL weighted by standardised population, overall or per group.

    ``groups`` (optional) holds a group index 0..G-1 per commune (e.g. territoire de
    vie-santé, département); the result then has one mean per group (NaN for an empty group).

    Examples
    --------
    >>> territory_mean([2.0, 4.0], [100.0, 300.0]).tolist()
    [3.5]
    >>> territory_mean([2.0, 4.0, 1.0], [100.0, 300.0, 5.0], groups=[0, 0, 1]).tolist()
    [3.5, 1.0]
    """
    a = _vec(apl_values, None, "apl")
    w = _vec(standardised_pop, a.size, "standardised_population")
    g = np.zeros(a.size, np.int64) if groups is None else np.asarray(groups, np.int64)
    if g.size != a.size or (g.size and g.min() < 0):
        raise AccessInputError("one group index >= 0 per commune expected", field="groups")
    num = np.bincount(g, weights=a * w)
    den = np.bincount(g, weights=w, minlength=num.size)
    out = np.full(num.size, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def classify_deserts(
    apl_values: npt.ArrayLike,
    population: npt.ArrayLike,
    standardised_pop: npt.ArrayLike,
    thresholds: DesertThresholds | None = None,
) -> DesertSummary:
    """Class of each commune, population per class, standardised-weighted mean APL.

    Examples
    --------
    >>> s = classify_deserts([1.0, 3.0, 5.0], [100, 200, 700], [90, 210, 700])
    >>> s.classes.tolist(), s.population_by_class[DesertClass.PRIORITY]
    ([0, 1, 2], 100.0)
    >>> round(s.mean_apl, 4)
    4.22
    """
    th = thresholds or DesertThresholds()
    a = _vec(apl_values, None, "apl")
    pop = _vec(population, a.size, "population")
    spop = _vec(standardised_pop, a.size, "standardised_population")
    classes = np.full(a.size, DesertClass.NOT_UNDERSERVED, dtype=np.int8)
    classes[a < th.complementary] = DesertClass.COMPLEMENTARY
    classes[a < th.priority] = DesertClass.PRIORITY
    per_class = np.bincount(classes, weights=pop, minlength=len(DesertClass))
    return DesertSummary(
        classes=classes,
        population_by_class={c: float(per_class[c]) for c in DesertClass},
        mean_apl=float(territory_mean(a, spop)[0]) if a.size else float("nan"),
    )
