"""A population made from the cooperation's pathways (anonymised by the coordination app).

The coordination app hands over anonymised patient-years
(:func:`maillage.coordination.anonymised.anonymised_population`: its rights, consent filter,
small-cohort refusal and access log apply). Here they become lines of the population file
(:data:`maillage.financing.importers.HEADER`) and go through the very same validation and
storage as an uploaded file (:func:`maillage.financing.services.population_upload`): the
population belongs to the cooperation's organisation, is deletable and simulates exactly like
an uploaded one. The pathway export's random identifiers are replaced by a sequence drawn after
sorting the patients by their data, so that the same pathways give the same file (a re-run
returns the same population) and no identifier outlives the export.

What the pathways do not record gets a documented default (:data:`DEFAULTS`); the fee-for-service
value of the acts uses :data:`TARIFFS`. Each carries its source, and ``assumption=True`` where
the value is Maillage's choice rather than an official figure (shown so on screen).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.coordination.anonymised import (
    ALD_SOURCE,
    MIN_PATIENTS,
    AnonymisedPatientYear,
    anonymised_population,
    cooperations_exportable_by,
)
from maillage.financing import services
from maillage.financing.importers import HEADER
from maillage.financing.models import Population
from maillage.financing.rules import can


@dataclass(frozen=True)
class Tariff:
    """The fee-for-service value of one act of a professional group."""

    group: str  # a column group of the population file
    professions: tuple[str, ...]  # the coordination app's profession codes
    label: str
    value: float  # € per act
    source: str
    assumption: bool


CONVENTION_MEDICALE_2024 = (
    "Convention nationale des médecins libéraux du 4 juin 2024 (arrêté d'approbation du 20 juin "
    "2024, JORF du 21 juin 2024) : consultation du médecin généraliste G à 30 € à compter du "
    "22 décembre 2024")
AVENANT_10_INFIRMIERS = (
    "Convention nationale des infirmiers, avenant 10 (signé le 16 juin 2023) : indemnité "
    "forfaitaire de déplacement IFD portée de 2,50 € à 2,75 € ; lettre clé AMI à 3,15 € "
    "(NGAP). Acte retenu : AMI 1 + IFD, une visite de suivi simple — le coefficient réel des "
    "soins (AMI 1 à AMI 5,8 selon le suivi) n'est pas connu des parcours")
AVENANT_7_KINES = (
    "Convention nationale des masseurs-kinésithérapeutes, avenant 7 (arrêté du 24 août 2023, "
    "JORF du 25 août 2023) : lettre clé AMK/AMS à 2,21 € depuis le 1er janvier 2024. Séance "
    "retenue : AMK 7,5 (≈ 16,58 €) — la cotation des séances de réadaptation "
    "(respiratoire, cardiaque) n'est pas connue des parcours")

TARIFFS = (
    Tariff("generaliste", ("generaliste",), "Médecin généraliste : consultation G", 30.0,
           CONVENTION_MEDICALE_2024, assumption=False),
    Tariff("infirmier", ("infirmier",), "Infirmier·ère : AMI 1 + IFD", 5.90,
           AVENANT_10_INFIRMIERS, assumption=True),
    Tariff("kinesitherapeute", ("masseur_kinesitherapeute",),
           "Masseur-kinésithérapeute : séance AMK 7,5", 16.58, AVENANT_7_KINES,
           assumption=True),
)
# Acts of the other professions of the pathways (specialists, laboratory, pharmacy,
# podiatry…) are not paid by the team's models; they count in the year's spending.
OTHER_ACT_VALUE = 30.0
OTHER_ACT_SOURCE = ("Hypothèse de Maillage : 30 € par acte d'une autre profession (consultation "
                    "de spécialiste, biologie, pharmacie, podologie…), ordre de grandeur d'une "
                    "consultation ; les parcours n'en connaissent pas le tarif")


@dataclass(frozen=True)
class Default:
    column: str
    label: str
    value: str
    source: str
    assumption: bool = True


DEFAULT_DEPRIVATION_QUINTILE = 3
DEFAULTS = (
    Default("ald", "Affections → numéros d'ALD", "diabète de type 2 → 8, insuffisance "
            "cardiaque → 5, BPCO → 14", ALD_SOURCE + " ; être dans un parcours ne prouve pas "
            "que l'ALD est reconnue (forme grave pour les ALD 5 et 14)"),
    Default("quintile_defavorisation", "Quintile de défavorisation (FDep) de la commune",
            str(DEFAULT_DEPRIVATION_QUINTILE), "Hypothèse de Maillage : quintile médian, "
            "coefficient neutre des modèles ; l'application de coordination ne connaît pas "
            "l'indice de la commune"),
    Default("css", "Complémentaire santé solidaire", "0 (non)", "Hypothèse de Maillage : "
            "les parcours n'enregistrent pas la CSS"),
    Default("sexe", "Sexe non renseigné ou autre", "F", "Hypothèse de Maillage : le sexe "
            "n'entre dans aucune formule des modèles"),
    Default("tranche_age", "Date de naissance inconnue", "patient écarté",
            "Les modèles ajustent sur l'âge : un patient sans âge n'est pas simulé"),
    Default("depense_totale", "Dépense de l'année", "valeur à l'acte des actes enregistrés "
            "dans les parcours", "Les parcours ne connaissent ni les médicaments ni "
            "l'hôpital : la dépense est sous-estimée, et la dépense de référence est estimée "
            "sur la population elle-même"),
    Default("depense_annee_precedente", "Dépense de l'année précédente", "celle de l'année "
            "précédente de l'export, sinon vide", "Calculée de la même façon"),
    Default("score_qualite", "Score qualité", "part des tâches du plan faites dans leur "
            "fenêtre (0 à 100) ; sans tâche échue : moyenne des autres patients",
            "Hypothèse de Maillage : indicateur de suivi du plan HAS, pas un indicateur "
            "officiel Ipep/Peps"),
    Default("experience_patient", "Expérience patient", "questionnaire d'expérience du "
            "parcours ramené sur 20, vide sans réponse", "Questionnaire PREM de l'application "
            "de coordination"),
)


def _money(value: float) -> str:
    return f"{value:.2f}"


def _group_of(profession: str) -> str | None:
    for tariff in TARIFFS:
        if profession in tariff.professions:
            return tariff.group
    return None


def _line(record: AnonymisedPatientYear, quality_default: float) -> dict[str, Any]:
    acts = {t.group: 0 for t in TARIFFS}
    other = 0
    for profession, count in record.acts.items():
        group = _group_of(profession)
        if group is None:
            other += count
        else:
            acts[group] += count
    row: dict[str, Any] = {
        "annee": str(record.year), "tranche_age": record.age_band,
        "sexe": record.sex or "F", "ald": "|".join(str(n) for n in record.ald), "css": "0",
        "quintile_defavorisation": str(record.deprivation_quintile
                                       or DEFAULT_DEPRIVATION_QUINTILE),
        "depense_reference": "", "episode": "", "depense_episode": "",
        "score_qualite": str(record.quality if record.quality is not None
                             else quality_default),
        "experience_patient": "" if record.experience is None else str(record.experience),
    }
    spending = other * OTHER_ACT_VALUE
    for tariff in TARIFFS:
        amount = acts[tariff.group] * tariff.value
        row[f"actes_{tariff.group}"] = str(acts[tariff.group])
        row[f"montant_{tariff.group}"] = _money(amount)
        spending += amount
    row["depense_totale"] = _money(spending)
    return row


def population_csv(records: list[AnonymisedPatientYear]) -> tuple[bytes, int, int]:
    """The population file of the records; (content, patients kept, patients without age).

    Patients are ordered by their data, then numbered: the same pathways give the same bytes.
    """
    by_id: dict[str, list[AnonymisedPatientYear]] = defaultdict(list)
    for record in records:
        by_id[record.id].append(record)
    known = [r.quality for r in records if r.quality is not None]
    quality_default = round(sum(known) / len(known), 1) if known else 0.0
    patients = []
    dropped = 0
    for own in by_id.values():
        if any(r.age_band is None for r in own):
            dropped += 1
            continue
        lines = []
        previous: str = ""
        for record in sorted(own, key=lambda r: r.year):
            line = _line(record, quality_default)
            line["depense_annee_precedente"] = previous
            previous = line["depense_totale"]
            lines.append(line)
        patients.append(lines)
    patients.sort(key=lambda lines: [[line[c] for c in HEADER if c in line] for line in lines])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    for number, lines in enumerate(patients, start=1):
        for line in lines:
            writer.writerow({"patient_id": f"A{number:05d}", **line})
    return buffer.getvalue().encode(), len(patients), dropped


def exportable_organisations(actor: User, organisations: list[Organisation]
                             ) -> list[Organisation]:
    """The actor's financing organisations whose pathways they may use (as coordinator)."""
    return cooperations_exportable_by(
        actor, [o for o in organisations if can(actor, "financing.add_population", o)])


