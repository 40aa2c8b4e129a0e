"""Writes of the planning app: scenarios, their changes, and the computation of their effect.

The effect of a scenario is the access engine's scenario delta (DESIGN.md, "Scenario delta"):
the base run's catchment model is rebuilt once, then only the communes within one catchment of
a changed site are recomputed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
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
from maillage.engines.access.mobile import Slot
from maillage.engines.access.traveltime import TravelTimeSource
from maillage.insights import defaults
from maillage.insights import selectors as insights
from maillage.insights.inputs import (
    AccessDataMissing,
    DemandInput,
    SupplyInput,
    demand_for,
    supply_for,
)
from maillage.insights.models import AccessRun, Method
from maillage.insights.traveltimes import travel_time_source
from maillage.planning.effects import (
    PRO_RATED_KINDS,
    ScheduleError,
    change_supply,
    check_slots,
    mobile_unit_supply,
    parse_schedule,
    schedule_from_records,
    summarise_effect,
    transport_weights,
)
from maillage.planning.models import Scenario, ScenarioChange, ScenarioEffect
from maillage.territories.models import Commune, Region
from maillage.territories.selectors import TerritoryRef

logger = logging.getLogger(__name__)


def _check_analyst(actor: User | None, region_code: str) -> None:
    # None is the command line or the demo (an operator).
    if actor is not None and not actor.has_perm("territories.analyse_territory",
                                                TerritoryRef("region", region_code)):
        raise PermissionDenied(_("Seuls les analystes de cette région gèrent ses scénarios."))


def _check_can_change(actor: User | None, scenario: Scenario) -> None:
    """Analysts of the région, of the scenario's organisation; a published scenario, which
    voters have seen, no longer changes."""
    _check_analyst(actor, scenario.region_id)
    if scenario.published_at is not None:
        raise ValidationError(_("Ce scénario est publié : ce que les habitants ont vu ne change "
                                "plus. Créez un nouveau scénario pour l'ajuster."))
    if actor is not None and not actor.has_perm("planning.change_scenario", scenario):
        raise PermissionDenied(_("Ce scénario en brouillon appartient à une autre "
                                 "organisation."))


def _author_organisation(actor: User | None) -> int | None:
    from maillage.accounts.rules import roles_of

    for assignment in roles_of(actor):
        if assignment.organisation_id and assignment.role in {"analyst", "administrator"}:
            return assignment.organisation_id
    return None


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
        organisation_id=_author_organisation(actor),
    )


def _codes(value: object) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [c for c in re.split(r"[\s,;]+", value.strip()) if c]
    return [str(c).strip() for c in value]  # type: ignore[union-attr]


def _optional_float(value: object) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def schedule_message(exc: ScheduleError) -> str:
    """The schedule error in the user's language (its French source is the msgid)."""
    return _(exc.template) % exc.params if exc.params else _(exc.template)


def _mobile_schedule(schedule: object, region: str, errors: dict[str, str]) -> list[Slot]:
    try:
        if isinstance(schedule, str):
            slots = parse_schedule(schedule)
        else:
            slots = schedule_from_records(
                s if isinstance(s, dict) else dict(s) for s in (schedule or []))
        check_slots(slots)
    except ScheduleError as exc:
        errors["schedule"] = schedule_message(exc)
        return []
    stops = {slot.stop for slot in slots}
    known = set(Commune.objects.filter(pk__in=stops, region_id=region).values_list(
        "code", flat=True))
    outside = sorted(stops - known)
    if outside:
        errors["schedule"] = _("Arrêt hors de la région du scénario ou commune inconnue : "
                               "%(c)s.") % {"c": ", ".join(outside)}
    return slots


