"""Counts per commune and profession: SIRENE establishments (stand-in) and INSEE's BPE."""

from __future__ import annotations

from collections import defaultdict

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
    number,
    read_file,
    scope_of,
    silent,
    source_upsert,
)
from maillage.healthcare.models import Profession, SourceKind, SupplyCount
from maillage.territories.importers import fetch

SIRENE_PATH = "health-supply/sirene-2019/PS_communes_sirene_2019.csv"
# Where the mirror's copy comes from (PROVENANCE.txt), pinned to the commit.
SIRENE_URL = ("https://raw.githubusercontent.com/virgilus/desert-medicaux-global/"
              "f51fbf437ef869d1cf1da5aa57491a08fc33ab69/notebooks/data_save/processed/"
              "PS_communes.csv")
SIRENE_CODE_COLUMN = "codecommuneetablissement"
# NAF 86 columns of the file (shared/data/health-supply/sirene-2019/PROVENANCE.txt) per
# profession. 86.90D counts nurses *and* midwives; 86.90E physiotherapists and other
# rehabilitation professions; specialists add 86.22A, B and C.
SIRENE_COLUMNS: dict[str, tuple[str, ...]] = {
    Profession.GENERALISTE: ("generaliste",),
    Profession.CHIRURGIEN_DENTISTE: ("dentiste",),
    Profession.INFIRMIER: ("infirmiers",),
    Profession.MASSEUR_KINESITHERAPEUTE: ("reeducateur_podologue",),
    Profession.SPECIALISTE: ("autre_specialiste", "chirurgien", "radiologiste"),
}
SIRENE_INFO = SourceInfo(
    name="Établissements de santé SIRENE par commune (NAF 86, 2019)",
    version="stock SIRENE mars 2019, géographie 2019 (virgilus/desert-medicaux-global f51fbf4)",
    licence="Licence Ouverte / Etalab 2.0 (SIRENE) ; agrégation MIT",
    attribution="INSEE, répertoire SIRENE ; agrégation virgilus/desert-medicaux-global",
    is_stand_in=True,
    caveat=("établissements SIRENE, pas des praticiens : un cabinet de groupe compte une fois, "
            "les salariés manquent ; des établissements fermés peuvent subsister (stock 2019). "
            "Les infirmiers incluent les sages-femmes (NAF 86.90D), les kinésithérapeutes "
            "les autres professions de rééducation (86.90E)."),
)

# INSEE BPE equipment types (nomenclature of BPE 2023 onwards, checked against the BPE 2024
# reference list) → profession. D201 is the former code of general practitioners (BPE ≤ 2021).
BPE_TYPES: dict[str, str] = {
    "D265": Profession.GENERALISTE,
    "D201": Profession.GENERALISTE,
    "D277": Profession.CHIRURGIEN_DENTISTE,
    "D278": Profession.SAGE_FEMME,
    "D279": Profession.MASSEUR_KINESITHERAPEUTE,
    "D281": Profession.INFIRMIER,
    "D307": Profession.PHARMACIE,
}
BPE_INFO = SourceInfo(
    name="INSEE, base permanente des équipements (BPE)",
    version="",
    licence="Licence Ouverte / Etalab 2.0",
    attribution="INSEE, base permanente des équipements",
    caveat=("BPE : un équipement par professionnel libéral et par lieu d'exercice ; "
            "les salariés (centres de santé, hôpitaux) ne sont pas comptés."),
)


