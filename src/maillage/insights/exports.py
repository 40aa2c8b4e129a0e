"""Exports of a run: CSV table and SVG chart (the GeoJSON layer is a selector)."""

from __future__ import annotations

import csv
import io
import re

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.engines.access import DesertClass
from maillage.insights.models import AccessRun
from maillage.insights.selectors import (
    CLASS_CODES,
    CLASS_COLOURS,
    Comparison,
    run_provenance_lines,
)

CHART_LABELS = {
    DesertClass.PRIORITY: gettext_lazy("intervention\nprioritaire"),
    DesertClass.COMPLEMENTARY: gettext_lazy("action\ncomplémentaire"),
    DesertClass.NOT_UNDERSERVED: gettext_lazy("non sous-dotée"),
}

CSV_COLUMNS = [
    "code_insee", "commune", "apl", "desert_class", "population", "population_standardisee",
    "part_75_ans_et_plus", "distance_plus_proche_km", "temps_plus_proche_min",
    "offre_dans_la_commune", "unite", "methode_et_sources",
]


def run_csv(run: AccessRun, departement: str | None = None) -> str:
    """One row per commune (of one département if given). `apl` holds the run's
    accessibility (APL for GPs), in `unite`."""
    provenance = " | ".join(run_provenance_lines(run))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    results = run.results.select_related("commune").order_by("commune_id")
    if departement:
        results = results.filter(commune__departement_id=departement)
    for r in results:
        writer.writerow([
            r.commune_id, r.commune.name, f"{r.accessibility:.6f}",
            CLASS_CODES[DesertClass(r.desert_class)], f"{r.population:.0f}",
            f"{r.standardised_population:.1f}",
            "" if r.share_75_plus is None else f"{r.share_75_plus:.4f}",
            "" if r.nearest_km is None else f"{r.nearest_km:.2f}",
            "" if r.nearest_minutes is None else f"{r.nearest_minutes:.1f}",
            f"{r.supply:.1f}", run.unit, provenance,
        ])
    return buffer.getvalue()


COMPARISON_COLUMNS = [
    "code_insee", "commune", "avant", "apres", "ecart", "classe_avant", "classe_apres",
    "population", "unite", "calcul_avant", "calcul_apres", "sources_avant", "sources_apres",
]


def comparison_csv(comparison: Comparison) -> str:
    """One row per commune present in both runs, largest change first, with both provenances."""
    before, after = comparison.before, comparison.after
    sources = (" | ".join(run_provenance_lines(before)), " | ".join(run_provenance_lines(after)))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COMPARISON_COLUMNS)
    for r in comparison.rows:
        writer.writerow([
            r.code, r.name, f"{r.before:.6f}", f"{r.after:.6f}", f"{r.delta:.6f}",
            CLASS_CODES[DesertClass(r.class_before)], CLASS_CODES[DesertClass(r.class_after)],
            f"{r.population:.0f}", after.unit, before.pk, after.pk, *sources,
        ])
    return buffer.getvalue()


def population_by_class_svg(run: AccessRun) -> str:
    """A horizontal bar chart of the population in each class (the page shows the table too)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    by_class = run.summary.get("population_by_class", {})
    classes = list(DesertClass)
    values = [by_class.get(c.name.lower(), 0.0) for c in classes]
    figure, axis = plt.subplots(figsize=(6.4, 2.4), dpi=100)
    axis.barh(range(len(classes)), values, color=[CLASS_COLOURS[c] for c in classes])
    axis.set_yticks(range(len(classes)), [str(CHART_LABELS[c]) for c in classes])
    axis.invert_yaxis()
    axis.set_xlabel(_("habitants"))
    axis.xaxis.set_major_locator(MaxNLocator(4))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}".replace(",", " ")))
    axis.set_xlim(0, max(values) * 1.3 if max(values) > 0 else 1)
    for spine in ("top", "right"):
        axis.spines[spine].set_visible(False)
    for position, value in enumerate(values):
        axis.text(value, position, f" {value:,.0f}".replace(",", " "), va="center", fontsize=9)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.find("<svg"):]
    # Scale with its column (the viewBox keeps the proportions) instead of a fixed width.
    label = escape(_("Population par classe"))
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                  lambda m: f'<svg{m.group(1)} style="width:100%;height:auto" role="img" '
                            f'aria-label="{label}"', svg, count=1)
