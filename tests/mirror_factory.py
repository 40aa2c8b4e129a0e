"""A tiny open-data mirror in the official formats, written for the tests.

Three communes of Lozère (one a commune nouvelle whose 2018 boundary is split in two former
communes) and one of Aveyron, with square boundaries easy to reason about.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REGIONS = [
    {"code": "76", "chefLieu": "31555", "nom": "Occitanie", "zone": "metro"},
    {"code": "84", "chefLieu": "69123", "nom": "Auvergne-Rhône-Alpes", "zone": "metro"},
]
DEPARTEMENTS = [
    {"code": "12", "region": "76", "chefLieu": "12202", "nom": "Aveyron", "zone": "metro"},
    {"code": "48", "region": "76", "chefLieu": "48095", "nom": "Lozère", "zone": "metro"},
    {"code": "01", "region": "84", "chefLieu": "01053", "nom": "Ain", "zone": "metro"},
]
COMMUNES: list[dict[str, Any]] = [
    {"code": "48095", "nom": "Mende", "type": "commune-actuelle", "departement": "48",
     "region": "76", "codesPostaux": ["48000"], "population": 12464},
    {"code": "48017", "nom": "Badaroux", "type": "commune-actuelle", "departement": "48",
     "region": "76", "codesPostaux": ["48000"], "population": 1050},
    {"code": "48099", "nom": "Mont Lozère et Goulet", "type": "commune-actuelle",
     "departement": "48", "region": "76", "codesPostaux": ["48190", "48250"],
     "population": 1300, "anciensCodes": ["48012"]},
    {"code": "48012", "nom": "Bagnols-les-Bains", "type": "commune-deleguee",
     "departement": "48", "region": "76", "chefLieu": "48099"},
    {"code": "12208", "nom": "Saint-Affrique", "type": "commune-actuelle", "departement": "12",
     "region": "76", "codesPostaux": ["12400"], "population": 7941},
    {"code": "01001", "nom": "L'Abergement-Clémenciat", "type": "commune-actuelle",
     "departement": "01", "region": "84", "codesPostaux": ["01400"], "population": 860},
]
EPCIS = [
    {"code": "244800405", "nom": "CC Coeur de Lozère", "type": "CC", "populationTotale": 13514,
     "membres": [{"code": "48095"}, {"code": "48017"}]},
]
CENTRES = [
    ("48095", "Mende", "48", "76", "44.5", "3.5"),
    ("48017", "Badaroux", "48", "76", "44.5", "3.6"),
    ("48099", "Mont Lozère et Goulet", "48", "76", "44.45", "3.7"),
    ("12208", "Saint-Affrique", "12", "76", "43.95", "2.9"),
    ("01001", "L'Abergement-Clémenciat", "01", "84", "46.15", "4.93"),
]


def square(lon: float, lat: float, half: float = 0.05) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
        [lon - half, lat + half], [lon - half, lat - half]]]}


BOUNDARIES = {
    "48": [("48095", square(3.5, 44.5)), ("48017", square(3.6, 44.5)),
           # 2018: Mont Lozère et Goulet did not exist; its former communes had two shapes.
           ("48099", square(3.7, 44.45, 0.025)), ("48012", square(3.75, 44.45, 0.025))],
    "12": [("12208", square(2.9, 43.95))],
}


def json_lines(items: list[dict[str, Any]]) -> str:
    """The official layout: one element per line."""
    return "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]\n"


def write_mirror(root: Path, **overrides: str) -> Path:
    """Write the mirror under `root`; `overrides` replace a file's text, by file name."""
    cog = root / "territories" / "decoupage-administratif"
    cog.mkdir(parents=True, exist_ok=True)
    files = {
        "regions.json": json_lines(REGIONS),
        "departements.json": json_lines(DEPARTEMENTS),
        "communes.json": json_lines(COMMUNES),
        "epci.json": json_lines(EPCIS),
    }
    for name, text in files.items():
        (cog / name).write_text(overrides.get(name, text), encoding="utf-8")
    centres = root / "territories" / "communes-centres"
    centres.mkdir(parents=True, exist_ok=True)
    header = "code_insee,nom,departement,region,zone,population,latitude,longitude,coord_source"
    rows = [f"{c},{n},{d},{r},metro,1,{lat},{lon},name" for c, n, d, r, lat, lon in CENTRES]
    (centres / "communes_2026_pop_latlon.csv").write_text(
        overrides.get("communes_2026_pop_latlon.csv", "\n".join([header, *rows]) + "\n"),
        encoding="utf-8",
    )
    boundaries = root / "territories" / "boundaries-2018" / "departements"
    boundaries.mkdir(parents=True, exist_ok=True)
    names = {"48": "communes-48-lozere.geojson", "12": "communes-12-aveyron.geojson"}
    for code, features in BOUNDARIES.items():
        collection = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": g, "properties": {"code": c, "nom": c}}
            for c, g in features]}
        (boundaries / names[code]).write_text(
            overrides.get(names[code], json.dumps(collection)), encoding="utf-8"
        )
    return root
