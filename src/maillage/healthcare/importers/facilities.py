"""Facilities: the geolocated FINESS extract and DREES's SAE establishment table."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import Any

from django.db import transaction

from maillage.healthcare.importers.common import (
    CommuneResolver,
    FetchedFile,
    ImportSummary,
    ProgressCallback,
    SourceInfo,
    TerritoryImportError,
    commune_code,
    csv_rows,
    decode,
    decode_any,
    read_file,
    scope_of,
    silent,
    source_upsert,
)
from maillage.healthcare.models import Facility, FacilityKind, SourceKind
from maillage.territories.importers import fetch

FINESS_CODE = re.compile(r"^\d[0-9AB]\d{7}$")

# FINESS "catégorie d'établissement" → kind. Codes and labels from the FINESS nomenclature
# (data.gouv.fr "FINESS Extraction du Fichier des établissements", field categetab):
# short-stay hospitals (101 CHR, 106 centre hospitalier ex hôpital local, 108 CHU,
# 114 hôpital des armées, 115 service de santé des armées, 122 obstétrique, 128 soins
# chirurgicaux, 129 soins médicaux, 131 centre de lutte contre le cancer, 355 CH,
# 365 soins pluridisciplinaires), rehabilitation 109, long stay 362, home hospitalisation 127,
# psychiatry 161, 292, 430; 603 maison de santé (L.6223-3); 124 centre de santé;
# 620 pharmacie d'officine.
HOSPITAL_CATEGORIES = frozenset({"101", "106", "108", "109", "114", "115", "122", "127", "128",
                                 "129", "131", "161", "292", "355", "362", "365", "430"})
FACILITY_KINDS: dict[str, str] = {
    **dict.fromkeys(HOSPITAL_CATEGORIES, FacilityKind.HOPITAL),
    "603": FacilityKind.MSP,
    "124": FacilityKind.CENTRE_SANTE,
    "620": FacilityKind.PHARMACIE,
}
CATEGORY_LABELS = {
    "101": "Centre Hospitalier Régional (C.H.R.)", "106": "Centre hospitalier, ex Hôpital local",
    "108": "Centre Hospitalier Universitaire (C.H.U.)", "109": "Etablissement de santé privé "
    "autorisé en SSR", "114": "Hôpital des armées", "122": "Etablissement de Soins Obstétriques",
    "124": "Centre de Santé", "127": "Hospitalisation à Domicile", "128": "Etablissement de "
    "Soins Chirurgicaux", "129": "Etablissement de Soins Médicaux", "131": "Centre de Lutte "
    "Contre le Cancer", "141": "Centre de dialyse", "146": "Structure d'Alternative à la dialyse "
    "en centre", "161": "Maison de Santé pour Maladies Mentales", "292": "Centre Hospitalier "
    "Spécialisé lutte Maladies Mentales", "355": "Centre Hospitalier (C.H.)", "362": "Etablissement"
    " de Soins Longue Durée", "365": "Etablissement de Soins Pluridisciplinaire", "603": "Maison de"
    " santé (L.6223-3)", "620": "Pharmacie d'Officine",
}

# FINESS gives metropolitan coordinates in Lambert-93 and overseas ones in UTM; the last item
# of `sourcecoordet` names the system.
FINESS_CRS = {"LAMBERT_93": "EPSG:2154", "UTM_N20": "EPSG:32620", "UTM_N22": "EPSG:32622",
              "UTM_S40": "EPSG:32740", "UTM_S38": "EPSG:32738"}
FINESS_STRUCTURE_FIELDS = 31  # 32 since numuai was added; both are read
FINESS_INFO = SourceInfo(
    name="FINESS, extraction du fichier des établissements (géolocalisé)",
    version="",
    licence="Licence Ouverte / Etalab 2.0",
    attribution="Ministère de la Santé (DREES), FINESS",
)

SAE_PATH = "health-supply/sae-2022/SAE_ID_2022r.csv"
SAE_URL = ("https://raw.githubusercontent.com/Alexandre484/StatApp/"
           "c2545a4cb57582ad6ddeb08c3d2cfa0836d8818e/SAE/2022/ID_2022r.csv")
SAE_INFO = SourceInfo(
    name="DREES, Statistique annuelle des établissements de santé (SAE), table ID",
    version="SAE 2022 (Alexandre484/StatApp c2545a4, SAE/2022/ID_2022r.csv)",
    licence="Licence Ouverte / Etalab",
    attribution="DREES, SAE 2022",
    caveat=("SAE : établissements de santé sans coordonnées, placés au centre de leur commune ; "
            "ni maisons ni centres de santé."),
)


def import_sae(
    *, region: str | None = None, path: str | None = None, mirror: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import DREES's SAE establishments as facilities (kind hopital unless FINESS says else)."""
    report = progress or silent
    report("Lecture de la SAE", 0, 3)
    fetched = read_file(path) if path else fetch(SAE_PATH, SAE_URL, mirror)
    text = decode(fetched, "latin-1")
    resolve = CommuneResolver(region)
    facilities: dict[str, Facility] = {}
    seen: set[str] = set()
    rows = 0
    for line, row in csv_rows(fetched, text, ";", ("fi", "fi_ej", "rs", "cat", "COMINSEE")):
        rows += 1
        finess = _finess(row["fi"], fetched.name, line, "fi")
        if finess in seen:
            raise TerritoryImportError(fetched.name, f"FINESS {finess} en double", line, "fi")
        seen.add(finess)
        legal = _finess(row["fi_ej"], fetched.name, line, "fi_ej") if row["fi_ej"] else ""
        category = _category(row["cat"], fetched.name, line, "cat")
        code = commune_code(row["COMINSEE"], fetched.name, line, "COMINSEE")
        if not row["rs"]:
            raise TerritoryImportError(fetched.name, "valeur manquante", line, "rs")
        commune = resolve(code)
        if commune is None:
            continue
        facilities[finess] = Facility(
            finess=finess, legal_finess=legal, name=row["rs"][:300], category_code=category,
            category_label=CATEGORY_LABELS.get(category, ""),
            kind=FACILITY_KINDS.get(category, FacilityKind.HOPITAL), commune_id=commune,
        )
    report("Enregistrement", 2, 3)
    summary = _write_facilities(SourceKind.SAE, fetched, SAE_INFO, rows, facilities, resolve,
                                scope_of(region), {})
    report("Terminé", 3, 3)
    return summary


