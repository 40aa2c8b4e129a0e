"""The calendar of a process: which phase is active, computed once and reused.

Every permission that depends on the calendar reads `phase_state(process)`, which loads the
process's phases once (one query, or none when prefetched) and caches them on the process object.
The active phase is then a pure function of those phases and the clock: it is recomputed only if
the clock has crossed a phase boundary since (a long-lived object stays right). Callers that need
another instant pin it with `phase_state_load(process, now=...)` (the tests' time-freezing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from maillage.participation.models import Feature, Phase, Process

_CACHE = "_maillage_phase_state"


@dataclass(frozen=True)
class PhaseState:
    now: datetime
    phases: tuple[Phase, ...]
    active: Phase | None
    pinned: bool = False

    @property
    def features(self) -> frozenset[Feature]:
        return self.active.features if self.active else frozenset()

    def allows(self, feature: Feature) -> bool:
        return feature in self.features

    @property
    def upcoming(self) -> Phase | None:
        return next((p for p in self.phases if p.starts_at > self.now), None)

    @property
    def is_over(self) -> bool:
        return bool(self.phases) and self.phases[-1].ends_at <= self.now

    def status_of(self, phase: Phase) -> str:
        """"past", "active" or "upcoming" (for the timeline)."""
        if phase.ends_at <= self.now:
            return "past"
        if phase.starts_at <= self.now:
            return "active"
        return "upcoming"


def active_phase(phases: tuple[Phase, ...] | list[Phase], now: datetime) -> Phase | None:
    """The phase whose [starts_at, ends_at) holds `now`; phases never overlap, so at most one."""
    for phase in phases:
        if phase.starts_at <= now < phase.ends_at:
            return phase
    return None


def phase_state_load(process: Process, *, now: datetime | None = None) -> PhaseState:
    """Compute the calendar at `now` (default: the current time) and cache it on `process`."""
    moment = now or timezone.now()
    phases = getattr(process, "_prefetched_objects_cache", {}).get("phases")
    ordered = tuple(sorted(phases if phases is not None else process.phases.all(),
                           key=lambda p: p.starts_at))
    state = PhaseState(now=moment, phases=ordered, active=active_phase(ordered, moment),
                       pinned=now is not None)
    setattr(process, _CACHE, state)
    return state


def phase_state(process: Process) -> PhaseState:
    """The calendar of `process`: its phases loaded on first use, then reused."""
    cached: PhaseState | None = getattr(process, _CACHE, None)
    if cached is None:
        return phase_state_load(process)
    if cached.pinned:
        return cached
    now = timezone.now()
    active = active_phase(cached.phases, now)
    if active is cached.active:
        return cached
    state = PhaseState(now=now, phases=cached.phases, active=active)
    setattr(process, _CACHE, state)
    return state


def phase_state_forget(process: Process) -> None:
    if hasattr(process, _CACHE):
        delattr(process, _CACHE)
