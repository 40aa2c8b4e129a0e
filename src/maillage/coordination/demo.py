"""Demonstration content of the care cooperation in Lozère (idempotent).

Uses the demo accounts when they exist (coordinatrice@, medecin@, habitante@demo.maillage.fr):
the coordinator coordinates a CPTS, the doctor practises in its MSP, the resident is a patient
whose diabetes pathway started months ago, so that rupture alerts show at once. With the data
mirror, a synthetic Synthea patient (heart failure) is imported too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import Organisation, Role, RoleAssignment, User
from maillage.coordination import fhir, services
from maillage.coordination.models import (
    HealthcareService,
    NetworkMembership,
    NetworkProfessional,
    Pathway,
    PathwayTemplate,
    Patient,
)
from maillage.territories.models import Commune

SYNTHEA_DEMO = "fhir/Beatrice_Aufderhar_5451401c-ab1b-4adc-9df6-c02e856e492a.json"


@transaction.atomic
def coordination_demo_load(say: Callable[[str], object] = print) -> None:
    services.templates_load()
    services.questionnaires_load()
    if not Commune.objects.filter(pk="48095").exists():
        say("Coopération des soins : Mende (48095) n'est pas chargée ; annuaire non créé.")
        return
    cpts, _ = Organisation.objects.get_or_create(name="CPTS Cœur de Lozère",
                                                 defaults={"kind": "cpts"})
    msp, _ = Organisation.objects.get_or_create(
        name="MSP de Mende", defaults={"kind": "msp", "commune_id": "48095"})
    hospital, _ = Organisation.objects.get_or_create(
        name="Centre hospitalier de Mende", defaults={"kind": "hopital", "commune_id": "48095"})
    for member in (msp, hospital):
        NetworkMembership.objects.get_or_create(cooperation=cpts, member=member)
    for org, name, category, eligibility, referral in (
        (msp, "Consultations de médecine générale", "medecine_generale",
         "Adultes et enfants du bassin de Mende", "Secrétariat de la MSP"),
        (msp, "Éducation thérapeutique diabète", "etp", "Personnes vivant avec un diabète",
         "Sur orientation du médecin traitant"),
        (hospital, "Consultations de cardiologie", "specialiste",
         "Adultes adressés par leur médecin", "Courrier du médecin traitant"),
    ):
        HealthcareService.objects.get_or_create(
            organisation=org, name=name, defaults={
                "category": category, "commune_id": "48095", "eligibility": eligibility,
                "referral": referral})
    coordinator = User.objects.filter(email="coordinatrice@demo.maillage.fr").first()
    doctor = User.objects.filter(email="medecin@demo.maillage.fr").first()
    resident = User.objects.filter(email="habitante@demo.maillage.fr").first()
    if not (coordinator and doctor and resident):
        say("Coopération des soins : annuaire créé (comptes de démonstration absents).")
        return
    RoleAssignment.objects.get_or_create(user=coordinator, role=Role.COORDINATOR,
                                         organisation=cpts)
    RoleAssignment.objects.get_or_create(user=doctor, role=Role.HEALTH_PROFESSIONAL,
                                         organisation=msp)
    NetworkProfessional.objects.get_or_create(
        organisation=msp, user=doctor,
        defaults={"name": str(doctor), "profession": "generaliste"})
    from maillage.accounts.rules import forget_roles

    forget_roles(coordinator)
    patient, _ = Patient.objects.get_or_create(
        user=resident, defaults={"family_name": "Démo", "given_name": "Habitante",
                                 "commune_id": "48095", "sex": "female"})
    if not Pathway.objects.filter(patient=patient, cooperation=cpts).exists():
        start = timezone.localdate() - timedelta(days=100)
        pathway = services.pathway_enrol(
            actor=coordinator, cooperation=cpts, patient=patient,
            template=PathwayTemplate.objects.get(code="diabete-type-2"),
            consent_method="written", start_date=start)
        services.care_team_add(actor=coordinator, pathway=pathway, user=doctor,
                               profession="generaliste", is_referring_doctor=True)
        services.care_plan_instantiate(actor=coordinator, pathway=pathway, risk_grade=2)
    mirror = getattr(settings, "MAILLAGE_DATA_MIRROR", "")
    bundle = Path(mirror) / SYNTHEA_DEMO if mirror else None
    if bundle is not None and bundle.exists():
        fhir.bundle_import(actor=coordinator, cooperation=cpts, raw=bundle.read_bytes(),
                           consent_method="written", name=bundle.name)
    summary = services.alerts_detect(today=timezone.localdate())
    say(f"Coopération des soins : CPTS, 2 membres, parcours de démonstration "
        f"({summary.raised} alertes de rupture levées).")