def scenario_change_add(
    *, actor: User | None, scenario: Scenario, kind: str, commune: str = "", fte: float = 1.0,
    hours_per_week: float | None = None, label: str = "", schedule: object = None,
    origins: object = None, minutes_saved: object = None, member_share: object = None,
) -> ScenarioChange:
    """Add a change; the scenario goes back to draft until it is computed again.

    A mobile unit takes its weekly ``schedule`` (text lines "48095 lundi 9h-12h" or records
    {"stop", "day", "start", "end"}); its commune defaults to its first stop. A transport
    offer takes the ``origins`` whose members ride to ``commune``, the ``minutes_saved`` and
    the ``member_share`` of their population (1 = everyone, a bus line).
    """
    _check_can_change(actor, scenario)
    errors: dict[str, str] = {}
    if kind not in ScenarioChange.Kind.values:
        errors["kind"] = _("Type de changement inconnu : %(k)s") % {"k": kind}
    slots: list[Slot] = []
    if kind == ScenarioChange.Kind.MOBILE_UNIT:
        slots = _mobile_schedule(schedule, scenario.region_id, errors)
        if not (commune or "").strip() and slots:
            commune = slots[0].stop
    commune = (commune or "").strip()
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
    elif slots:
        hours_per_week = sum(slot.end - slot.start for slot in slots)
        if hours_per_week > 80:
            errors["schedule"] = _("La tournée dépasse 80 heures par semaine.")
    else:
        hours_per_week = None
    origin_codes: list[str] = []
    saved = share = None
    if kind == ScenarioChange.Kind.TRANSPORT_OFFER:
        origin_codes = list(dict.fromkeys(_codes(origins)))
        known = set(Commune.objects.filter(pk__in=origin_codes, region_id=scenario.region_id)
                    .values_list("code", flat=True))
        if not origin_codes:
            errors["origins"] = _("Indiquez les communes desservies (codes INSEE).")
        elif set(origin_codes) - known:
            errors["origins"] = _("Commune desservie hors de la région ou inconnue : %(c)s.") % {
                "c": ", ".join(sorted(set(origin_codes) - known))}
        saved = _optional_float(minutes_saved)
        if saved is None or not 0 < saved <= 120:
            errors["minutes_saved"] = _("Indiquez les minutes gagnées (entre 0 et 120).")
        share = _optional_float(member_share)
        share = 1.0 if share is None else share
        if not 0 < share <= 1:
            errors["member_share"] = _("La part de la population concernée est entre 0 et 1 "
                                       "(1 = toute la population, pour une ligne de bus).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        change = ScenarioChange.objects.create(
            scenario=scenario, kind=kind, commune_id=commune, fte=fte,
            hours_per_week=hours_per_week, label=label.strip()[:200],
            schedule=[{"stop": s.stop, "day": s.day, "start": s.start, "end": s.end}
                      for s in slots],
            origins=origin_codes, minutes_saved=saved, member_share=share)
        Scenario.objects.filter(pk=scenario.pk).update(state=Scenario.State.DRAFT)
    return change


def scenario_change_remove(*, actor: User | None, change: ScenarioChange) -> None:
    _check_can_change(actor, change.scenario)
    with transaction.atomic():
        Scenario.objects.filter(pk=change.scenario_id).update(state=Scenario.State.DRAFT)
        change.delete()


def scenario_delete(*, actor: User | None, scenario: Scenario) -> None:
    _check_can_change(actor, scenario)
    scenario.delete()


def _supply_per_fte(profession: str) -> float:
    # A full-time GP counts as DREES's activity for a GP without previous-year data.
    return defaults.ACTIVITY_PER_GP_WITHOUT_DATA if profession == "generaliste" else 1.0


@dataclass(frozen=True, eq=False)
class ScenarioBase:
    """The base run's catchment model, rebuilt once, with what a computation needs."""

    run: AccessRun
    demand: DemandInput
    supply: SupplyInput
    source: TravelTimeSource
    model: CatchmentModel
    supply_per_fte: float
    scale: float  # model accessibility × scale = the run's unit
    thresholds: DesertThresholds

    def row(self, code: str) -> int:
        """Position of a commune in the demand arrays (ValidationError when not located)."""
        try:
            return self.demand.index_of()[code]
        except KeyError:
            raise ValidationError(_("La commune %(c)s n'a pas de coordonnées chargées.")
                                  % {"c": code}) from None


def scenario_base(*, region: str, profession: str) -> ScenarioBase:
    """The latest APL run's model for a région and profession (ValidationError when none)."""
    run = insights.latest_run(region, profession, Method.APL)
    if run is None:
        raise ValidationError(
            _("Aucun calcul d'accessibilité (APL) réussi pour cette région et cette profession :"
              " lancez-en un depuis le tableau de bord de l'accès."))
    try:
        demand = demand_for(region)
        supply = supply_for(profession, demand)
    except AccessDataMissing as exc:
        raise ValidationError(str(exc)) from exc
    source = travel_time_source(speed_kmh=run.parameters["speed_kmh"],
                                detour_factor=run.parameters["detour_factor"])
    decay = DREES_APL_DECAY
    times = source.matrix(demand.locations, demand.locations.take(supply.site_index),
                          max_minutes=decay.max_minutes)
    model = CatchmentModel.from_times(times, decay, demand.standardised_population,
                                      supply.amount, demand_locations=demand.locations,
                                      source=source)
    spec = defaults.PROFESSIONS[profession]
    return ScenarioBase(
        run=run, demand=demand, supply=supply, source=source, model=model,
        supply_per_fte=_supply_per_fte(profession),
        scale=1.0 if spec.drees_thresholds else defaults.PER_100K,
        thresholds=DesertThresholds(**run.summary.get("thresholds", {})))


