"""Mobile units and part-time points: weekly schedules and the supply they stand for.

A mobile unit (or a teleconsultation point) serves each stop for some hours a week. Its supply
at a stop is pro-rated by those hours: S_stop = full-time supply × hours at the stop ÷ the
weekly hours of one full-time equivalent (35 h, the French legal working week, Code du
travail L3121-27). A schedule may not overlap itself: a unit is at one stop at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import AccessInputError

__all__ = ["FULL_TIME_WEEKLY_HOURS", "Slot", "check_schedule", "prorated_supply",
           "weekly_hours_by_stop"]

#: Weekly hours of one full-time equivalent (durée légale, Code du travail L3121-27).
FULL_TIME_WEEKLY_HOURS = 35.0


@dataclass(frozen=True)
class Slot:
    """The unit at ``stop`` on ``day`` (0 = Monday … 6 = Sunday) from ``start`` to ``end``
    hours (decimal hours, 0 ≤ start < end ≤ 24)."""

    stop: str
    day: int
    start: float
    end: float


def check_schedule(slots: Sequence[Slot]) -> None:
    """Raise :class:`AccessInputError` naming the slot if one is malformed or two overlap.

    Examples
    --------
    >>> check_schedule([Slot("48095", 0, 9, 12), Slot("48017", 0, 12, 17)])
    >>> check_schedule([Slot("48095", 0, 9, 12), Slot("48017", 0, 11, 17)])
    Traceback (most recent call last):
    ...
    maillage.engines.access.errors.AccessInputError: field slots: slot 2 (48017, ...) overlaps ...
    """
    for n, s in enumerate(slots, start=1):
        if not (isinstance(s.day, int) and 0 <= s.day <= 6):
            raise AccessInputError(f"slot {n}: day must be 0 to 6, got {s.day}", field="day")
        if not (0 <= s.start < s.end <= 24):
            raise AccessInputError(
                f"slot {n}: hours must satisfy 0 <= start < end <= 24, got {s.start}-{s.end}",
                field="start")
    ordered = sorted(enumerate(slots, start=1), key=lambda p: (p[1].day, p[1].start))
    for (m, a), (n, b) in itertools.pairwise(ordered):
        if a.day == b.day and b.start < a.end:
            first, second = sorted(((m, a), (n, b)), key=lambda p: p[0])
            raise AccessInputError(
                f"slot {second[0]} ({second[1].stop}, day {second[1].day}, "
                f"{second[1].start:g}-{second[1].end:g}) overlaps slot {first[0]} "
                f"({first[1].stop}, day {first[1].day}, {first[1].start:g}-{first[1].end:g})",
                field="slots")


def weekly_hours_by_stop(slots: Sequence[Slot]) -> dict[str, float]:
    """Hours per week at each stop, after :func:`check_schedule`.

    Examples
    --------
    >>> weekly_hours_by_stop([Slot("A", 0, 9, 12), Slot("B", 1, 8.5, 12), Slot("A", 3, 14, 18)])
    {'A': 7.0, 'B': 3.5}
    """
    check_schedule(slots)
    hours: dict[str, float] = {}
    for s in slots:
        hours[s.stop] = hours.get(s.stop, 0.0) + (s.end - s.start)
    return hours


def prorated_supply(full_time_supply: float, weekly_hours: float,
                    full_time_hours: float = FULL_TIME_WEEKLY_HOURS) -> float:
    """Supply of a part-time presence: full-time supply × hours ÷ full-time hours.

    Examples
    --------
    One GP counted 5,400 consultations a year, present 7 h a week at a stop:
    5,400 × 7 ÷ 35 = 1,080.

    >>> prorated_supply(5400.0, 7.0)
    1080.0
    """
    if not (full_time_supply >= 0 and full_time_supply < float("inf")):
        raise AccessInputError("full-time supply must be finite and >= 0", field="supply")
    if not 0 <= weekly_hours <= 7 * 24:
        raise AccessInputError(f"weekly hours must be in [0, 168], got {weekly_hours}",
                               field="weekly_hours")
    if not full_time_hours > 0:
        raise AccessInputError("full-time hours must be > 0", field="full_time_hours")
    return full_time_supply * weekly_hours / full_time_hours
