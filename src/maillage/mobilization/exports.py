"""Signature lists (CSV, PDF) and the advocacy dossier (HTML context, PDF, map image).

PDFs are drawn with matplotlib's PdfPages (already a dependency for charts): plain text pages,
a table of counts, a choropleth map of the communes' desert classes.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from maillage.engines.access import DesertClass
from maillage.insights.selectors import (
    CLASS_COLOURS,
    CLASS_LABELS,
    latest_run,
    run_provenance_lines,
)
from maillage.mobilization import selectors
from maillage.mobilization.models import Petition
from maillage.territories.models import Commune
from maillage.territories.selectors import TerritoryRef

SIGNATURE_COLUMNS = ["date", "nom", "code_insee", "commune", "affichage_public"]


def signatures_csv(petition: Petition) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SIGNATURE_COLUMNS)
    for s in petition.signatures.select_related("commune"):
        writer.writerow([s.created_at.isoformat(timespec="seconds"), s.name,
                         s.commune_id or "", s.commune.name if s.commune else "",
                         "oui" if s.show_publicly else "non"])
    return buffer.getvalue()


# Access figures of a territory ----------------------------------------------------------------

@dataclass
class AccessFigures:
    run: Any
    communes: int = 0
    population: float = 0.0
    population_by_class: dict[str, float] = field(default_factory=dict)
    weighted_accessibility: float | None = None
    unit: str = ""
    provenance: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)


def _region_of(territory: TerritoryRef) -> str | None:
    if territory.level == "region":
        return territory.code
    if territory.level == "departement":
        from maillage.territories.models import Departement

        return Departement.objects.filter(pk=territory.code).values_list(
            "region_id", flat=True).first()
    return Commune.objects.filter(pk=territory.code).values_list("region_id", flat=True).first()


def territory_communes(territory: TerritoryRef) -> list[str]:
    if territory.level == "commune":
        return [territory.code]
    return list(Commune.objects.filter(**{f"{territory.level}_id": territory.code})
                .values_list("code", flat=True))


def access_figures(territory: TerritoryRef, profession: str = "generaliste") -> AccessFigures:
    """The latest access run's figures over the territory's communes, with their provenance."""
    region = _region_of(territory)
    run = latest_run(region, profession) if region else None
    figures = AccessFigures(run=run)
    if run is None:
        return figures
    codes = set(territory_communes(territory))
    rows = list(run.results.filter(commune_id__in=codes).select_related("commune")
                .order_by("accessibility"))
    by_class: Counter[str] = Counter()
    for r in rows:
        by_class[str(CLASS_LABELS[DesertClass(r.desert_class)])] += r.population
    population = sum(r.population for r in rows)
    figures.communes, figures.population, figures.rows = len(rows), population, rows
    figures.population_by_class = dict(by_class)
    figures.weighted_accessibility = (
        sum(r.accessibility * r.population for r in rows) / population if population else None)
    figures.unit = run.unit
    figures.provenance = run_provenance_lines(run)
    return figures


def access_lines(figures: AccessFigures) -> list[str]:
    if figures.run is None:
        return ["Aucun calcul d'accessibilité n'est encore disponible pour ce territoire."]
    lines = [f"{figures.communes} communes, {figures.population:,.0f} habitants".replace(",", " ")]
    if figures.weighted_accessibility is not None:
        lines.append(f"Accessibilité moyenne pondérée : {figures.weighted_accessibility:.2f} "
                     f"{figures.unit}")
    for label, population in figures.population_by_class.items():
        share = 100 * population / figures.population if figures.population else 0
        lines.append(f"{label} : {population:,.0f} habitants ({share:.0f} %)".replace(",", " "))
    return lines


# PDF drawing ----------------------------------------------------------------------------------

class _TextPdf:
    """Pages of wrapped text in a PdfPages document (A4, portrait)."""

    WIDTH, HEIGHT = 8.27, 11.69
    LINES_PER_PAGE = 58

    def __init__(self, pdf: Any, title: str):
        self.pdf, self.title = pdf, title
        self.lines: list[tuple[str, str]] = []

    def heading(self, text: str) -> None:
        self.lines += [("", ""), ("h", text)]

    def paragraph(self, text: str, width: int = 95) -> None:
        for raw in (text or "").splitlines() or [""]:
            for line in textwrap.wrap(raw, width) or [""]:
                self.lines.append(("p", line))

    def flush(self) -> None:
        from matplotlib import pyplot as plt

        chunks = [self.lines[i:i + self.LINES_PER_PAGE]
                  for i in range(0, len(self.lines), self.LINES_PER_PAGE)] or [[]]
        for number, chunk in enumerate(chunks, 1):
            figure = plt.figure(figsize=(self.WIDTH, self.HEIGHT))
            figure.text(0.07, 0.965, self.title[:90], fontsize=11, weight="bold")
            y = 0.935
            for style, text in chunk:
                figure.text(0.07, y, text, fontsize=10 if style == "h" else 8.5,
                            weight="bold" if style == "h" else "normal")
                y -= 0.0155
            figure.text(0.93, 0.02, f"{number}/{len(chunks)}", fontsize=7, ha="right")
            self.pdf.savefig(figure)
            plt.close(figure)
        self.lines = []


def _pdf(build: Any, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Creator": "Maillage"}) as pdf:
        writer = _TextPdf(pdf, title)
        build(pdf, writer)
        writer.flush()
    return buffer.getvalue()


def petition_pdf(petition: Petition) -> bytes:
    """For official submission: text, counts by commune, the territory's access figures."""
    territory = TerritoryRef(petition.territory_level, petition.territory_code)
    progress = selectors.petition_progress(petition)
    figures = access_figures(territory)

    def build(pdf: Any, doc: _TextPdf) -> None:
        doc.paragraph(f"Pétition adressée à : {petition.authority_name} "
                      f"({petition.get_authority_kind_display()})")
        doc.paragraph(f"Territoire : {petition.territory_name}")
        doc.paragraph(f"Signatures : {progress.count} (seuil : {petition.threshold}) — "
                      f"date limite : {petition.deadline:%d/%m/%Y}")
        doc.paragraph(f"Document établi le {timezone.now():%d/%m/%Y à %H:%M} (UTC) par Maillage")
        doc.heading("Texte de la pétition")
        doc.paragraph(petition.body)
        doc.heading("Signatures par commune")
        for code, name, n in selectors.counts_by_commune(petition):
            doc.paragraph(f"{name} ({code or '—'}) : {n}")
        doc.heading("Accès aux soins du territoire (médecins généralistes)")
        for line in access_lines(figures):
            doc.paragraph(line)
        if figures.provenance:
            doc.heading("Sources et méthode")
            for line in figures.provenance:
                doc.paragraph(line)
        doc.heading("Liste des signataires")
        for s in petition.signatures.select_related("commune"):
            doc.paragraph(f"{s.created_at:%d/%m/%Y} — {s.name or 'signataire'} — "
                          f"{s.commune.name if s.commune else 'commune non renseignée'}")

    return _pdf(build, f"Pétition : {petition.title}")


