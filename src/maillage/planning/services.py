"""Writes of the planning app: scenarios, their changes, and the computation of their effect.

The effect of a scenario is the access engine's scenario delta (DESIGN.md, "Scenario delta"):
the base run's catchment model is rebuilt once, then only the communes within one catchment of
a changed site are recomputed.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.engines.access import (
    DREES_APL_DECAY,
    AccessInputError,
    AddSite,
    CatchmentModel,
    ChangeSupply,
    DesertThresholds,
)
from maillage.insights import defaults
from maillage.insights import selectors as insights
from maillage.insights.inputs import AccessDataMissing, demand_for, supply_for
from maillage.insights.models import Method
from maillage.insights.traveltimes import travel_time_source
from maillage.planning.effects import PRO_RATED_KINDS, change_supply, summarise_effect
from maillage.planning.models import Scenario, ScenarioChange, ScenarioEffect
from maillage.territories.models import Commune, Region
from maillage.territories.selectors import TerritoryRef

logger = logging.getLogger(__name__)


def _check_analyst(actor: User | None, region_code: str) -> None:
    # None is the command line or the demo (an operator).
    if actor is not None and not actor.has_perm("territories.analyse_territory",
                                                TerritoryRef("region", region_code)):
        raise PermissionDenied(_("Seuls les analystes de cette région gèrent ses scénarios."))


def _cost(value: object, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationError({field: _("Montant invalide : %(v)s") % {"v": value}}) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError({field: _("Montant hors bornes (0 à 999 999 999 999 €).")})
    return amount.quantize(Decimal(1))


def scenario_create(
    *, actor: User | None, region: str, profession: str, name: str, description: str = "",
    investment_cost_eur: object = None, yearly_cost_eur: object = None,
) -> Scenario:
    """A new draft scenario for a région and a profession."""
    if not Region.objects.filter(pk=region).exists():
        raise ValidationError({"region": _("Région inconnue : %(c)s") % {"c": region}})
    _check_analyst(actor, region)
    if profession not in defaults.PROFESSIONS:
        raise ValidationError({"profession": _("Profession inconnue : %(p)s (attendu : %(k)s)")
                               % {"p": profession, "k": ", ".join(defaults.PROFESSIONS)}})
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError({"name": _("Donnez un nom de 1 à 200 caractères.")})
    return Scenario.objects.create(
        region_id=region, profession=profession, name=name, description=description.strip(),
        investment_cost_eur=_cost(investment_cost_eur, "investment_cost_eur"),
        yearly_cost_eur=_cost(yearly_cost_eur, "yearly_cost_eur"),
        created_by=actor if actor and actor.pk else None,
    )


def scenario_change_add(
    *, actor: User | None, scenario: Scenario, kind: str, commune: str, fte: float = 1.0,
    hours_per_week: float | None = None, label: str = "",
) -> ScenarioChange:
    """Add a change; the scenario goes back to draft until it is computed again."""
    _check_analyst(actor, scenario.region_id)
    errors: dict[str, str] = {}
    if kind not in ScenarioChange.Kind.values:
        errors["kind"] = _("Type de changement inconnu : %(k)s") % {"k": kind}
    place = Commune.objects.filter(pk=commune).only("code", "region_id").first()
    if place is None:
        errors["commune"] = _("Commune inconnue : %(c)s") % {"c": commune}
    elif place.region_id != scenario.region_id:
        errors["commune"] = _("La commune %(c)s n'est pas dans la région du scénario.") % {
            "c": commune}
    try:
        fte = float(fte)
    except (TypeError, ValueError):
        fte = float("nan")
    if not 0 < fte <= 100:
        errors["fte"] = _("Le nombre d'équivalents temps plein doit être entre 0 et 100.")
    if kind in PRO_RATED_KINDS:
        try:
            hours = float(hours_per_week) if hours_per_week not in (None, "") else None
        except (TypeError, ValueError):
            hours = None
        if hours is None or not 0 < hours <= 80:
            errors["hours_per_week"] = _("Indiquez les heures de présence par semaine "
                                         "(entre 0 et 80).")
        hours_per_week = hours
    else:
        hours_per_week = None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        change = ScenarioChange.objects.create(
            scenario=scenario, kind=kind, commune_id=commune, fte=fte,
            hours_per_week=hours_per_week, label=label.strip()[:200])
        Scenario.objects.filter(pk=scenario.pk).update(state=Scenario.State.DRAFT)
    return change


def scenario_change_remove(*, actor: User | None, change: ScenarioChange) -> None:
    _check_analyst(actor, change.scenario.region_id)
    with transaction.atomic():
        Scenario.objects.filter(pk=change.scenario_id).update(state=Scenario.State.DRAFT)
        change.delete()


def scenario_delete(*, actor: User | None, scenario: Scenario) -> None:
    _check_analyst(actor, scenario.region_id)
    scenario.delete()


def _supply_per_fte(profession: str) -> float:
    # A full-time GP counts as DREES's activity for a GP without previous-year data.
    return defaults.ACTIVITY_PER_GP_WITHOUT_DATA if profession == "generaliste" else 1.0


def scenario_compute(*, actor: User | None, scenario: Scenario) -> Scenario:
    """Compute the effect of the scenario's changes against the latest APL run.

    Raises ValidationError (nothing stored) when there is no base run, no change, or a change
    the supply cannot bear (retiring more than a commune has).
    """
    _check_analyst(actor, scenario.region_id)
    changes = list(scenario.changes.all())
    if not changes:
        raise ValidationError(_("Ajoutez au moins un changement avant de calculer."))
    run = insights.latest_run(scenario.region_id, scenario.profession, Method.APL)
    if run is None:
        raise ValidationError(
            _("Aucun calcul d'accessibilité (APL) réussi pour cette région et cette profession :"
              " lancez-en un depuis le tableau de bord de l'accès."))
    try:
        demand = demand_for(scenario.region_id)
        supply = supply_for(scenario.profession, demand)
    except AccessDataMissing as exc:
        raise ValidationError(str(exc)) from exc
    index = demand.index_of()
    source = travel_time_source(speed_kmh=run.parameters["speed_kmh"],
                                detour_factor=run.parameters["detour_factor"])
    decay = DREES_APL_DECAY
    times = source.matrix(demand.locations, demand.locations.take(supply.site_index),
                          max_minutes=decay.max_minutes)
    model = CatchmentModel.from_times(times, decay, demand.standardised_population,
                                      supply.amount, demand_locations=demand.locations,
                                      source=source)
    per_fte = _supply_per_fte(scenario.profession)
    delta_by_commune: dict[int, float] = {}
    for change in changes:
        delta_by_commune[index[change.commune_id]] = delta_by_commune.get(
            index[change.commune_id], 0.0) + change_supply(
            kind=change.kind, fte=change.fte, hours_per_week=change.hours_per_week,
            supply_per_fte=per_fte)
    site_of = {int(i): j for j, i in enumerate(supply.site_index)}
    engine_changes: list[ChangeSupply | AddSite] = []
    added = 0.0
    for i, amount in sorted(delta_by_commune.items()):
        added += amount
        if i in site_of:
            j = site_of[i]
            after = float(supply.amount[j]) + amount
            if after < -1e-6:
                raise ValidationError(
                    _("La commune %(c)s n'a pas assez d'offre pour ces départs.")
                    % {"c": demand.codes[i]})
            engine_changes.append(ChangeSupply(index=j, supply=max(after, 0.0)))
        elif amount < 0:
            raise ValidationError(_("La commune %(c)s n'a aucune offre : rien à retirer.")
                                  % {"c": demand.codes[i]})
        elif amount > 0:
            engine_changes.append(model.new_site(demand.locations.take([i]), amount))
    try:
        delta = model.evaluate(engine_changes)
    except AccessInputError as exc:
        raise ValidationError(str(exc)) from exc
    spec = defaults.PROFESSIONS[scenario.profession]
    scale = 1.0 if spec.drees_thresholds else defaults.PER_100K
    before_all = model.accessibility * scale
    after_all = delta.accessibility(model.accessibility) * scale
    mask = demand.in_region
    thresholds = DesertThresholds(**run.summary.get("thresholds", {}))
    summary = summarise_effect(
        before=before_all[mask], after=after_all[mask], population=demand.population[mask],
        standardised_population=demand.standardised_population[mask],
        share_75_plus=demand.share_75_plus[mask], thresholds=thresholds)
    region_indices = np.flatnonzero(mask)
    changed = set(delta.demand_indices.tolist())
    rows = []
    for position, i in enumerate(region_indices):
        if int(i) not in changed:
            continue
        share = demand.share_75_plus[i]
        rows.append(ScenarioEffect(
            scenario=scenario, commune_id=demand.codes[i], before=float(before_all[i]),
            after=float(after_all[i]), class_before=int(summary.classes_before[position]),
            class_after=int(summary.classes_after[position]),
            population=float(demand.population[i]),
            population_75_plus=None if np.isnan(share) else float(share * demand.population[i]),
        ))
    totals = summary.as_dict() | {
        "supply_added": added, "unit": run.unit, "base_run": run.pk,
        "supply_per_fte": per_fte, "communes_recomputed": len(changed),
        "thresholds": {"priority": thresholds.priority,
                       "complementary": thresholds.complementary},
    }
    with transaction.atomic():
        ScenarioEffect.objects.filter(scenario=scenario).delete()
        ScenarioEffect.objects.bulk_create(rows, batch_size=1000)
        Scenario.objects.filter(pk=scenario.pk).update(
            state=Scenario.State.COMPUTED, summary=totals, base_run=run, error="",
            computed_at=timezone.now())
    scenario.refresh_from_db()
    return scenario
