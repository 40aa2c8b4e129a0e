"""A simulation's charts (server-side SVG, the tables are beside them), CSV and PDF exports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

from maillage.financing.simulation import MODEL_COLOURS, PERCENTILES, Report


def euros(value: float) -> str:
    return f"{value:,.0f} €".replace(",", " ")


@contextmanager
def _figure(width: float = 6.4, height: float = 3.0) -> Iterator[tuple]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axis = plt.subplots(figsize=(width, height), dpi=100)
    try:
        yield figure, axis
    finally:
        plt.close(figure)


def _style(axis) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    for spine in ("top", "right"):
        axis.spines[spine].set_visible(False)
    axis.yaxis.set_major_locator(MaxNLocator(5))
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}".replace(",", " ")))


def _svg(figure) -> str:
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    svg = svg[svg.find("<svg"):]
    # Scales with its column (phones): the viewBox keeps the proportions.
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                  r'<svg\1 width="100%" style="height:auto;max-width:40rem"', svg, count=1)


def _draw_by_model(report: Report, axis) -> None:
    c = report.comparison
    models = list(c.results)
    years = report.years
    width = 0.8 / max(len(years), 1)
    for k, year in enumerate(years):
        positions = [i + (k - (len(years) - 1) / 2) * width for i in range(len(models))]
        # Years told apart by hatching, not by colour alone.
        axis.bar(positions, [c.team_by_year[m][k] for m in models], width * 0.95,
                 color=[MODEL_COLOURS[m] for m in models], edgecolor="white",
                 hatch=YEAR_HATCHES[k % len(YEAR_HATCHES)])
        axis.bar([0], [0], color="white", edgecolor="#333333",
                 hatch=YEAR_HATCHES[k % len(YEAR_HATCHES)], label=str(year))
    axis.set_xticks(range(len(models)), [_short(m) for m in models], fontsize=8)
    axis.set_ylabel("€ perçus par l'équipe")
    if len(years) > 1:
        axis.legend(fontsize=8, frameon=False, loc="lower center", ncol=len(years),
                    bbox_to_anchor=(0.5, 1.0))
    _style(axis)


YEAR_HATCHES = ("", "///", "...", "xxx", "\\\\")


def _draw_distribution(report: Report, axis) -> None:
    rows = report.distribution_rows()
    for i, row in enumerate(rows):
        p10, p25, p50, p75, p90 = row["values"]
        colour = MODEL_COLOURS[row["model"]]
        axis.plot([p10, p90], [i, i], color=colour, linewidth=1.5)
        axis.barh(i, p75 - p25, left=p25, height=0.5, color=colour, alpha=0.6)
        axis.plot([p50, p50], [i - 0.25, i + 0.25], color="black", linewidth=2)
    axis.set_yticks(range(len(rows)), [_short(r["model"]) for r in rows], fontsize=8)
    axis.invert_yaxis()
    axis.set_xlabel("€ perçus par patient et par an (P10, P25–P75, médiane, P90)")
    from matplotlib.ticker import FuncFormatter

    axis.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}".replace(",", " ")))
    for spine in ("top", "right"):
        axis.spines[spine].set_visible(False)


def _draw_sensitivity(report: Report, axis) -> None:
    s = report.sensitivity
    assert s is not None
    rows = s.rows()
    axis.plot(s.values, [r[2] for r in rows], marker="o", color=MODEL_COLOURS[s.model],
              label="équipe")
    axis.plot(s.values, [r[4] for r in rows], marker="s", linestyle="--", color="#444444",
              label="payeur")
    axis.axhline(0, color="#999999", linewidth=0.8)
    axis.set_xlabel(_wrap(s.label.split(" — ", 1)[-1]), fontsize=8)
    axis.set_ylabel("écart au paiement à l'acte (€,\ntoutes années)", fontsize=8)
    axis.legend(fontsize=8, frameon=False)
    _style(axis)


def _short(model: str) -> str:
    return {"fee_for_service": "À l'acte", "peps": "Peps", "ipep": "Ipep",
            "episode": "Épisode (EDS)", "mssp": "MSSP"}[model]


def _wrap(text: str, width: int = 70) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def by_model_svg(report: Report) -> str:
    with _figure() as (figure, axis):
        _draw_by_model(report, axis)
        return _svg(figure)


def distribution_svg(report: Report) -> str:
    with _figure(6.4, 2.8) as (figure, axis):
        _draw_distribution(report, axis)
        return _svg(figure)


def sensitivity_svg(report: Report) -> str:
    with _figure(6.4, 3.0) as (figure, axis):
        _draw_sensitivity(report, axis)
        return _svg(figure)


CSV_COLUMNS = ["section", "modele", "annee", "groupe", "indicateur", "valeur", "source",
               "hypothese"]


def report_csv(report: Report, title: str) -> str:
    """Long format: one value per line, every parameter with its source."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["titre", "", "", "", title, "", "", ""])
    for row in report.year_rows():
        for key in ("team", "team_delta", "payer", "payer_delta", "team_per_patient"):
            writer.writerow(["par_annee", row["model"], row["year"], "", key,
                             f"{row[key]:.2f}", "", ""])
    models = list(report.comparison.results)
    for row in report.group_rows():
        for model, value in zip(models, row["values"], strict=True):
            writer.writerow(["par_groupe", model, row["year"], str(row["group"]),
                             "equipe", f"{value:.2f}", "", ""])
    for row in report.distribution_rows():
        for p, value in zip(PERCENTILES, row["values"], strict=True):
            writer.writerow(["par_patient", row["model"], "", "", f"p{p}", f"{value:.2f}", "",
                             ""])
    for row in report.detail_rows():
        for year, value in zip(report.years, row["values"], strict=True):
            writer.writerow(["detail", str(row["model"]), year, "", str(row["label"]),
                             f"{value:.6g}", "", ""])
    if report.sensitivity is not None:
        s = report.sensitivity
        for value, team, payer in zip(s.values, s.team, s.payer, strict=True):
            writer.writerow(["sensibilite", s.model, "", "", f"{s.key}={value:g} equipe",
                             f"{team:.2f}", "", ""])
            writer.writerow(["sensibilite", s.model, "", "", f"{s.key}={value:g} payeur",
                             f"{payer:.2f}", "", ""])
    for p in report.parameters:
        writer.writerow(["parametre", p.model, "", "", p.key, p.shown, p.source,
                         "oui" if p.assumption else "non"])
    if report.estimated_reference:
        writer.writerow(["avertissement", "", "", "", "depense_reference",
                         "estimée sur la population (moyenne par année, âge et ALD)", "",
                         "oui"])
    return buffer.getvalue()


