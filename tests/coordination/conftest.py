"""A small care network: a CPTS, an MSP and a hospital in Lozère, their people and a patient."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

PARIS = ZoneInfo("Europe/Paris")
START = date(2026, 1, 5)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


@pytest.fixture
def network(geography, make_user, with_totp):
    """The cooperation, its members, and people with their roles (professionals have TOTP)."""
    from maillage.accounts.models import Organisation, Role, RoleAssignment
    from maillage.coordination.models import HealthcareService, NetworkProfessional, ServiceCategory
    from maillage.coordination.services import network_member_add

    cpts = Organisation.objects.create(name="CPTS Cœur de Lozère", kind="cpts")
    msp = Organisation.objects.create(name="MSP de Mende", kind="msp", commune_id="48095")
    hospital = Organisation.objects.create(name="Hôpital de Mende", kind="hopital",
                                           commune_id="48095")
    elsewhere = Organisation.objects.create(name="MSP de Saint-Affrique", kind="msp",
                                            commune_id="12208")

    def person(email, role, organisation, profession=None, **extra):
        user = make_user(email, display_name=extra.pop("name", email.split("@")[0]))
        RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
        if role != Role.CITIZEN:
            with_totp(user)
        if profession:
            NetworkProfessional.objects.create(organisation=organisation, user=user,
                                               name=str(user), profession=profession)
        return user

    coordinator = person("coord@cpts.example", Role.COORDINATOR, cpts, name="Claire Coord")
    admin = make_user("root@example.org", is_superuser=True, is_staff=True)
    network_member_add(actor=admin, cooperation=cpts, member=msp)
    network_member_add(actor=admin, cooperation=cpts, member=hospital)
    gp = person("gp@msp.example", Role.HEALTH_PROFESSIONAL, msp, "generaliste", name="Dr Gé")
    nurse = person("ide@msp.example", Role.HEALTH_PROFESSIONAL, msp, "infirmier", name="Inès")
    cardio = person("cardio@hopital.example", Role.HEALTH_PROFESSIONAL, hospital, "cardiologue",
                    name="Dr Cœur")
    outsider = person("gp@ailleurs.example", Role.HEALTH_PROFESSIONAL, elsewhere, "generaliste",
                      name="Dr Ailleurs")
    service = HealthcareService.objects.create(
        organisation=msp, name="Consultations de médecine générale",
        category=ServiceCategory.GENERAL_PRACTICE, commune_id="48095",
        eligibility="Adultes et enfants", referral="Appeler le secrétariat")
    HealthcareService.objects.create(
        organisation=elsewhere, name="Soins infirmiers à domicile",
        category=ServiceCategory.NURSING, commune_id="12208")
    return {"cpts": cpts, "msp": msp, "hospital": hospital, "elsewhere": elsewhere,
            "coordinator": coordinator, "gp": gp, "nurse": nurse, "cardio": cardio,
            "outsider": outsider, "admin": admin, "service": service}


@pytest.fixture
def templates(db):
    from maillage.coordination.services import templates_load

    templates_load()
    from maillage.coordination.models import PathwayTemplate

    return {t.code: t for t in PathwayTemplate.objects.all()}


@pytest.fixture
def patient_user(make_user):
    return make_user("patient@example.org", display_name="Paul Patient")


@pytest.fixture
def pathway(network, templates, patient_user):
    """A diabetes pathway for Paul, with a GP (médecin traitant) and a nurse; no plan yet."""
    from maillage.coordination import services
    from maillage.coordination.models import Patient

    patient = Patient.objects.create(user=patient_user, family_name="Patient", given_name="Paul",
                                     birth_date=date(1958, 3, 2), sex="male",
                                     commune_id="48095")
    pathway = services.pathway_enrol(
        actor=network["coordinator"], cooperation=network["cpts"], patient=patient,
        template=templates["diabete-type-2"], consent_method="written", start_date=START,
        now=at(START))
    services.care_team_add(actor=network["coordinator"], pathway=pathway, user=network["gp"],
                           profession="generaliste", is_referring_doctor=True)
    services.care_team_add(actor=network["coordinator"], pathway=pathway,
                           user=network["nurse"], profession="infirmier")
    return pathway


@pytest.fixture
def fresh():
    """Reload a pathway, as a new request would (permission caches are per object)."""
    from maillage.coordination.models import Pathway

    return lambda pathway: Pathway.objects.select_related("patient").get(pk=pathway.pk)