def _supply_by_row(base: ScenarioBase, changes: list[ScenarioChange]) -> dict[int, float]:
    per_fte = base.supply_per_fte
    by_row: dict[int, float] = {}
    for change in changes:
        if change.kind == ScenarioChange.Kind.TRANSPORT_OFFER:
            continue
        if change.kind == ScenarioChange.Kind.MOBILE_UNIT:
            try:
                amounts = mobile_unit_supply(schedule_from_records(change.schedule),
                                             fte=change.fte, supply_per_fte=per_fte)
            except ScheduleError as exc:
                raise ValidationError({"schedule": schedule_message(exc)}) from exc
        elif change.supply_amount is not None:
            amounts = {change.commune_id: float(change.supply_amount)}
        else:
            amounts = {change.commune_id: change_supply(
                kind=change.kind, fte=change.fte, hours_per_week=change.hours_per_week,
                supply_per_fte=per_fte)}
        for code, amount in amounts.items():
            i = base.row(code)
            by_row[i] = by_row.get(i, 0.0) + amount
    return by_row


def _with_transport(base: ScenarioBase, engine_changes: list[ChangeSupply | AddSite],
                    new_site_rows: list[int],
                    transports: list[ScenarioChange]) -> CatchmentModel:
    """The model after the supply changes and the transport offers, fully recomputed (a
    transport offer changes weights, which the delta does not cover)."""
    after = base.model.apply(engine_changes)
    located = np.concatenate([base.supply.site_index,
                              np.asarray(new_site_rows, dtype=np.int64)])
    decay = DREES_APL_DECAY
    weights = after.weights
    seen: set[tuple[int, int]] = set()
    for change in transports:
        d = base.row(change.commune_id)
        columns = np.flatnonzero(located == d)
        if columns.size == 0:
            raise ValidationError(
                _("L'offre de transport mène à %(c)s, où le scénario ne laisse aucune offre de "
                  "cette profession.") % {"c": change.commune_id})
        rows = np.asarray([base.row(code) for code in change.origins], dtype=np.int64)
        for i in rows.tolist():
            if (i, d) in seen:
                raise ValidationError(
                    _("Deux offres de transport relient %(o)s à %(c)s : fusionnez-les.")
                    % {"o": base.demand.codes[i], "c": change.commune_id})
            seen.add((i, d))
        found = base.source.matrix(base.demand.locations.take(rows),
                                   base.demand.locations.take([d]),
                                   max_minutes=decay.max_minutes + float(change.minutes_saved))
        minutes = np.full(rows.size, np.inf)
        minutes[found.rows] = found.minutes
        weights = transport_weights(
            weights, origin_rows=rows, columns=columns, minutes=minutes,
            minutes_saved=float(change.minutes_saved),
            member_share=float(change.member_share if change.member_share is not None else 1.0),
            decay=decay)
    return CatchmentModel(weights, after.demand, after.supply)


def scenario_compute(*, actor: User | None, scenario: Scenario) -> Scenario:
    """Compute the effect of the scenario's changes against the latest APL run.

    Supply changes go through the scenario delta (only the communes within one catchment of
    a changed site are recomputed); transport offers change travel times, so a scenario with
    one is recomputed in full on the région and its halo. Raises ValidationError (nothing
    stored) when there is no base run, no change, or a change the supply cannot bear
    (retiring more than a commune has).
    """
    _check_can_change(actor, scenario)
    changes = list(scenario.changes.all())
    if not changes:
        raise ValidationError(_("Ajoutez au moins un changement avant de calculer."))
    base = scenario_base(region=scenario.region_id, profession=scenario.profession)
    run, demand, supply, model = base.run, base.demand, base.supply, base.model
    per_fte = base.supply_per_fte
    delta_by_commune = _supply_by_row(base, changes)
    site_of = {int(i): j for j, i in enumerate(supply.site_index)}
    engine_changes: list[ChangeSupply | AddSite] = []
    new_site_rows: list[int] = []
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
            new_site_rows.append(i)
    transports = [c for c in changes if c.kind == ScenarioChange.Kind.TRANSPORT_OFFER]
    scale = base.scale
    before_all = model.accessibility * scale
    try:
        if transports:
            final = _with_transport(base, engine_changes, new_site_rows, transports)
            after_all = final.accessibility * scale
            changed_rows = np.flatnonzero(np.abs(final.accessibility - model.accessibility)
                                          > 1e-12 * np.maximum(model.accessibility, 1.0))
            changed = set(changed_rows.tolist())
        else:
            delta = model.evaluate(engine_changes)
            after_all = delta.accessibility(model.accessibility) * scale
            changed = set(delta.demand_indices.tolist())
    except AccessInputError as exc:
        raise ValidationError(str(exc)) from exc
    mask = demand.in_region
    thresholds = base.thresholds
    summary = summarise_effect(
        before=before_all[mask], after=after_all[mask], population=demand.population[mask],
        standardised_population=demand.standardised_population[mask],
        share_75_plus=demand.share_75_plus[mask], thresholds=thresholds)
    region_indices = np.flatnonzero(mask)
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
        "full_recomputation": bool(transports),
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