# Map ------------------------------------------------------------------------------------------

def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def class_map_figure(figures: AccessFigures, territory: TerritoryRef) -> Any:
    """A choropleth of the communes' desert classes (grey where no result)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.patches import Patch, Polygon

    classes = {r.commune_id: DesertClass(r.desert_class) for r in figures.rows}
    figure, axis = plt.subplots(figsize=(6.4, 6.4), dpi=100)
    xs: list[float] = []
    ys: list[float] = []
    communes = Commune.objects.filter(pk__in=territory_communes(territory)).values_list(
        "code", "map_boundary", "boundary", "longitude", "latitude")
    for code, map_boundary, boundary, lon, lat in communes:
        colour = CLASS_COLOURS.get(classes.get(code), "#dddddd")
        rings = _rings(map_boundary or boundary)
        for ring in rings:
            axis.add_patch(Polygon(ring, closed=True, facecolor=colour, edgecolor="white",
                                   linewidth=0.3))
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
        if not rings and lon is not None:
            axis.scatter([lon], [lat], color=colour, s=30)
            xs.append(lon)
            ys.append(lat)
    if xs:
        pad = 0.02 * max(max(xs) - min(xs), max(ys) - min(ys), 0.01)
        axis.set_xlim(min(xs) - pad, max(xs) + pad)
        axis.set_ylim(min(ys) - pad, max(ys) + pad)
    axis.set_aspect(1.4)  # roughly 1/cos(45°): degrees of longitude are shorter in France
    axis.axis("off")
    axis.legend(handles=[Patch(color=CLASS_COLOURS[c], label=str(CLASS_LABELS[c]))
                         for c in DesertClass] + [Patch(color="#dddddd", label="non calculé")],
                loc="lower left", fontsize=7, frameon=False)
    figure.tight_layout()
    return figure


def class_map_svg(figures: AccessFigures, territory: TerritoryRef) -> str:
    from matplotlib import pyplot as plt

    figure = class_map_figure(figures, territory)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.find("<svg"):]
    return svg.replace("<svg ", '<svg role="img" aria-label="Carte des classes d\'accès" '
                       'style="width:100%;height:auto" ', 1)
