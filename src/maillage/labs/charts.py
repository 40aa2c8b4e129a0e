"""Server-side SVG of the lab dashboard (matplotlib); the table beside holds the same data."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from django.utils.translation import gettext as _


def stages_svg(by_stage: list[tuple[str, str, int]]) -> str:
    """Horizontal bars: projects per stage, the count written at the end of each bar."""
    if not any(n for _code, _label, n in by_stage):
        return ""
    labels = [label for _code, label, _n in by_stage]
    counts = [n for _code, _label, n in by_stage]
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.45 * len(labels)))
    bars = ax.barh(labels, counts, color="#6a6af4")
    ax.bar_label(bars, labels=[str(n) for n in counts], padding=3, fontsize=9)
    ax.set_xlabel(_("projets"))
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, max(counts) * 1.2 + 0.5)
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg")
    plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]
