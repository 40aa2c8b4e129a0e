"""Preset sequences of phases, so an organiser opens a process in one step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.participation.models import PhaseType


@dataclass(frozen=True)
class BlueprintStep:
    type: PhaseType
    days: int
    title: Promise | str = ""


@dataclass(frozen=True)
class Blueprint:
    key: str
    label: Promise | str
    description: Promise | str
    steps: tuple[BlueprintStep, ...]

    def schedule(self, starts_on: date) -> list[tuple[BlueprintStep, datetime, datetime]]:
        """Back-to-back phases from midnight (local time) on `starts_on`."""
        start = timezone.make_aware(datetime.combine(starts_on, time.min))
        planned = []
        for step in self.steps:
            end = start + timedelta(days=step.days)
            planned.append((step, start, end))
            start = end
        return planned


BLUEPRINTS: dict[str, Blueprint] = {b.key: b for b in (
    Blueprint(
        "concertation_complete", _("Concertation complète"),
        _("Diagnostic partagé, propositions, vote, mise en œuvre puis évaluation."),
        (BlueprintStep(PhaseType.DIAGNOSTIC, 21), BlueprintStep(PhaseType.PROPOSALS, 28),
         BlueprintStep(PhaseType.VOTE, 14), BlueprintStep(PhaseType.IMPLEMENTATION, 180),
         BlueprintStep(PhaseType.EVALUATION, 30)),
    ),
    Blueprint(
        "consultation", _("Consultation (questionnaire)"),
        _("Un questionnaire ouvert quatre semaines, puis la restitution."),
        (BlueprintStep(PhaseType.DIAGNOSTIC, 28),
         BlueprintStep(PhaseType.IMPLEMENTATION, 90, _("Restitution et suites"))),
    ),
    Blueprint(
        "boite_a_idees", _("Boîte à idées"),
        _("Propositions et soutiens pendant six semaines, puis mise en œuvre."),
        (BlueprintStep(PhaseType.PROPOSALS, 42), BlueprintStep(PhaseType.IMPLEMENTATION, 180)),
    ),
)}
