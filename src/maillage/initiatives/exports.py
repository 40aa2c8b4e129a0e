"""The directory as CSV and as an open-data JSON file (Licence Ouverte / Etalab 2.0).

Only public facts about initiatives are exported: never a testimony's author, never an owner.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone

from maillage.initiatives.models import Initiative

LICENCE = {"name": "Licence Ouverte / Open Licence version 2.0 (Etalab)",
           "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
           "spdx": "etalab-2.0"}

COLUMNS = ["id", "nom", "type", "theme", "population_servie", "code_insee", "commune",
           "departement", "porte_par", "depuis", "contact", "comment_participer", "presentation",
           "enseignements", "resultats_declares", "latitude_centroide", "longitude_centroide",
           "source", "exemple_fictif", "url"]


def _results(initiative: Initiative) -> list[dict[str, Any]]:
    return [{"indicateur": r.label, "valeur": float(r.value), "unite": r.unit,
             "annee": r.year} for r in initiative.results.all()]


def initiative_record(initiative: Initiative, base_url: str = "") -> dict[str, Any]:
    c = initiative.commune
    return {
        "id": initiative.pk, "nom": initiative.title, "type": initiative.kind,
        "type_libelle": initiative.get_kind_display(), "theme": initiative.theme,
        "population_servie": initiative.population, "code_insee": c.code, "commune": c.name,
        "departement": c.departement_id, "porte_par": initiative.run_by,
        "depuis": initiative.started_on.isoformat() if initiative.started_on else None,
        "contact": initiative.contact, "comment_participer": initiative.how_to_join,
        "presentation": initiative.summary, "enseignements": initiative.lessons,
        "resultats_declares": _results(initiative),
        "latitude_centroide": c.latitude, "longitude_centroide": c.longitude,
        "source": initiative.source_app or "maillage",
        # Demo content (`maillage demo`) is fictive: said in every export.
        "exemple_fictif": initiative.is_demo,
        "url": base_url + initiative.get_absolute_url(),
    }


def directory_csv(initiatives: list[Initiative], base_url: str = "") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for initiative in initiatives:
        record = initiative_record(initiative, base_url)
        record["resultats_declares"] = " | ".join(
            f"{r['indicateur']} : {r['valeur']:g} {r['unite']}".strip()
            + (f" ({r['annee']})" if r["annee"] else "") for r in record["resultats_declares"])
        writer.writerow(["" if record[k] is None else record[k] for k in COLUMNS])
    return buffer.getvalue()


def directory_open_data(initiatives: list[Initiative], base_url: str = "") -> dict[str, Any]:
    return {
        "titre": "Initiatives pour l'accès aux soins — Maillage",
        "description": ("Annuaire des initiatives pour l'accès aux soins décrites par leurs "
                        "porteurs ou reprises des applications de Maillage. Les résultats sont "
                        "déclarés par les initiatives ; les positions sont les centroïdes des "
                        "communes."),
        "licence": LICENCE,
        "producteur": "Maillage",
        "genere_le": timezone.now().isoformat(timespec="seconds"),
        "nombre": len(initiatives),
        "initiatives": [initiative_record(i, base_url) for i in initiatives],
    }