def import_sirene_counts(
    *, region: str | None = None, path: str | None = None, mirror: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import the SIRENE establishment counts per commune (a stand-in for practitioners).

    The file is in the 2019 geography: establishments of a commune merged since are counted
    in its commune nouvelle (through `Commune.former_codes`).
    """
    report = progress or silent
    report("Lecture des établissements SIRENE", 0, 3)
    fetched = read_file(path) if path else fetch(SIRENE_PATH, SIRENE_URL, mirror)
    text = decode(fetched, "utf-8-sig")
    required = (SIRENE_CODE_COLUMN, *{c for cols in SIRENE_COLUMNS.values() for c in cols})
    resolve = CommuneResolver(region)
    counts: dict[tuple[str, str], float] = defaultdict(float)
    seen: set[str] = set()
    rows = 0
    for line, row in csv_rows(fetched, text, ";", required):
        rows += 1
        code = commune_code(row[SIRENE_CODE_COLUMN], fetched.name, line, SIRENE_CODE_COLUMN)
        if code in seen:
            raise TerritoryImportError(fetched.name, f"commune {code} en double", line,
                                       SIRENE_CODE_COLUMN)
        seen.add(code)
        values = {p: sum(number(row[c], fetched.name, line, c) for c in columns)
                  for p, columns in SIRENE_COLUMNS.items()}
        commune = resolve(code)
        if commune is None:
            continue
        for profession, value in values.items():
            if value > 0:
                counts[(profession, commune)] += value
    report("Enregistrement", 2, 3)
    summary = _write_counts(SourceKind.SIRENE_COUNTS, fetched, SIRENE_INFO, rows, counts,
                            resolve, scope_of(region))
    report("Terminé", 3, 3)
    return summary


def import_bpe(
    path: str, *, region: str | None = None, version: str = "",
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import INSEE BPE counts of health professionals per commune.

    Two official layouts are read: the detailed file (one row per equipment: DEPCOM, TYPEQU,
    …) and the communal file (DEPCOM, TYPEQU, NB_EQUIP). Other equipment types are ignored.
    """
    report = progress or silent
    report("Lecture de la BPE", 0, 3)
    fetched = read_file(path)
    text = decode_any(fetched)
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    resolve = CommuneResolver(region)
    counts: dict[tuple[str, str], float] = defaultdict(float)
    pairs: set[tuple[str, str]] = set()
    rows = 0
    year = ""
    for line, row in csv_rows(fetched, text, delimiter, ("DEPCOM", "TYPEQU")):
        rows += 1
        year = year or row.get("AN", "")
        profession = BPE_TYPES.get(row["TYPEQU"])
        if profession is None:
            continue
        code = commune_code(row["DEPCOM"], fetched.name, line, "DEPCOM")
        if "NB_EQUIP" in row:
            if (code, row["TYPEQU"]) in pairs:
                raise TerritoryImportError(
                    fetched.name, f"commune {code} et type {row['TYPEQU']} en double", line,
                    "TYPEQU")
            pairs.add((code, row["TYPEQU"]))
            value = number(row["NB_EQUIP"], fetched.name, line, "NB_EQUIP", integer=True)
        else:
            value = 1.0
        commune = resolve(code)
        if commune is not None and value > 0:
            counts[(profession, commune)] += value
    info = BPE_INFO
    if version or year:
        info = SourceInfo(**{**BPE_INFO.__dict__, "version": version or f"BPE {year}"})
    report("Enregistrement", 2, 3)
    summary = _write_counts(SourceKind.BPE, fetched, info, rows, counts, resolve,
                            scope_of(region))
    report("Terminé", 3, 3)
    return summary


@transaction.atomic
def _write_counts(kind: str, fetched: FetchedFile, info: SourceInfo, rows: int,
                  counts: dict[tuple[str, str], float], resolve: CommuneResolver,
                  scope: str) -> ImportSummary:
    source = source_upsert(kind, fetched, info, rows, scope)
    SupplyCount.objects.bulk_create(
        [SupplyCount(source=source, source_kind=kind, profession=p, commune_id=c, count=v)
         for (p, c), v in counts.items()],
        batch_size=1000, update_conflicts=True,
        unique_fields=["source_kind", "profession", "commune"], update_fields=["source", "count"],
    )
    vanished = [pk for pk, p, c in source.counts.values_list("pk", "profession", "commune_id")
                if (p, c) not in counts]
    for start in range(0, len(vanished), 500):
        SupplyCount.objects.filter(pk__in=vanished[start:start + 500]).delete()
    totals: dict[str, float] = defaultdict(float)
    communes: dict[str, int] = defaultdict(int)
    for (profession, _commune), value in counts.items():
        totals[profession] += value
        communes[profession] += 1
    details: dict[str, int | float] = {}
    for profession in sorted(totals):
        details[f"{profession} (total)"] = totals[profession]
        details[f"{profession} (communes)"] = communes[profession]
    return ImportSummary(
        kind=kind, file_name=fetched.name, scope=scope, rows=rows, imported=len(counts),
        skipped_rows=resolve.skipped_rows, skipped_communes=len(resolve.skipped),
        folded=resolve.folded,
        removed=len(vanished), details=details,
    )
