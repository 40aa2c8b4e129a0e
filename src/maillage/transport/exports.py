"""Monthly report for funders as CSV, SVG charts and PDF; receipts. Aggregates only."""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from maillage.transport.selectors import MonthReport

CSV_COLUMNS = ["section", "libelle", "valeur"]


def _sections(report: MonthReport) -> list[tuple[str, str, object]]:
    rows: list[tuple[str, str, object]] = [
        ("synthese", "transports effectues", report.rides_done),
        ("synthese", "trajets effectues (aller ou retour)", report.trips_done),
        ("synthese", "kilometres", f"{report.km:.1f}"),
        ("synthese", "participations des beneficiaires (EUR)", f"{report.contributions:.2f}"),
        ("synthese", "heures de benevolat (prise en charge a depose)",
         f"{report.volunteer_hours:.2f}"),
        ("synthese", "beneficiaires transportes", report.beneficiaries),
        ("synthese", "demandes non satisfaites", report.unmet_total),
    ]
    rows += [("beneficiaires_par_commune", name, n) for name, n in report.by_commune]
    rows += [("beneficiaires_par_age", band, n) for band, n in report.by_age_band]
    rows += [("destinations_par_type", kind, n) for kind, n in report.by_destination_type]
    rows += [("demandes_non_satisfaites_par_motif", why, n) for why, n in report.unmet]
    return rows


def month_report_csv(report: MonthReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _sections(report):
        writer.writerow(row)
    return buffer.getvalue()


def _figure(rows: list[tuple[str, int]], title: str):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    labels = [label for label, _n in rows] or ["—"]
    values = [n for _label, n in rows] or [0]
    figure, axis = plt.subplots(figsize=(6.4, 0.5 + 0.4 * len(labels)), dpi=100)
    axis.barh(range(len(labels)), values, color="#000091")
    axis.set_yticks(range(len(labels)), labels)
    axis.invert_yaxis()
    axis.set_title(title, fontsize=10, loc="left")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_xlim(0, max(values) * 1.25 if max(values) > 0 else 1)
    for spine in ("top", "right"):
        axis.spines[spine].set_visible(False)
    for position, value in enumerate(values):
        axis.text(value, position, f" {value}", va="center", fontsize=9)
    figure.tight_layout()
    return figure


def bar_svg(rows: list[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart; the page shows the same figures in a table beside it."""
    from matplotlib import pyplot as plt

    figure = _figure(rows, title)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.find("<svg"):]
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                  rf'<svg\1 style="width:100%;height:auto" role="img" aria-label="{title}"',
                  svg, count=1)


def report_charts(report: MonthReport) -> list[tuple[str, str, list[tuple[str, int]]]]:
    sections = [
        (_("Bénéficiaires par commune"), report.by_commune),
        (_("Bénéficiaires par tranche d'âge"), report.by_age_band),
        (_("Destinations par type"), report.by_destination_type),
        (_("Demandes non satisfaites par motif"), report.unmet),
    ]
    return [(title, bar_svg(rows, title), rows) for title, rows in sections]


def month_report_pdf(report: MonthReport) -> bytes:
    """A printable PDF: key figures, then one chart per page section (matplotlib's PDF backend)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        cover = plt.figure(figsize=(8.27, 11.69))
        lines = [f"{report.association.name}",
                 f"Transport solidaire — rapport de {report.month:02d}/{report.year}", ""]
        lines += [f"{label} : {value}" for section, label, value in _sections(report)
                  if section == "synthese"]
        lines += ["", "Agrégats seulement : aucun nom, téléphone ni adresse."]
        cover.text(0.08, 0.92, "\n".join(lines), va="top", fontsize=12, family="DejaVu Sans")
        pdf.savefig(cover)
        plt.close(cover)
        for title, rows in [(t, r) for t, _svg, r in report_charts(report)]:
            figure = _figure(rows, title)
            pdf.savefig(figure)
            plt.close(figure)
    return buffer.getvalue()
