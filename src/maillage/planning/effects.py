"""The arithmetic of a scenario's effect: pure Python and numpy, no Django.

A change's supply is in the base run's unit: for GPs, yearly consultations (one full-time GP
= 5,400 C/an, DREES's activity for a GP without previous-year data, ACCESS_METHODS.md "APL");
for other professions, full-time equivalents. Mobile units and teleconsultation points are
pro-rated by their weekly hours over a 35-hour week (Maillage's assumption, shown on the page).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from maillage.engines.access import DesertClass, DesertThresholds, classify_deserts

FULL_TIME_HOURS_PER_WEEK = 35.0
PRO_RATED_KINDS = frozenset({"mobile_unit_stop", "teleconsultation_point"})
REMOVING_KINDS = frozenset({"retirement"})

FloatArray = npt.NDArray[np.float64]


def change_supply(*, kind: str, fte: float, hours_per_week: float | None,
                  supply_per_fte: float) -> float:
    """Signed supply a change brings (negative for retirements).

    >>> change_supply(kind="new_site", fte=2, hours_per_week=None, supply_per_fte=5400)
    10800.0
    >>> change_supply(kind="mobile_unit_stop", fte=1, hours_per_week=7, supply_per_fte=5400)
    1080.0
    >>> change_supply(kind="retirement", fte=1, hours_per_week=None, supply_per_fte=5400)
    -5400.0
    """
    amount = float(fte) * float(supply_per_fte)
    if kind in PRO_RATED_KINDS:
        amount *= float(hours_per_week or 0.0) / FULL_TIME_HOURS_PER_WEEK
    return -amount if kind in REMOVING_KINDS else amount


@dataclass(frozen=True, eq=False)
class EffectSummary:
    """Totals over the région's communes (non-standardised population)."""

    classes_before: npt.NDArray[np.int8]
    classes_after: npt.NDArray[np.int8]
    mean_before: float
    mean_after: float
    population_lifted: float  # out of the priority class
    population_fallen: float  # into the priority class
    population_75_reached: float  # aged 75+ in communes whose accessibility rises
    communes_improved: int
    communes_worsened: int
    population_by_class_before: dict[str, float]
    population_by_class_after: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "mean_before": self.mean_before, "mean_after": self.mean_after,
            "population_lifted": self.population_lifted,
            "population_fallen": self.population_fallen,
            "population_75_reached": self.population_75_reached,
            "communes_improved": self.communes_improved,
            "communes_worsened": self.communes_worsened,
            "population_by_class_before": self.population_by_class_before,
            "population_by_class_after": self.population_by_class_after,
        }


def summarise_effect(*, before: FloatArray, after: FloatArray, population: FloatArray,
                     standardised_population: FloatArray, share_75_plus: FloatArray,
                     thresholds: DesertThresholds, tolerance: float = 1e-9) -> EffectSummary:
    """Classes before and after, and who is lifted out of the priority class.

    >>> s = summarise_effect(before=np.array([2.0, 3.0, 5.0]), after=np.array([2.6, 3.0, 5.0]),
    ...     population=np.array([100.0, 200.0, 300.0]),
    ...     standardised_population=np.array([100.0, 200.0, 300.0]),
    ...     share_75_plus=np.array([0.2, np.nan, 0.1]), thresholds=DesertThresholds())
    >>> s.population_lifted, s.population_75_reached, s.communes_improved
    (100.0, 20.0, 1)
    """
    old = classify_deserts(before, population, standardised_population, thresholds)
    new = classify_deserts(after, population, standardised_population, thresholds)
    priority = int(DesertClass.PRIORITY)
    lifted = (old.classes == priority) & (new.classes != priority)
    fallen = (old.classes != priority) & (new.classes == priority)
    gain = after - before
    improved = gain > tolerance
    elderly = np.where(np.isnan(share_75_plus), 0.0, share_75_plus) * population
    return EffectSummary(
        classes_before=old.classes, classes_after=new.classes,
        mean_before=float(old.mean_apl), mean_after=float(new.mean_apl),
        population_lifted=float(population[lifted].sum()),
        population_fallen=float(population[fallen].sum()),
        population_75_reached=float(elderly[improved].sum()),
        communes_improved=int(improved.sum()),
        communes_worsened=int((gain < -tolerance).sum()),
        population_by_class_before={DesertClass(c).name.lower(): float(v)
                                    for c, v in old.population_by_class.items()},
        population_by_class_after={DesertClass(c).name.lower(): float(v)
                                   for c, v in new.population_by_class.items()},
    )
