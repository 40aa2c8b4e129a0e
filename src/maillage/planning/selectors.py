"""Reads of the planning app. Scenarios are public: citizens read them before they vote."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from maillage.engines.access import DesertClass
from maillage.insights.selectors import CLASS_CODES, CLASS_COLOURS, CLASS_LABELS
from maillage.planning.models import Scenario, ScenarioEffect


def scenarios_for(region: str | None = None) -> QuerySet[Scenario]:
    scenarios = Scenario.objects.select_related("region", "base_run")
    return scenarios.filter(region_id=region) if region else scenarios


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
