"""Yearly activity supplied by a user, per GP (RPPS) or per commune and profession.

Two layouts, told apart by their header: `rpps,annee,consultations` (general practitioners)
or `code_insee,profession,annee,consultations`; ',' or ';' separated, UTF-8.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db import transaction
from django.db.models import Q

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
    number,
    read_file,
    scope_of,
    silent,
    source_upsert,
)
from maillage.healthcare.importers.rpps import RPPS_IDENTIFIER
from maillage.healthcare.models import ActivityRecord, Practitioner, Profession, SourceKind

PER_PRACTITIONER = ("rpps", "annee", "consultations")
PER_COMMUNE = ("code_insee", "profession", "annee", "consultations")
ACTIVITY_INFO = SourceInfo(
    name="Activité fournie par l'utilisateur",
    version="",
    licence="fournie par l'utilisateur",
    attribution="",
    caveat="Activité déclarée par l'utilisateur qui a importé le fichier, non vérifiée.",
)


def import_activity(
    path: str, *, region: str | None = None, attribution: str = "",
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import a user's activity CSV and attach the latest year to the matching practitioners.

    A GP practising at several sites gets his yearly activity split evenly between them.
    """
    report = progress or silent
    report("Lecture de l'activité", 0, 3)
    fetched = read_file(path)
    text = decode(fetched, "utf-8-sig")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    columns = [c.strip() for c in header.split(delimiter)]
    per_practitioner = "rpps" in columns
    required = PER_PRACTITIONER if per_practitioner else PER_COMMUNE
    resolve = CommuneResolver(region)
    records: dict[tuple[str, str, int], ActivityRecord] = {}
    seen: set[tuple[str, str, int]] = set()
    rows = 0
    for line, row in csv_rows(fetched, text, delimiter, required):
        rows += 1
        year = _year(row["annee"], fetched.name, line)
        consultations = int(number(row["consultations"], fetched.name, line, "consultations",
                                   integer=True))
        if per_practitioner:
            who = row["rpps"]
            if not RPPS_IDENTIFIER.match(who):
                raise TerritoryImportError(fetched.name, f"identifiant RPPS mal formé {who!r}",
                                           line, "rpps")
            profession = Profession.GENERALISTE
        else:
            code = commune_code(row["code_insee"], fetched.name, line, "code_insee")
            profession = row["profession"]
            if profession not in Profession.values:
                raise TerritoryImportError(
                    fetched.name, f"profession inconnue {profession!r} (attendu : "
                    f"{', '.join(Profession.values)})", line, "profession")
            who = code
        key = (who, profession, year)
        if key in seen:
            raise TerritoryImportError(fetched.name, f"{who} {profession} {year} en double",
                                       line, "annee")
        seen.add(key)
        if per_practitioner:
            records[key] = ActivityRecord(rpps=who, profession=profession, year=year,
                                          consultations=consultations)
            continue
        commune = resolve(who)
        if commune is None:
            continue
        # Two former communes of one commune nouvelle add up.
        key = (commune, profession, year)
        if key in records:
            records[key].consultations += consultations
        else:
            records[key] = ActivityRecord(commune_id=commune, profession=profession, year=year,
                                          consultations=consultations)
    report("Enregistrement", 2, 3)
    info = SourceInfo(**{**ACTIVITY_INFO.__dict__,
                         "attribution": attribution or ACTIVITY_INFO.attribution})
    summary = _write(fetched, info, rows, records, resolve, scope_of(region))
    report("Terminé", 3, 3)
    return summary


def _year(value: str, file: str, line: int) -> int:
    if not re.match(r"^(19|20)\d{2}$", value):
        raise TerritoryImportError(file, f"année mal formée {value!r}", line, "annee")
    return int(value)


@transaction.atomic
def _write(fetched: FetchedFile, info: SourceInfo, rows: int,
           records: dict[tuple[str, str, int], ActivityRecord], resolve: CommuneResolver,
           scope: str) -> ImportSummary:
    source = source_upsert(SourceKind.ACTIVITY_CSV, fetched, info, rows, scope)
    new_keys = {(r.rpps or r.commune_id, r.profession, r.year) for r in records.values()}
    removed = sum(1 for rpps, commune, profession, year in source.activity_records.values_list(
        "rpps", "commune_id", "profession", "year") if (rpps or commune, profession, year)
        not in new_keys)
    source.activity_records.all().delete()
    # The newest file wins over another file's figure for the same practitioner or commune.
    keys = list(records.values())
    for start in range(0, len(keys), 300):
        clash = Q()
        for record in keys[start:start + 300]:
            who = Q(rpps=record.rpps) if record.rpps else Q(commune_id=record.commune_id)
            clash |= who & Q(profession=record.profession, year=record.year)
        ActivityRecord.objects.filter(clash).delete()
    for record in keys:
        record.source = source
    ActivityRecord.objects.bulk_create(keys, batch_size=1000)
    latest: dict[str, ActivityRecord] = {}
    for record in keys:
        if record.rpps and (record.rpps not in latest or record.year > latest[record.rpps].year):
            latest[record.rpps] = record
    sites: dict[str, list[Practitioner]] = defaultdict(list)
    for start in range(0, len(latest), 500):
        chunk = list(latest)[start:start + 500]
        for practitioner in Practitioner.objects.filter(
            rpps__in=chunk, profession=Profession.GENERALISTE
        ):
            sites[practitioner.rpps].append(practitioner)
    updated = []
    for rpps, at_sites in sites.items():
        for practitioner in at_sites:
            practitioner.activity = round(latest[rpps].consultations / len(at_sites))
            updated.append(practitioner)
    Practitioner.objects.bulk_update(updated, ["activity"], batch_size=1000)
    return ImportSummary(
        kind=SourceKind.ACTIVITY_CSV, file_name=fetched.name, scope=scope, rows=rows,
        imported=len(records), skipped_rows=resolve.skipped_rows,
        skipped_communes=len(resolve.skipped), folded=resolve.folded,
        removed=removed,
        details={"praticiens rattachés": len(sites),
                 "praticiens inconnus": len(latest) - len(sites)},
    )
