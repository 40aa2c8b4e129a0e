"""Practitioners from the Annuaire Santé's public extract (RPPS / ADELI).

The file is "PS_LibreAcces_Personne_activite_*.txt": UTF-8, '|'-separated, each line ending
with a '|', one line per practitioner and activity (practice site), with the official column
names read below.
"""

from __future__ import annotations

import re
from collections import Counter

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
    read_file,
    scope_of,
    silent,
    source_upsert,
    text_stream,
)
from maillage.healthcare.models import PracticeMode, Practitioner, Profession, SourceKind

IDENTIFIER = "Identifiant PP"
PROFESSION = "Code profession"
SKILL_CODE = "Code savoir-faire"
SKILL_LABEL = "Libellé savoir-faire"
MODE = "Code mode exercice"
SIRET = "Numéro SIRET site"
FINESS = "Numéro FINESS site"
STRUCTURE = "Identifiant technique de la structure"
SITE_NAME = "Raison sociale site"
COMMUNE = "Code commune (coord. structure)"
RPPS_COLUMNS = (IDENTIFIER, PROFESSION, SKILL_CODE, SKILL_LABEL, MODE, SIRET, FINESS,
                STRUCTURE, SITE_NAME, COMMUNE)
RPPS_IDENTIFIER = re.compile(r"^(\d{9}|\d{11})$")  # ADELI 9 digits, RPPS 11

# "Code profession" (nomenclature TRE_G15-ProfessionSante) → profession. Pharmacists (21) are
# not mapped: the supply of pharmacy is the officine (FINESS 620, BPE D307), not the person.
RPPS_PROFESSIONS = {
    "40": Profession.CHIRURGIEN_DENTISTE,
    "50": Profession.SAGE_FEMME,
    "60": Profession.INFIRMIER,
    "70": Profession.MASSEUR_KINESITHERAPEUTE,
}
DOCTOR = "10"
# A doctor is a GP when his ordinal specialty (TRE_R38-SpecialiteOrdinale) is general
# medicine — SM26 "Qualifié en médecine générale", SM53 "Spécialiste en médecine générale",
# SM54 "Médecine générale" — or when he has none (DREES's omnipraticiens include doctors with
# a particular practice, who carry no ordinal specialty). Any other specialty → specialiste.
GP_SKILLS = frozenset({"SM26", "SM53", "SM54"})
MODES = {"L": PracticeMode.LIBERAL, "S": PracticeMode.SALARIE, "B": PracticeMode.BENEVOLE}
RPPS_INFO = SourceInfo(
    name="Annuaire Santé, extraction des professionnels de santé (RPPS / ADELI)",
    version="",
    licence="Licence Ouverte / Etalab 2.0",
    attribution="Agence du numérique en santé, Annuaire Santé",
    caveat=("Annuaire Santé : l'activité annuelle de chaque praticien n'est pas publique ; "
            "sans fichier d'activité, une activité par défaut documentée est utilisée."),
)


def profession_of(code: str, skill: str) -> str | None:
    if code == DOCTOR:
        return Profession.GENERALISTE if not skill or skill in GP_SKILLS else \
            Profession.SPECIALISTE
    return RPPS_PROFESSIONS.get(code)


