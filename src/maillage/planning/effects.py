"""The arithmetic of a scenario's effect: pure Python and numpy, no Django.

A change's supply is in the base run's unit: for GPs, yearly consultations (one full-time GP
= 5,400 C/an, DREES's activity for a GP without previous-year data, ACCESS_METHODS.md "APL");
for other professions, full-time equivalents. Mobile units and teleconsultation points are
pro-rated by their weekly hours over a 35-hour week (Maillage's assumption, shown on the page).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from maillage.engines.access import Decay, DesertClass, DesertThresholds, classify_deserts
from maillage.engines.access.mobile import (
    FULL_TIME_WEEKLY_HOURS,
    Slot,
    prorated_supply,
    weekly_hours_by_stop,
)

FULL_TIME_HOURS_PER_WEEK = FULL_TIME_WEEKLY_HOURS
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


DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_TIME = r"(\d{1,2})(?:[h:](\d{2})?)?"
_LINE = re.compile(rf"^\s*(\w{{5}})[\s;,]+(\w+)[\s;,]+{_TIME}\s*[-–à]\s*{_TIME}\s*$",
                   re.IGNORECASE)


def gettext_noop(message: str) -> str:
    """Marks a message for translation (no Django here): the services translate
    ``ScheduleError.template`` with gettext, then fill in ``ScheduleError.params``."""
    return message


class ScheduleError(ValueError):
    """A weekly schedule that cannot be used; the message names the line or slot.

    ``template`` is the French source (a gettext msgid), ``params`` its values; ``str()`` is
    the French message."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


def _hours(hour: str, minutes: str | None) -> float:
    h, m = int(hour), int(minutes or 0)
    if m >= 60:
        raise ValueError
    return h + m / 60.0


def parse_schedule(text: str) -> list[Slot]:
    """Slots from lines "<code INSEE> <jour> <début>-<fin>" (e.g. "48095 lundi 9h-12h30").

    >>> slots = parse_schedule("48095 lundi 9h-12h30\\n48017 mardi 14:00-17:00")
    >>> [(s.stop, s.day, s.start, s.end) for s in slots]
    [('48095', 0, 9.0, 12.5), ('48017', 1, 14.0, 17.0)]
    >>> parse_schedule("48095 lundy 9h-12h")
    Traceback (most recent call last):
    ...
    maillage.planning.effects.ScheduleError: Ligne 1 : jour inconnu « lundy » (lundi … dimanche).
    """
    slots = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise ScheduleError(gettext_noop(
                "Ligne %(n)s : « %(line)s » n'est pas de la forme « code INSEE jour "
                "début-fin » (ex. 48095 lundi 9h-12h)."), n=number, line=line.strip())
        code, day, h1, m1, h2, m2 = match.groups()
        day = day.lower()
        if day not in DAYS:
            raise ScheduleError(gettext_noop("Ligne %(n)s : jour inconnu « %(day)s » (lundi … "
                                             "dimanche)."), n=number, day=day)
        try:
            start, end = _hours(h1, m1), _hours(h2, m2)
        except ValueError:
            raise ScheduleError(gettext_noop("Ligne %(n)s : heure invalide."),
                                n=number) from None
        slots.append(Slot(stop=code.upper(), day=DAYS.index(day), start=start, end=end))
    return slots


def schedule_from_records(records: Iterable[dict[str, object]]) -> list[Slot]:
    """Slots from stored records {"stop", "day", "start", "end"} (the JSON of a change)."""
    slots = []
    for number, record in enumerate(records, start=1):
        try:
            slots.append(Slot(stop=str(record["stop"]), day=int(record["day"]),
                              start=float(record["start"]), end=float(record["end"])))
        except (KeyError, TypeError, ValueError):
            raise ScheduleError(gettext_noop("Créneau %(n)s : attendu stop, day (0-6), start "
                                             "et end (heures)."), n=number) from None
    return slots


