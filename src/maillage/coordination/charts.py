"""Server-side SVG of the cohort dashboard (matplotlib); the table beside holds the same data."""

from __future__ import annotations

import io
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from django.utils.translation import gettext as _


def cohort_svg(rows) -> str:
    if not rows:
        return ""
    patients: Counter[str] = Counter()
    at_risk: Counter[str] = Counter()
    for row in rows:
        patients[row.pathway] += row.patients
        at_risk[row.pathway] += row.at_risk
    names = sorted(patients)
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.5 * len(names)))
    ax.barh(names, [patients[n] for n in names], color="#cacafb", label=_("patients"))
    ax.barh(names, [at_risk[n] for n in names], color="#e1000f",
            label=_("à risque de rupture"))
    ax.set_xlabel(_("patients"))
    ax.legend(loc="lower right", fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]


def evaluation_svg(rows) -> str:
    """Mean score as a share of the maximum, per département and questionnaire (shown rows)."""
    rows = [r for r in rows if r.level != "commune"]
    if not rows:
        return ""
    labels = [f"{r.questionnaire[:28]} — {r.territory}" for r in rows]
    shares = [100 * r.mean_score / r.max_score if r.max_score else 0 for r in rows]
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.45 * len(rows)))
    ax.barh(labels, shares, color="#6a6af4")
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("score moyen, en % du score maximal"))
    ax.invert_yaxis()
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]
