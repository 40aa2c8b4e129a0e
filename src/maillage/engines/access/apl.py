"""APL (Accessibilité Potentielle Localisée), DREES specifics.

Every parameter here is read from DREES's workbook ``apl_generalistes_2022.xlsx``, sheet
"Paramètres" (mirror: ``drees-apl/``), quoted in ACCESS_METHODS.md, APL section. APL is an
E2SFCA at commune level:

- supply S_j = Σ capped yearly activity (consultations + visits + teleconsultations) of the GPs
  at supply point j (:func:`capped_activity`, :func:`aggregate_supply`);
- demand P̃_k = Σ_a P_k,a · weight_a over 19 five-year age bands
  (:func:`standardised_population`);
- decay :data:`~maillage.engines.access.decay.DREES_APL_DECAY` on road travel time;
- result APL_i = Σ_j w(t_ij) S_j / Σ_k w(t_kj) P̃_k, in C/an/hab (consultations/visits
  accessible per year per standardised inhabitant).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .catchment import AccessResult, floating_catchment
from .decay import DREES_APL_DECAY, StepDecay
from .errors import AccessInputError
from .traveltime import TravelTimeMatrix

__all__ = [
    "AGE_BANDS",
    "AGE_WEIGHTS_2022",
    "AGE_WEIGHTS_2023",
    "ActivityCaps",
    "AplParameters",
    "aggregate_supply",
    "apl",
    "capped_activity",
    "standardised_population",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The 19 five-year age bands of the workbook (sheet "Paramètres", "Tranche d'âge").
AGE_BANDS: tuple[str, ...] = (
    "0-4",
    "5-9",
    "10-14",
    "15-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
    "65-69",
    "70-74",
    "75-79",
    "80-84",
    "85-89",
    "90+",
)
#: Band weights 2022 = band's mean GP consumption ÷ national mean (sheet "Paramètres",
#: column "Poids de la tranche d'âge en 2022").
AGE_WEIGHTS_2022: tuple[float, ...] = (
    0.93,
    0.59,
    0.55,
    0.59,
    0.73,
    0.78,
    0.84,
    0.88,
    0.90,
    0.97,
    1.06,
    1.14,
    1.16,
    1.19,
    1.52,
    1.53,
    1.72,
    1.99,
    2.39,
)
#: Band weights 2023 (same sheet, column "Poids de la tranche d'âge en 2023").
AGE_WEIGHTS_2023: tuple[float, ...] = (
    1.12,
    0.58,
    0.51,
    0.60,
    0.75,
    0.79,
    0.82,
    0.85,
    0.89,
    0.93,
    1.03,
    1.15,
    1.18,
    1.23,
    1.46,
    1.57,
    1.63,
    1.89,
    2.26,
)




@dataclass(frozen=True)
class ActivityCaps:
    """How a GP's yearly activity counts (sheet "Paramètres", "Comptabilisation de l'activité").

    The sheet says: "Moins de 250 → 0; Entre 251 et 3 600 → 3 600; Entre 3 601 et 6 000 → the
    actual number; Plus de 6 000 → 6 000". It is silent on exactly 250 (activities are whole
    numbers); we count 250 in the 3,600 band: a < 250 → 0, 250 ≤ a ≤ 3,600 → 3,600,
    3,600 < a ≤ 6,000 → a, a > 6,000 → 6,000. Exceptions: a liberal GP with no liberal activity
    the previous year → 5,400; centres de santé: no caps (actual activity).
    """

    zero_below: float = 250.0
    floor: float = 3600.0
    ceiling: float = 6000.0
    no_previous_year_activity: float = 5400.0


@dataclass(frozen=True)
class AplParameters:
    """DREES APL parameters (defaults: 2022 workbook)."""

    caps: ActivityCaps = field(default_factory=ActivityCaps)
    decay: StepDecay = DREES_APL_DECAY
    age_weights: tuple[float, ...] = AGE_WEIGHTS_2022


def _flags(values: npt.ArrayLike | None, size: int, name: str) -> BoolArray:
    if values is None:
        return np.zeros(size, dtype=bool)
    arr = np.asarray(values, dtype=bool).reshape(-1)
    if arr.size != size:
        raise AccessInputError(f"expected {size} flags, got {arr.size}", field=name)
    return arr


def capped_activity(
    activity: npt.ArrayLike,
    *,
    health_centre: npt.ArrayLike | None = None,
    no_previous_year_activity: npt.ArrayLike | None = None,
    caps: ActivityCaps | None = None,
) -> FloatArray:
    """Activity counted in APL for each GP (ACCESS_METHODS.md, APL section; DREES workbook,
    sheet "Paramètres").

    Parameters
    ----------
    activity
        Yearly consultations + visits + teleconsultations per GP (≥ 0).
    health_centre
        True for salaried GPs in centres de santé: actual activity, no caps.
    no_previous_year_activity
        True for liberal GPs with no liberal activity the previous year: 5,400.
    caps
        Thresholds (default :class:`ActivityCaps`).

    Examples
    --------
    >>> capped_activity([0, 249, 250, 251, 3600, 3601, 6000, 6001, 100, 100, 9000],
    ...                 health_centre=[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1],
    ...                 no_previous_year_activity=[0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]).tolist()
    [0.0, 0.0, 3600.0, 3600.0, 3600.0, 3601.0, 6000.0, 6000.0, 5400.0, 100.0, 9000.0]
    """
    c = caps or ActivityCaps()
    a = np.asarray(activity, dtype=np.float64).reshape(-1)
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AccessInputError(
            f"activity of GP {i} must be finite and >= 0: {a[i]}", field="activity"
        )
    centre = _flags(health_centre, a.size, "health_centre")
    newcomer = _flags(no_previous_year_activity, a.size, "no_previous_year_activity")
    out = np.where(a < c.zero_below, 0.0, np.clip(a, c.floor, c.ceiling))
    out = np.where(newcomer, c.no_previous_year_activity, out)
    # centres de santé: no caps, and the 5,400 rule is for liberal GPs only
    return np.where(centre, a, out)


def aggregate_supply(
    capped: npt.ArrayLike, location_index: npt.ArrayLike, n_locations: int
) -> FloatArray:
    """Sum per-GP capped activity into supply per location (e.g. commune).

    Examples
    --------
    >>> aggregate_supply([3600, 5000, 6000], [2, 0, 2], 3).tolist()
    [5000.0, 0.0, 9600.0]
    """
    idx = np.asarray(location_index, dtype=np.int64).reshape(-1)
    vals = np.asarray(capped, dtype=np.float64).reshape(-1)
    if idx.size != vals.size:
        raise AccessInputError("one location per GP expected", field="location_index")
    if idx.size and (idx.min() < 0 or idx.max() >= n_locations):
        raise AccessInputError(f"location index outside [0, {n_locations})", field="location_index")
    return np.bincount(idx, weights=vals, minlength=n_locations).astype(np.float64)


def standardised_population(
    population_by_age: npt.ArrayLike, weights: tuple[float, ...] = AGE_WEIGHTS_2022
) -> FloatArray:
    """P̃_k = Σ_a P_k,a · weight_a over the 19 bands of :data:`AGE_BANDS`.

    Parameters
    ----------
    population_by_age
        (n_communes × 19) population per age band, in :data:`AGE_BANDS` order.
    weights
        :data:`AGE_WEIGHTS_2022` (default) or :data:`AGE_WEIGHTS_2023`.

    Examples
    --------
    100 people aged 0-4 and 10 aged 90+ weigh 100 × 0.93 + 10 × 2.39 = 116.9:

    >>> pop = np.zeros((1, 19)); pop[0, 0] = 100; pop[0, 18] = 10
    >>> np.round(standardised_population(pop), 9).tolist()
    [116.9]
    """
    p = np.asarray(population_by_age, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != w.size:
        raise AccessInputError(
            f"population_by_age must be (n, {w.size}), got {p.shape}", field="population_by_age"
        )
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise AccessInputError("populations must be finite and >= 0", field="population_by_age")
    return p @ w


def apl(
    times: TravelTimeMatrix,
    standardised_pop: npt.ArrayLike,
    supply: npt.ArrayLike,
    parameters: AplParameters | None = None,
) -> AccessResult:
    """APL per demand point in C/an/hab (DREES; ACCESS_METHODS.md, APL section).

    Parameters
    ----------
    times
        Road travel times, communes (rows) × supply locations (columns), minutes.
    standardised_pop
        P̃ per commune (:func:`standardised_population`, or the workbook's column).
    supply
        S_j per supply location: Σ :func:`capped_activity` of its GPs.
    parameters
        :class:`AplParameters` (DREES 2022 by default).

    Examples
    --------
    Two communes 12 min apart, a GP with 4,000 consultations in commune 0.
    w(0) = 1, w(12) = 2/3; D = 900 + 2/3·600 = 1,300; APL = [4000/1300, 2/3·4000/1300]:

    >>> t = TravelTimeMatrix.from_triplets([0, 1], [0, 0], [0.0, 12.0], (2, 1))
    >>> np.round(apl(t, [900.0, 600.0], [4000.0]).accessibility, 4).tolist()
    [3.0769, 2.0513]
    """
    params = parameters or AplParameters()
    return floating_catchment(times.weights(params.decay), standardised_pop, supply)