def import_rpps(
    path: str, *, region: str | None = None, version: str = "",
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import practitioners × practice sites from the Annuaire Santé extract.

    A practitioner listed twice at the same site for the same profession is kept once (differing
    practice modes become « mixte »); a doctor listed with general medicine and another
    specialty at one site counts under both. Lines without a practice commune (no current
    activity, or abroad) are counted and left out.
    """
    report = progress or silent
    report("Lecture de l'Annuaire Santé", 0, 3)
    fetched = read_file(path)
    text = text_stream(fetched, "utf-8-sig")
    resolve = CommuneResolver(region)
    # Plain lists, not model instances: a national extract has about a million sites.
    practitioners: dict[tuple[str, str, str], list[str]] = {}
    counters: Counter[str] = Counter()
    rows = 0
    for line, row in csv_rows(fetched, text, "|", RPPS_COLUMNS):
        rows += 1
        if rows % 100_000 == 0:
            report(f"Lecture de l'Annuaire Santé ({rows} lignes)", 0, 3)
        identifier = row[IDENTIFIER]
        if not RPPS_IDENTIFIER.match(identifier):
            raise TerritoryImportError(fetched.name, f"identifiant mal formé {identifier!r}",
                                       line, IDENTIFIER)
        code = row[PROFESSION]
        if not re.match(r"^\d{1,3}$", code):
            raise TerritoryImportError(fetched.name, f"code profession mal formé {code!r}",
                                       line, PROFESSION)
        mode = row[MODE]
        if mode and mode not in MODES:
            raise TerritoryImportError(fetched.name, f"mode d'exercice inconnu {mode!r}", line,
                                       MODE)
        profession = profession_of(code, row[SKILL_CODE])
        if profession is None:
            counters["autres professions"] += 1
            continue
        if not row[COMMUNE]:
            counters["sans commune d'exercice"] += 1
            continue
        commune = resolve(commune_code(row[COMMUNE], fetched.name, line, COMMUNE))
        if commune is None:
            continue
        site = (row[SIRET] or row[FINESS] or row[STRUCTURE])[:50]
        key = (identifier, site, profession)
        if key in practitioners:
            counters["doublons fusionnés"] += 1
            known = practitioners[key]
            if MODES.get(mode, "") not in ("", known[1]):
                known[1] = PracticeMode.MIXTE
            continue
        practitioners[key] = [row[SKILL_LABEL][:200], MODES.get(mode, ""),
                              row[SITE_NAME][:300], commune]
    report("Enregistrement", 2, 3)
    info = SourceInfo(**{**RPPS_INFO.__dict__, "version": version or _version(fetched)})
    summary = _write(fetched, info, rows, practitioners, resolve, scope_of(region), counters)
    report("Terminé", 3, 3)
    return summary


def _version(fetched: FetchedFile) -> str:
    # The official name carries the extraction time: PS_LibreAcces_Personne_activite_YYYYMMDDhhmm
    found = re.search(r"(\d{8})\d{4}", fetched.name)
    return f"extraction du {found.group(1)}" if found else ""


@transaction.atomic
def _write(fetched: FetchedFile, info: SourceInfo, rows: int,
           practitioners: dict[tuple[str, str, str], list[str]], resolve: CommuneResolver,
           scope: str, counters: Counter[str]) -> ImportSummary:
    source = source_upsert(SourceKind.RPPS, fetched, info, rows, scope)
    keys = list(practitioners)
    for start in range(0, len(keys), 5000):
        batch = [Practitioner(rpps=rpps, site_id=site, profession=profession,
                              specialty=specialty, practice_mode=mode, site_name=site_name,
                              commune_id=commune, source=source)
                 for rpps, site, profession in keys[start:start + 5000]
                 for specialty, mode, site_name, commune in [practitioners[rpps, site,
                                                                           profession]]]
        # Activity and new-installation flags come from other files: a re-import keeps them.
        Practitioner.objects.bulk_create(
            batch, batch_size=1000, update_conflicts=True,
            unique_fields=["rpps", "site_id", "profession"],
            update_fields=["specialty", "practice_mode", "site_name", "commune", "source"],
        )
    vanished = [pk for pk, *key in source.practitioners.values_list(
        "pk", "rpps", "site_id", "profession") if tuple(key) not in practitioners]
    for start in range(0, len(vanished), 500):
        Practitioner.objects.filter(pk__in=vanished[start:start + 500]).delete()
    by_profession = Counter(profession for _rpps, _site, profession in keys)
    return ImportSummary(
        kind=SourceKind.RPPS, file_name=fetched.name, scope=scope, rows=rows,
        imported=len(practitioners), skipped_rows=resolve.skipped_rows,
        skipped_communes=len(resolve.skipped), folded=resolve.folded,
        removed=len(vanished),
        details={**dict(sorted(by_profession.items())), **counters},
    )
