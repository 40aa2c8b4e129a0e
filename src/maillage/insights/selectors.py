"""Reads of the insights app: runs, their results, comparisons, DREES reference, map layers.

Access figures are aggregate open data about communes, not personal data: anyone may read them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.engines.access import DesertClass
from maillage.engines.access.reference import agreement
from maillage.insights import defaults
from maillage.insights.models import AccessRun, CommuneAccess, ReferenceApl

CLASS_CODES = {
    DesertClass.PRIORITY: "intervention_prioritaire",
    DesertClass.COMPLEMENTARY: "action_complementaire",
    DesertClass.NOT_UNDERSERVED: "non_sous_dote",
}
# The engine's French labels, translated for the interface (msgids kept in the catalog).
CLASS_LABELS = {
    DesertClass.PRIORITY: _("zone d'intervention prioritaire"),
    DesertClass.COMPLEMENTARY: _("zone d'action complémentaire"),
    DesertClass.NOT_UNDERSERVED: _("non sous-dotée"),
}
# Colour-blind-safe, from most to least under-served; text never relies on colour alone.
CLASS_COLOURS = {
    DesertClass.PRIORITY: "#b34000",
    DesertClass.COMPLEMENTARY: "#e6a23c",
    DesertClass.NOT_UNDERSERVED: "#5e8ab4",
}

SORTABLE = {
    "nom": "commune__name", "code": "commune_id", "acces": "accessibility",
    "classe": "desert_class", "population": "population", "ages": "share_75_plus",
    "distance": "nearest_km",
}


def run_get(pk: int) -> AccessRun | None:
    return AccessRun.objects.select_related("region", "created_by").filter(pk=pk).first()


def latest_run(region: str, profession: str, method: str | None = None) -> AccessRun | None:
    runs = AccessRun.objects.filter(
        region_id=region, profession=profession, state=AccessRun.State.SUCCEEDED
    )
    if method:
        runs = runs.filter(method=method)
    return runs.select_related("region").order_by("-finished_at", "-pk").first()


def latest_gp_runs() -> list[AccessRun]:
    """The latest successful GP run of each région that has one (home page figures)."""
    runs = AccessRun.objects.filter(profession="generaliste", state=AccessRun.State.SUCCEEDED)
    latest: dict[str, AccessRun] = {}
    for run in runs.select_related("region").order_by("region_id", "-finished_at"):
        latest.setdefault(run.region_id, run)
    return list(latest.values())


def runs_for(region: str, profession: str | None = None) -> QuerySet[AccessRun]:
    runs = AccessRun.objects.filter(region_id=region)
    if profession:
        runs = runs.filter(profession=profession)
    return runs.order_by("-created_at")


def run_results(run: AccessRun, sort: str = "acces", descending: bool = False
                ) -> QuerySet[CommuneAccess]:
    field = SORTABLE.get(sort, "accessibility")
    order = f"-{field}" if descending else field
    return (
        run.results.select_related("commune", "commune__departement")
        .order_by(order, "commune_id")
    )


def class_code(value: int) -> str:
    return CLASS_CODES[DesertClass(value)]


@dataclass(frozen=True)
class ComparisonRow:
    code: str
    name: str
    before: float
    after: float
    delta: float
    class_before: int
    class_after: int
    population: float


@dataclass(frozen=True)
class Comparison:
    before: AccessRun
    after: AccessRun
    rows: list[ComparisonRow]
    population_lifted_out_of_priority: float
    population_fallen_into_priority: float
    mean_delta: float


def runs_compare(before: AccessRun, after: AccessRun) -> Comparison:
    """Per-commune before/after of two runs of the same région and profession."""
    if (before.region_id, before.profession) != (after.region_id, after.profession):
        raise ValueError("runs of different régions or professions cannot be compared")
    old = {r.commune_id: r for r in before.results.select_related("commune")}
    rows = []
    for new in after.results.select_related("commune"):
        prior = old.get(new.commune_id)
        if prior is None:
            continue
        rows.append(ComparisonRow(
            code=new.commune_id, name=new.commune.name, before=prior.accessibility,
            after=new.accessibility, delta=new.accessibility - prior.accessibility,
            class_before=prior.desert_class, class_after=new.desert_class,
            population=new.population,
        ))
    rows.sort(key=lambda r: -abs(r.delta))
    lifted = sum(r.population for r in rows if r.class_before == DesertClass.PRIORITY
                 and r.class_after != DesertClass.PRIORITY)
    fallen = sum(r.population for r in rows if r.class_before != DesertClass.PRIORITY
                 and r.class_after == DesertClass.PRIORITY)
    weights = np.array([r.population for r in rows]) if rows else np.array([])
    deltas = np.array([r.delta for r in rows]) if rows else np.array([])
    mean_delta = float(np.average(deltas, weights=weights)) if weights.sum() > 0 else 0.0
    return Comparison(before, after, rows, lifted, fallen, mean_delta)


@dataclass(frozen=True)
class ReferenceComparison:
    year: int | None
    communes: int
    spearman: float | None
    mean_absolute_error: float | None
    class_agreement: float | None
    rows: list[tuple[str, str, float, float, float]]  # code, name, computed, drees, diff


def reference_compare(run: AccessRun, threshold: float = 2.5) -> ReferenceComparison:
    """Maillage's computed APL against DREES's published APL for the run's communes.

    Spearman correlation, mean absolute error and agreement on the under-served class
    (APL < 2.5), over communes present in both.
    """
    year = ReferenceApl.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None or run.profession != "generaliste":
        return ReferenceComparison(year, 0, None, None, None, [])
    reference = dict(
        ReferenceApl.objects.filter(year=year, commune_code__in=run.results.values("commune_id"))
        .values_list("commune_code", "apl")
    )
    rows = [
        (code, name, value, reference[code], value - reference[code])
        for code, name, value in run.results.values_list(
            "commune_id", "commune__name", "accessibility")
        if code in reference
    ]
    if len(rows) < 3:
        return ReferenceComparison(year, len(rows), None, None, None, rows)
    stats = agreement([r[2] for r in rows], [r[3] for r in rows], threshold)
    return ReferenceComparison(
        year=year,
        communes=stats.n,
        spearman=stats.spearman,
        mean_absolute_error=stats.mean_absolute_error,
        class_agreement=stats.class_agreement,
        rows=sorted(rows, key=lambda r: -abs(r[4])),
    )


def run_geojson(run: AccessRun, layer: str = "classe") -> dict[str, object]:
    """The run's communes as GeoJSON features, styled for the chosen layer.

    Layers: "classe" (desert class), "reference" (difference with DREES's APL).
    """
    reference: dict[str, float] = {}
    if layer == "reference":
        year = ReferenceApl.objects.order_by("-year").values_list("year", flat=True).first()
        reference = dict(ReferenceApl.objects.filter(year=year).values_list("commune_code", "apl"))
    features = []
    for result in run.results.select_related("commune").only(
        "accessibility", "desert_class", "population", "commune__code", "commune__name",
        "commune__map_boundary", "commune__latitude", "commune__longitude",
    ):
        commune = result.commune
        geometry = commune.map_boundary or (
            {"type": "Point", "coordinates": [commune.longitude, commune.latitude]}
            if commune.latitude is not None else None)
        if geometry is None:
            continue
        properties: dict[str, object] = {
            "code": commune.code, "name": commune.name,
            "value": round(result.accessibility, 3),
            "class": CLASS_CODES[DesertClass(result.desert_class)],
            "class_label": CLASS_LABELS[DesertClass(result.desert_class)],
            "url": reverse("territories:commune", args=[commune.code]),
        }
        if layer == "reference":
            drees = reference.get(commune.code)
            properties["reference"] = drees
            properties["difference"] = (
                None if drees is None else round(result.accessibility - drees, 3))
            properties["fill"] = _difference_colour(properties["difference"])
        else:
            properties["fill"] = CLASS_COLOURS[DesertClass(result.desert_class)]
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {
        "type": "FeatureCollection",
        "features": features,
        "metadata": run_provenance_lines(run),
    }


def _difference_colour(difference: float | None) -> str:
    if difference is None:
        return "#cccccc"
    if difference <= -1:
        return "#b34000"
    if difference < -0.25:
        return "#f4b183"
    if difference <= 0.25:
        return "#eeeeee"
    if difference < 1:
        return "#9dc3e6"
    return "#2e75b6"


def run_provenance_lines(run: AccessRun) -> list[str]:
    """Plain sentences on what the run's figures rest on (pages, CSV, GeoJSON)."""
    profession = defaults.PROFESSIONS.get(run.profession)
    lines = [
        f"Méthode : {run.get_method_display()} — unité : {run.unit}"
        + (f" — {profession.label}" if profession else ""),
    ]
    provenance = run.provenance or {}
    for source in provenance.get("supply_sources", []):
        text = f"Offre : {source.get('name')} ({source.get('version', '')})"
        if source.get("caveat"):
            text += f" — {source['caveat']}"
        lines.append(text)
    lines += [f"Hypothèse : {note}" for note in provenance.get("defaults", [])]
    if provenance.get("travel_time"):
        lines.append(f"Temps de trajet : {provenance['travel_time']}")
    for version in provenance.get("territories", []):
        lines.append(f"Territoires : {version}")
    return lines
