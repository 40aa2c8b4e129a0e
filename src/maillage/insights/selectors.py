"""Reads of the insights app: runs, their results, comparisons, DREES reference, map layers.

Access figures are aggregate open data about communes, not personal data: anyone may read them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.engines.access import DesertClass
from maillage.engines.access.reference import agreement
from maillage.insights import defaults
from maillage.insights.models import AccessRun, CommuneAccess, ReferenceApl
from maillage.transport.selectors import TerritoryUnmet, unmet_in_territory

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


def run_results(run: AccessRun, sort: str = "acces", descending: bool = False,
                departement: str | None = None) -> QuerySet[CommuneAccess]:
    """A run's communes, sorted; only those of one département when it is given (a CPTS or a
    département looks at its own communes)."""
    field = SORTABLE.get(sort, "accessibility")
    order = f"-{field}" if descending else field
    results = run.results.select_related("commune", "commune__departement")
    if departement:
        results = results.filter(commune__departement_id=departement)
    return results.order_by(order, "commune_id")


def run_departements(run: AccessRun) -> list[tuple[str, str]]:
    """(code, name) of the départements a run covers, for the table's filter."""
    return list(
        run.results.order_by("commune__departement_id")
        .values_list("commune__departement_id", "commune__departement__name").distinct()
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

    @property
    def class_before_label(self) -> str:
        return str(CLASS_LABELS[DesertClass(self.class_before)])

    @property
    def class_after_label(self) -> str:
        return str(CLASS_LABELS[DesertClass(self.class_after)])


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
    """Plain sentences on what the run's figures rest on (pages, CSV, GeoJSON), each data
    source with its licence and attribution."""
    profession = defaults.PROFESSIONS.get(run.profession)
    lines = [
        gettext("Méthode : %(method)s — unité : %(unit)s") % {
            "method": run.get_method_display(), "unit": run.unit}
        + (f" — {profession.label}" if profession else ""),
    ]
    provenance = run.provenance or {}
    for source in provenance.get("supply_sources", []):
        text = gettext("Offre : %(name)s (%(version)s)") % {
            "name": source.get("name"), "version": source.get("version", "")}
        if source.get("caveat"):
            text += f" — {source['caveat']}"
        lines.append(text + _licence_suffix(source))
    lines += [gettext("Hypothèse : %(note)s") % {"note": note}
              for note in provenance.get("defaults", [])]
    if provenance.get("travel_time"):
        lines.append(gettext("Temps de trajet : %(t)s") % {"t": provenance["travel_time"]})
    territory_sources = provenance.get("territory_sources")
    if territory_sources:
        for source in territory_sources:
            lines.append(gettext("Territoires : %(name)s, %(version)s") % {
                "name": source.get("name"), "version": source.get("version", "")}
                + _licence_suffix(source))
    else:
        for version in provenance.get("territories", []):
            lines.append(gettext("Territoires : %(version)s") % {"version": version})
    return lines


def _licence_suffix(source: dict[str, object]) -> str:
    parts = [str(source[k]) for k in ("attribution", "licence") if source.get(k)]
    return f" — {' ; '.join(parts)}" if parts else ""


def map_attribution(run: AccessRun, *, reference: bool = False) -> str:
    """The credit line of a run's map: boundaries (or commune centres) and, for the
    reference layer, DREES."""
    sources = (run.provenance or {}).get("territory_sources", [])
    parts = [f"{s.get('attribution')} ({s.get('licence')})" for s in sources
             if s.get("name") == "Contours des communes"]
    if not parts:
        parts = [f"{s.get('attribution')} ({s.get('licence')})" for s in sources
                 if s.get("name") == "Centres des communes"]
    if reference:
        parts.append(gettext("DREES, APL 2022 (Licence Ouverte / Etalab 2.0)"))
    parts.append(gettext("calcul Maillage"))
    return " ; ".join(parts)


def reference_source_line() -> str | None:
    """The DREES reference layer's origin, version and licence (pages that show it)."""
    from maillage.territories.models import DataSource

    source = DataSource.objects.filter(name="APL DREES").order_by("-scope").first()
    if source is None:
        return None
    return gettext("Référence : %(attribution)s, %(version)s (%(file)s) — %(licence)s") % {
        "attribution": source.attribution, "version": source.version,
        "file": source.file_name, "licence": source.licence}


def transport_signal(run: AccessRun, departement: str | None = None,
                     limit: int = 15) -> TerritoryUnmet:
    """The solidarity-transport requests of the run's territory (public aggregates), the
    communes with most unmet requests first, each with its class in this run."""
    found = unmet_in_territory(region=run.region_id, departement=departement or "")
    rows = found.rows[:limit]
    classes = dict(run.results.filter(commune_id__in=[r["code"] for r in rows])
                   .values_list("commune_id", "desert_class"))
    return replace(found, rows=[{**r, "desert_class": classes.get(r["code"])} for r in rows])
