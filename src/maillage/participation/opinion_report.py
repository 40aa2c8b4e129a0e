"""Opinion maps shown and exported: the 2-D scatter (SVG), CSV files, the PDF report."""

from __future__ import annotations

import csv
import io
from html import escape
from typing import Any

from django.utils.translation import gettext as _

from maillage.participation.models import Conversation, StatementVote

# Colour-blind-safe (Okabe-Ito); each group also carries its letter in the legend and table.
GROUP_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
                 "#F0E442"]
POLIS_ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed "
    "under CC BY 4.0 with Attribution to The Computational Democracy Project.")


def group_colour(label: str) -> str:
    index = ord(label[0]) - ord("A") if label else 0
    return GROUP_COLOURS[index % len(GROUP_COLOURS)]


def scatter_svg(summary: dict[str, Any], *, size: int = 320, title_id: str = "map-title") -> str:
    """Participants as dots on the map's two axes, coloured by group, in a plain SVG."""
    points = summary.get("points") or []
    if not points:
        return ""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    span = max(max(map(abs, xs)), max(map(abs, ys)), 1e-9)
    margin = 12
    scale = (size / 2 - margin) / span

    def at(x: float, y: float) -> tuple[float, float]:
        return round(size / 2 + x * scale, 1), round(size / 2 - y * scale, 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
             f'width="100%" style="max-width:{size * 1.5}px" role="img" '
             f'aria-labelledby="{title_id}">',
             f'<title id="{title_id}">{escape(scatter_caption(summary))}</title>',
             f'<rect width="{size}" height="{size}" fill="#f6f6f6"/>',
             f'<line x1="{size / 2}" y1="0" x2="{size / 2}" y2="{size}" stroke="#ddd"/>',
             f'<line x1="0" y1="{size / 2}" x2="{size}" y2="{size / 2}" stroke="#ddd"/>']
    for x, y, label in points:
        cx, cy = at(x, y)
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{group_colour(label)}" '
                     'fill-opacity="0.7"/>')
    for group in summary.get("groups", []):
        mine = [(p[0], p[1]) for p in points if p[2] == group["label"]]
        if mine:
            cx, cy = at(sum(p[0] for p in mine) / len(mine), sum(p[1] for p in mine) / len(mine))
            cy = cy - 14 if cy > 24 else cy + 14  # beside the dots, not over them
            parts.append(f'<text x="{cx}" y="{cy}" font-size="18" font-weight="bold" '
                         f'text-anchor="middle" dominant-baseline="middle" fill="#161616" '
                         f'stroke="#fff" stroke-width="3" paint-order="stroke">'
                         f'{escape(group["label"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def scatter_caption(summary: dict[str, Any]) -> str:
    groups = ", ".join(_("groupe %(g)s : %(n)s personnes") % {"g": g["label"], "n": g["size"]}
                       for g in summary.get("groups", []))
    return _("Carte d'opinion : chaque point est un participant, placé selon ses votes ; "
             "%(groups)s.") % {"groups": groups}


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    return buffer.getvalue()


def votes_csv(conversation: Conversation) -> str:
    """Every current vote, under the participant's pseudonym (never a name or an e-mail)."""
    pseudonyms: dict[str, int] = {}
    rows: list[list[Any]] = [["participant", "statement", "vote", "timestamp"]]
    for participant, statement, value, when in (
            StatementVote.objects.filter(conversation=conversation)
            .order_by("updated_at", "pk")
            .values_list("participant", "statement_id", "value", "updated_at")):
        number = pseudonyms.setdefault(participant, len(pseudonyms) + 1)
        rows.append([number, statement, value, when.isoformat()])
    return _csv(rows)


def statements_csv(conversation: Conversation, summary: dict[str, Any]) -> str:
    computed = {s["id"]: s for s in summary.get("statements", [])}
    labels = [g["label"] for g in summary.get("groups", [])]
    rows: list[list[Any]] = [["statement", "text", "status", "seed", "agree", "disagree", "pass",
                              "group_informed_consensus", "bridging"]
                             + [f"group_{g}_agree_pct" for g in labels]]
    for statement in conversation.statements.order_by("pk"):
        row = computed.get(statement.pk, {})
        per_group = {g["group"]: g.get("agree_pct") for g in row.get("groups", [])}
        rows.append([statement.pk, statement.text, statement.status, int(statement.is_seed),
                     row.get("agree", ""), row.get("disagree", ""), row.get("pass", ""),
                     row.get("consensus", ""), row.get("bridging", "")]
                    + [per_group.get(g, "") for g in labels])
    return _csv(rows)


def groups_csv(summary: dict[str, Any]) -> str:
    rows: list[list[Any]] = [["group", "size", "rank", "statement", "text", "direction",
                              "p_success", "n_success", "n_trials", "repness"]]
    for group in summary.get("groups", []):
        for rank, rep in enumerate(group["repness"], start=1):
            rows.append([group["label"], group["size"], rank, rep["statement"], rep["text"],
                         rep["direction"], rep["p_success"], rep["n_success"], rep["n_trials"],
                         rep["repness"]])
        if not group["repness"]:
            rows.append([group["label"], group["size"], "", "", "", "", "", "", "", ""])
    return _csv(rows)


def report_pdf(conversation: Conversation, summary: dict[str, Any], computed_at: Any) -> bytes:
    """The report as a PDF (matplotlib PdfPages): the map, the groups, consensus, bridging."""
    import matplotlib

    matplotlib.use("Agg")
    import textwrap

    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        figure = plt.figure(figsize=(8.27, 11.69))
        figure.text(0.07, 0.95, textwrap.fill(conversation.title, 70), fontsize=14,
                    weight="bold", va="top")
        figure.text(0.07, 0.90, _("%(p)s participants, %(v)s votes, %(k)s groupes — calculé le "
                                  "%(d)s") % {"p": summary.get("n_participants", 0),
                                              "v": summary.get("n_votes", 0),
                                              "k": len(summary.get("groups", [])),
                                              "d": f"{computed_at:%d/%m/%Y %H:%M}"},
                    fontsize=9, va="top")
        axis = figure.add_axes((0.15, 0.45, 0.7, 0.4))
        for group in summary.get("groups", []):
            mine = [p for p in summary.get("points", []) if p[2] == group["label"]]
            axis.scatter([p[0] for p in mine], [p[1] for p in mine], s=8,
                         color=group_colour(group["label"]),
                         label=f"{group['label']} ({group['size']})")
        if summary.get("groups"):
            axis.legend(title=_("Groupes"), fontsize=8)
        axis.set_xticks([])
        axis.set_yticks([])
        lines = [_("Consensus (d'accord dans tous les groupes) :")]
        lines += [f"  • {c['text']}" for c in summary.get("consensus", {}).get("agree", [])]
        lines += ["", _("Affirmations qui rapprochent (score de pont) :")]
        lines += [f"  • {b['text']}" for b in summary.get("bridging", [])]
        if conversation.source:
            lines += ["", conversation.source]
        wrapped = "\n".join(textwrap.fill(line, 95, subsequent_indent="    ")
                            for line in lines)
        figure.text(0.07, 0.40, wrapped, fontsize=8, va="top")
        pdf.savefig(figure)
        plt.close(figure)
        for group in summary.get("groups", []):
            figure = plt.figure(figsize=(8.27, 11.69))
            text = [_("Groupe %(g)s — %(n)s personnes") % {"g": group["label"],
                                                            "n": group["size"]}, ""]
            for rep in group["repness"]:
                verb = _("d'accord") if rep["direction"] == "agree" else _("pas d'accord")
                pct = round(100 * (rep["p_success"] or 0))
                text.append(textwrap.fill(f"• {pct} % {verb} : {rep['text']}", 95,
                                          subsequent_indent="    "))
            figure.text(0.07, 0.95, "\n".join(text), fontsize=9, va="top")
            pdf.savefig(figure)
            plt.close(figure)
    return buffer.getvalue()