def import_finess(
    path: str, *, region: str | None = None, progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import the geolocated FINESS extract (etalab-cs1100507-stock-*.csv).

    Only the categories of FACILITY_KINDS are kept (hospitals, MSP, centres de santé,
    pharmacies); Lambert-93 / UTM coordinates are converted to WGS84 with pyproj.
    """
    report = progress or silent
    report("Lecture du FINESS", 0, 3)
    fetched = read_file(path)
    text = decode_any(fetched)
    reader = csv.reader(io.StringIO(text), delimiter=";")
    first = next(reader, None)
    if not first or first[:2] != ["finess", "etalab"]:
        raise TerritoryImportError(fetched.name, "en-tête « finess;etalab;… » attendu", line=1)
    version = f"FINESS {first[3]}" if len(first) > 3 else ""
    resolve = CommuneResolver(region)
    facilities: dict[str, Facility] = {}
    seen: set[str] = set()
    points: dict[str, tuple[float, float, str]] = {}
    out_of_field = 0
    rows = 0
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        section = row[0]
        if section == "structureet":
            rows += 1
            if len(row) < FINESS_STRUCTURE_FIELDS:
                raise TerritoryImportError(
                    fetched.name, f"{len(row)} champs au lieu de 32 (fichier tronqué ?)", line,
                    "structureet")
            finess = _finess(row[1], fetched.name, line, "nofinesset")
            if finess in seen:
                raise TerritoryImportError(fetched.name, f"FINESS {finess} en double", line,
                                           "nofinesset")
            seen.add(finess)
            category = _category(row[18], fetched.name, line, "categetab")
            code = commune_code(row[13] + row[12], fetched.name, line, "commune")
            kind = FACILITY_KINDS.get(category)
            if kind is None:
                out_of_field += 1
                continue
            commune = resolve(code)
            if commune is None:
                continue
            legal = _finess(row[2], fetched.name, line, "nofinessej") if row[2] else ""
            facilities[finess] = Facility(
                finess=finess, legal_finess=legal, name=(row[4] or row[3])[:300],
                category_code=category, category_label=row[19][:200], kind=kind,
                commune_id=commune,
            )
        elif section == "geolocalisation":
            if len(row) < 5:
                raise TerritoryImportError(
                    fetched.name, f"{len(row)} champs au lieu de 6 (fichier tronqué ?)", line,
                    "geolocalisation")
            finess = _finess(row[1], fetched.name, line, "nofinesset")
            if not row[2] and not row[3]:
                continue
            x = _coordinate(row[2], fetched.name, line, "coordxet")
            y = _coordinate(row[3], fetched.name, line, "coordyet")
            points[finess] = (x, y, row[4].rsplit(",", 1)[-1].strip())
        else:
            raise TerritoryImportError(fetched.name, f"section inconnue {section!r}", line)
    report("Conversion des coordonnées", 1, 3)
    unknown_crs = _locate(facilities, points)
    report("Enregistrement", 2, 3)
    details = {"hors champ (autres catégories)": out_of_field,
               "sans coordonnées": sum(1 for f in facilities.values() if f.latitude is None),
               "système de coordonnées inconnu": unknown_crs}
    info = SourceInfo(**{**FINESS_INFO.__dict__, "version": version})
    summary = _write_facilities(SourceKind.FINESS, fetched, info, rows, facilities, resolve,
                                scope_of(region), details)
    report("Terminé", 3, 3)
    return summary


def _locate(facilities: dict[str, Facility], points: dict[str, tuple[float, float, str]]) -> int:
    from pyproj import Transformer

    transformers: dict[str, Any] = {}
    unknown = 0
    for finess, facility in facilities.items():
        if finess not in points:
            continue
        x, y, system = points[finess]
        crs = FINESS_CRS.get(system)
        if crs is None:
            unknown += 1
            continue
        if crs not in transformers:
            transformers[crs] = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        lon, lat = transformers[crs].transform(x, y)
        facility.latitude, facility.longitude = round(lat, 6), round(lon, 6)
    return unknown


def _finess(value: str, file: str, line: int, key: str) -> str:
    if not FINESS_CODE.match(value):
        raise TerritoryImportError(file, f"numéro FINESS mal formé {value!r}", line, key)
    return value


def _category(value: str, file: str, line: int, key: str) -> str:
    if not re.match(r"^\d{3,4}$", value):
        raise TerritoryImportError(file, f"catégorie mal formée {value!r}", line, key)
    return value


def _coordinate(value: str, file: str, line: int, key: str) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise TerritoryImportError(file, f"coordonnée non numérique {value!r}", line,
                                   key) from exc


@transaction.atomic
def _write_facilities(kind: str, fetched: FetchedFile, info: SourceInfo, rows: int,
                      facilities: dict[str, Facility], resolve: CommuneResolver, scope: str,
                      details: dict[str, int | float]) -> ImportSummary:
    source = source_upsert(kind, fetched, info, rows, scope)
    for facility in facilities.values():
        facility.source = source
    Facility.objects.bulk_create(
        facilities.values(), batch_size=500, update_conflicts=True, unique_fields=["finess"],
        update_fields=["legal_finess", "name", "category_code", "category_label", "kind",
                       "commune", "latitude", "longitude", "source"],
    )
    vanished = [pk for pk, finess in source.facilities.values_list("pk", "finess")
                if finess not in facilities]
    for start in range(0, len(vanished), 500):
        Facility.objects.filter(pk__in=vanished[start:start + 500]).delete()
    by_kind = Counter(f.kind for f in facilities.values())
    return ImportSummary(
        kind=kind, file_name=fetched.name, scope=scope, rows=rows, imported=len(facilities),
        skipped_rows=resolve.skipped_rows, skipped_communes=len(resolve.skipped),
        folded=resolve.folded,
        removed=len(vanished), details={**{str(k): v for k, v in sorted(by_kind.items())},
                                        **details},
    )