def _table_page(pdf, title: str, header: list[str], rows: list[list[str]],
                col_widths: list[float] | None = None, font: float = 7.5) -> None:
    from matplotlib import pyplot as plt

    per_page = 38
    for start in range(0, max(len(rows), 1), per_page):
        figure = plt.figure(figsize=(8.27, 11.69))  # A4 portrait
        figure.text(0.05, 0.96, title, fontsize=12, weight="bold")
        axis = figure.add_axes((0.05, 0.05, 0.9, 0.88))
        axis.axis("off")
        chunk = rows[start:start + per_page] or [["—"] * len(header)]
        table = axis.table(cellText=chunk, colLabels=header, loc="upper left",
                           cellLoc="left", colWidths=col_widths)
        table.auto_set_font_size(False)
        table.set_fontsize(font)
        table.scale(1, 1.35)
        pdf.savefig(figure)
        plt.close(figure)


def _text_pages(pdf, title: str, lines: list[tuple[str, bool]], per_page: int = 70) -> None:
    from matplotlib import pyplot as plt

    for start in range(0, len(lines), per_page):
        figure = plt.figure(figsize=(8.27, 11.69))
        figure.text(0.05, 0.96, title, fontsize=12, weight="bold")
        for i, (line, bold) in enumerate(lines[start:start + per_page]):
            figure.text(0.05, 0.93 - i * 0.0125, line, fontsize=6.5,
                        weight="bold" if bold else "normal", va="top")
        pdf.savefig(figure)
        plt.close(figure)


def report_pdf(report: Report, title: str) -> bytes:
    """Charts and their tables, then every parameter with its source (A4 pages)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title, "Creator": "Maillage"}) as pdf:
        figure = plt.figure(figsize=(8.27, 11.69))
        figure.text(0.05, 0.96, _wrap(title, 80), fontsize=13, weight="bold", va="top")
        notes = ["Simulation des modèles de paiement — Maillage."]
        if report.estimated_reference:
            notes.append("Dépense de référence estimée sur la population elle-même "
                         "(moyenne par année, tranche d'âge et ALD).")
        assumptions = len(report.assumptions())
        notes.append(f"{assumptions} paramètre(s) reposent sur une hypothèse (voir la liste).")
        figure.text(0.05, 0.91, "\n".join(notes), fontsize=8, va="top")
        axes = [figure.add_axes((0.12, 0.52, 0.83, 0.30)),
                figure.add_axes((0.18, 0.10, 0.77, 0.30))]
        _draw_by_model(report, axes[0])
        axes[0].set_title("Rémunération de l'équipe par modèle", fontsize=9, pad=24)
        _draw_distribution(report, axes[1])
        axes[1].set_title("Distribution par patient", fontsize=9)
        pdf.savefig(figure)
        plt.close(figure)
        if report.sensitivity is not None:
            figure, axis = plt.subplots(figsize=(8.27, 5.0))
            _draw_sensitivity(report, axis)
            axis.set_title(_wrap("Sensibilité : " + report.sensitivity.label, 90), fontsize=9)
            figure.tight_layout()
            pdf.savefig(figure)
            plt.close(figure)
        _table_page(pdf, "Par année et par modèle",
                    ["Modèle", "Année", "Équipe", "Écart / acte", "Payeur", "Écart payeur"],
                    [[_short(r["model"]), str(r["year"]), euros(r["team"]),
                      euros(r["team_delta"]), euros(r["payer"]), euros(r["payer_delta"])]
                     for r in report.year_rows()])
        models = list(report.comparison.results)
        _table_page(pdf, "Par groupe professionnel (équipe, €)",
                    ["Année", "Groupe", *[_short(m) for m in models]],
                    [[str(r["year"]), str(r["group"]), *[euros(v) for v in r["values"]]]
                     for r in report.group_rows()],
                    col_widths=[0.08, 0.27, *[0.13] * len(models)], font=7)
        lines: list[tuple[str, bool]] = []
        for p in report.parameters:
            flag = " — HYPOTHÈSE" if p.assumption else ""
            lines.append((f"{_short(p.model)} — {p.label} : {p.shown} (défaut {p.default_shown})"
                          f"{flag}", True))
            lines.extend((f"    {line}", False) for line in _wrap(p.source, 130).split("\n"))
        _text_pages(pdf, "Paramètres : valeur, défaut, source", lines)
    return buffer.getvalue()

