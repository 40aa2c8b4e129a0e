"""Reads of the planning app. Published scenarios are public: citizens read them before they
vote; drafts only by their authors' organisation (see rules.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from maillage.accounts.rules import roles_of
from maillage.engines.access import DesertClass
from maillage.insights.selectors import CLASS_CODES, CLASS_COLOURS, CLASS_LABELS
from maillage.planning.models import Scenario, ScenarioEffect
from maillage.planning.rules import ANALYST_ROLES


def scenarios_for(region: str | None = None) -> QuerySet[Scenario]:
    scenarios = Scenario.objects.select_related("region", "base_run")
    return scenarios.filter(region_id=region) if region else scenarios


def scenarios_visible(viewer: Any, region: str | None = None) -> QuerySet[Scenario]:
    """Published scenarios, and the drafts the viewer may read (as `planning.view_scenario`:
    their author, their organisation's analysts, else the analysts of their région)."""
    scenarios = scenarios_for(region)
    if getattr(viewer, "is_superuser", False):
        return scenarios
    visible = Q(published_at__isnull=False)
    if getattr(viewer, "is_authenticated", False):
        visible |= Q(created_by=viewer)
        analyst = [a for a in roles_of(viewer) if a.role in ANALYST_ROLES]
        organisations = [a.organisation_id for a in analyst if a.organisation_id]
        if organisations:
            visible |= Q(organisation_id__in=organisations)
        if any(a.territory_level == "france" for a in analyst):
            visible |= Q(organisation__isnull=True)
        regions = [a.territory_code for a in analyst if a.territory_level == "region"]
        if regions:
            visible |= Q(organisation__isnull=True, region_id__in=regions)
    return scenarios.filter(visible)


def scenarios_chosen(viewer: Any, ids: list[int]) -> tuple[list[Scenario], list[int]]:
    """The scenarios of `ids` the viewer may read, in the order asked (each once), and the ids
    left out: one answer for an unknown scenario and for a draft the viewer may not read."""
    wanted = list(dict.fromkeys(ids))
    found = {s.pk: s for s in scenarios_visible(viewer)
             .filter(pk__in=[i for i in wanted if 0 < i < 2**63])}
    return [found[i] for i in wanted if i in found], [i for i in wanted if i not in found]


def scenario_visible(viewer: Any, pk: int) -> Scenario | None:
    """The scenario if the viewer may read it (None: unknown or a draft of someone else)."""
    found = scenario_get(pk)
    if found is None or not viewer.has_perm("planning.view_scenario", found):
        return None
    return found


def scenario_get(pk: int) -> Scenario | None:
    return Scenario.objects.select_related("region", "base_run", "created_by").filter(
        pk=pk).first()


def scenario_effects(scenario: Scenario) -> QuerySet[ScenarioEffect]:
    return scenario.effects.select_related("commune").order_by("-after", "commune_id")


def _difference_colour(difference: float) -> str:
    # Gains in blues, losses in oranges (same scale as the insights comparison map).
    if difference <= -1:
        return "#b34000"
    if difference < -0.05:
        return "#f4b183"
    if difference <= 0.05:
        return "#eeeeee"
    if difference < 1:
        return "#9dc3e6"
    return "#2e75b6"


def scenario_geojson(scenario: Scenario, layer: str = "difference") -> dict[str, object]:
    """The communes the scenario changes, coloured by the difference or the class after."""
    features = []
    for effect in scenario_effects(scenario):
        commune = effect.commune
        geometry = commune.map_boundary or (
            {"type": "Point", "coordinates": [commune.longitude, commune.latitude]}
            if commune.latitude is not None else None)
        if geometry is None:
            continue
        after_class = DesertClass(effect.class_after)
        if layer == "after":
            fill = CLASS_COLOURS[after_class]
        elif layer == "before":
            fill = CLASS_COLOURS[DesertClass(effect.class_before)]
        else:
            fill = _difference_colour(effect.difference)
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "code": commune.code, "name": commune.name,
            "value": round(effect.after if layer != "before" else effect.before, 3),
            "before": round(effect.before, 3), "after": round(effect.after, 3),
            "difference": round(effect.difference, 3),
            "class": CLASS_CODES[after_class], "class_label": CLASS_LABELS[after_class],
            "fill": fill, "url": reverse("territories:commune", args=[commune.code]),
        }})
    return {"type": "FeatureCollection", "features": features}


def scenarios_compare(scenarios: list[Scenario]) -> list[dict[str, object]]:
    """One row per scenario: its totals side by side, with the cost per person lifted."""
    rows = []
    for scenario in scenarios:
        summary = scenario.summary or {}
        lifted = float(summary.get("population_lifted") or 0.0)
        yearly = scenario.yearly_cost_eur
        rows.append({
            "scenario": scenario,
            "computed": scenario.state == Scenario.State.COMPUTED,
            "mean_before": summary.get("mean_before"),
            "mean_after": summary.get("mean_after"),
            "population_lifted": lifted,
            "population_fallen": summary.get("population_fallen"),
            "population_75_reached": summary.get("population_75_reached"),
            "communes_improved": summary.get("communes_improved"),
            "supply_added": summary.get("supply_added"),
            "yearly_cost_per_person_lifted": (float(yearly) / lifted
                                              if yearly is not None and lifted > 0 else None),
        })
    return rows