def check_slots(slots: Sequence[Slot]) -> dict[str, float]:
    """Weekly hours per stop; ScheduleError (in French, naming the slot) when the schedule is
    empty, malformed or overlaps itself (a unit is at one stop at a time).

    >>> check_slots([Slot("48095", 0, 9, 12), Slot("48095", 2, 9, 12.5)])
    {'48095': 6.5}
    >>> check_slots([Slot("48095", 0, 9, 12), Slot("48017", 0, 11, 17)])
    Traceback (most recent call last):
    ...
    maillage.planning.effects.ScheduleError: Le créneau 2 (48017, lundi 11h00-17h00) ...
    """
    from maillage.engines.access import AccessInputError

    if not slots:
        raise ScheduleError(gettext_noop("Indiquez au moins un arrêt de la tournée."))
    for number, slot in enumerate(slots, start=1):
        if not 0 <= slot.day <= 6:
            raise ScheduleError(gettext_noop("Créneau %(n)s : le jour doit être de 0 (lundi) "
                                             "à 6."), n=number)
        if not 0 <= slot.start < slot.end <= 24:
            raise ScheduleError(gettext_noop("Créneau %(n)s (%(stop)s) : l'heure de fin doit "
                                             "suivre l'heure de début, entre 0 h et 24 h."),
                                n=number, stop=slot.stop)
    try:
        return weekly_hours_by_stop(slots)
    except AccessInputError:
        pass
    ordered = sorted(enumerate(slots, start=1), key=lambda p: (p[1].day, p[1].start))
    for (m, a), (n, b) in itertools.pairwise(ordered):
        if a.day == b.day and b.start < a.end:
            (first, x), (second, y) = sorted(((m, a), (n, b)))
            raise ScheduleError(gettext_noop("Le créneau %(second)s (%(b)s) chevauche le "
                                             "créneau %(first)s (%(a)s)."),
                                second=second, b=_slot_text(y), first=first, a=_slot_text(x))
    raise ScheduleError(gettext_noop("Tournée invalide."))


def _slot_text(slot: Slot) -> str:
    def hm(value: float) -> str:
        return f"{int(value)}h{round((value % 1) * 60):02d}"
    return f"{slot.stop}, {DAYS[slot.day]} {hm(slot.start)}-{hm(slot.end)}"


def mobile_unit_supply(slots: Sequence[Slot], *, fte: float,
                       supply_per_fte: float) -> dict[str, float]:
    """Supply at each stop: the unit's full-time supply pro-rated by its weekly hours there.

    >>> mobile_unit_supply([Slot("A", 0, 9, 12), Slot("B", 1, 8, 12), Slot("A", 3, 14, 18)],
    ...                    fte=1, supply_per_fte=5400)
    {'A': 1080.0, 'B': 617.1428571428571}
    """
    return {stop: prorated_supply(float(fte) * supply_per_fte, hours)
            for stop, hours in check_slots(slots).items()}


def transport_weights(weights: sp.csr_matrix, *, origin_rows: npt.NDArray[np.int64],
                      columns: npt.NDArray[np.int64], minutes: FloatArray,
                      minutes_saved: float, member_share: float, decay: Decay) -> sp.csr_matrix:
    """Weights after a transport offer from ``origin_rows`` to the supply ``columns`` of one
    place, ``minutes`` (per origin, inf when unreachable) being today's travel times there.

    The members (share s of an origin's population) travel max(t − Δ, 0) minutes, the others
    t, so the origin's weight becomes (1 − s)·w(t) + s·w(max(t − Δ, 0)): exact in 2SFCA,
    where step 1 sums w·P over the origin's two groups and step 2 averages their access.

    >>> from maillage.engines.access import CutoffDecay
    >>> w = sp.csr_matrix(np.array([[1.0], [0.0]]))
    >>> new = transport_weights(w, origin_rows=np.array([1]), columns=np.array([0]),
    ...     minutes=np.array([35.0]), minutes_saved=10, member_share=0.5, decay=CutoffDecay(30))
    >>> new.toarray().tolist()
    [[1.0], [0.5]]
    """
    t = np.asarray(minutes, dtype=np.float64)
    reachable = np.isfinite(t)
    today = np.where(reachable, np.asarray(decay(np.where(reachable, t, 0.0))), 0.0)
    today[t > decay.max_minutes] = 0.0
    faster = np.maximum(t - float(minutes_saved), 0.0)
    riding = np.where(reachable, np.asarray(decay(np.where(reachable, faster, 0.0))), 0.0)
    riding[faster > decay.max_minutes] = 0.0
    new = (1.0 - member_share) * today + member_share * riding
    coo = weights.tocoo()
    n_cols = weights.shape[1]
    replaced = (np.asarray(origin_rows, np.int64)[:, None] * n_cols
                + np.asarray(columns, np.int64)[None, :]).reshape(-1)
    keep = ~np.isin(coo.row.astype(np.int64) * n_cols + coo.col, replaced)
    rows = np.repeat(np.asarray(origin_rows, np.int64), len(columns))
    cols = np.tile(np.asarray(columns, np.int64), len(origin_rows))
    values = np.repeat(new, len(columns))
    nonzero = values > 0
    return sp.csr_matrix(
        (np.concatenate([coo.data[keep], values[nonzero]]),
         (np.concatenate([coo.row[keep], rows[nonzero]]),
          np.concatenate([coo.col[keep], cols[nonzero]]))),
        shape=weights.shape)
