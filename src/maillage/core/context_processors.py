"""The navigation: one entry per pillar of the platform; pillars not built yet say "bientôt"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

PILLARS: list[dict[str, Any]] = [
    {
        "label": _("Mesurer l'accès"),
        "items": [
            (_("Territoires et communes"), "territories:index"),
            (_("Tableau de bord de l'accès aux soins"), "insights:dashboard"),
            (_("Scénarios et implantations"), "planning:index"),
        ],
    },
    {
        "label": _("Écouter et décider"),
        "items": [
            (_("Signalements"), "participation:signalements"),
            (_("Concertations et consultations"), "participation:processes"),
            (_("Cartes d'opinion"), "participation:opinion_maps"),
            (_("Pétitions et débats"), "mobilization:index"),
        ],
    },
    {
        "label": _("Agir ensemble"),
        "items": [
            (_("Transport solidaire"), "transport:index"),
            (_("Laboratoires et hackathons"), "labs:index"),
            (_("Coopération des soins"), "coordination:index"),
            (_("Simulateur de financement"), "financing:index"),
            (_("Initiatives et témoignages"), "initiatives:index"),
        ],
    },
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    menu = []
    for index, pillar in enumerate(PILLARS):
        items = []
        for label, url_name in pillar["items"]:
            try:
                url = reverse(url_name) if url_name else None
            except NoReverseMatch:
                url = None
            items.append({"label": label, "url": url})
        menu.append({"id": f"menu-{index}", "label": pillar["label"], "items": items})
    return {"MAILLAGE_MENU": menu}