@transaction.atomic
def population_from_pathways(*, actor: User, organisation: Organisation, year: int,
                             years: int = 1, name: str = "", today: date | None = None
                             ) -> tuple[Population, bool]:
    """Store the cooperation's anonymised pathways as a population of its organisation.

    Raises PermissionDenied (not a member, or not a coordinator of the cooperation) or
    ValidationError (fewer than MIN_PATIENTS patients, bad years). One transaction: if anything
    fails, neither the population nor the access-log entries are kept.
    """
    services._check_can_add(actor, organisation)
    records = anonymised_population(actor=actor, cooperation=organisation, year=year,
                                    years=years, today=today)
    content, kept, _dropped = population_csv(records)
    if kept < MIN_PATIENTS:
        raise ValidationError(
            _("Trop peu de patients dont l'âge est connu (%(n)s) : il en faut au moins "
              "%(min)s. Rien n'a été enregistré.") % {"n": kept, "min": MIN_PATIENTS},
            code="small_cohort")
    first = year - years + 1
    period = str(year) if years == 1 else f"{first}–{year}"
    name = (name or "").strip()[:200] or _("Parcours de %(o)s — %(p)s") % {
        "o": organisation.name, "p": period}
    return services.population_upload(actor=actor, organisation=organisation, name=name,
                                      content=content)
