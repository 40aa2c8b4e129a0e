"""A cooperation defines its own pathway templates: derived from a shared (cited) one, adapted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from maillage.coordination import fhir, services
from maillage.coordination.models import ActivityDefinition, CareTask, PathwayTemplate
from tests.coordination.conftest import START
from tests.coordination.test_fhir import small_bundle

pytestmark = pytest.mark.django_db
API = "/api/coordination"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def own(network, templates):
    """The CPTS's own diabetes template, HbA1c every 60 days instead of 90."""
    derived = services.template_derive(actor=network["coordinator"],
                                       cooperation=network["cpts"],
                                       source=templates["diabete-type-2"])
    services.template_activity_save(actor=network["coordinator"], template=derived,
                                    activity=derived.activities.get(code="hba1c"),
                                    interval_days=60)
    derived.refresh_from_db()
    return derived


def test_a_cooperation_derives_its_own_template_and_adapts_it(own, network, templates):
    shared = templates["diabete-type-2"]
    assert own.code == f"diabete-type-2-{network['cpts'].pk}"
    assert (own.cooperation, own.derived_from, own.version) == (network["cpts"], shared, 2)
    assert own.activities.count() == shared.activities.count() == 13
    assert (own.source_url, own.source_title) == (shared.source_url, shared.source_title)
    # The shared template did not move.
    shared.refresh_from_db()
    assert shared.version == 1 and shared.activities.get(code="hba1c").interval_days == 90

    pathway = services.pathway_enrol(
        actor=network["coordinator"], cooperation=network["cpts"], template=own,
        patient_fields={"family_name": "Martin", "given_name": "Luc"}, consent_method="oral",
        start_date=START)
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    # Days 0, 60, …, 360 within a year: 7 HbA1c windows (the shared template gives 5).
    assert CareTask.objects.filter(pathway=pathway, activity__code="hba1c").count() == 7

    # An imported diabetic patient follows the cooperation's own template.
    imported = fhir.bundle_import(actor=network["coordinator"], cooperation=network["cpts"],
                                  raw=small_bundle(), consent_method="written").pathway
    assert imported.template == own


def test_shared_and_other_cooperations_templates_are_read_only(own, network, templates):
    shared = templates["diabete-type-2"]
    with pytest.raises(PermissionDenied):
        services.template_derive(actor=network["nurse"], cooperation=network["cpts"],
                                 source=shared)
    with pytest.raises(PermissionDenied, match="partagé"):
        services.template_activity_save(actor=network["coordinator"], template=shared,
                                        activity=shared.activities.get(code="hba1c"),
                                        interval_days=30)
    with pytest.raises(PermissionDenied):
        services.template_activity_remove(actor=network["gp"],
                                          activity=own.activities.get(code="hba1c"))
    other = type(network["cpts"]).objects.create(name="DAC Lozère", kind="cpts")
    from maillage.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=network["coordinator"], role="coordinator",
                                  organisation=other)
    from maillage.accounts.rules import forget_roles

    forget_roles(network["coordinator"])
    with pytest.raises(ValidationError) as error:
        services.pathway_enrol(actor=network["coordinator"], cooperation=other, template=own,
                               patient_fields={"family_name": "X", "given_name": "Y"},
                               consent_method="oral")
    assert "template" in error.value.message_dict
    assert not other.pathways.exists()
    assert PathwayTemplate.objects.filter(cooperation=None).count() == 3


def test_a_bad_activity_gets_a_field_error_and_nothing_changes(own, network):
    before = (own.version, own.activities.count())
    with pytest.raises(ValidationError) as error:
        services.template_activity_save(actor=network["coordinator"], template=own,
                                        name="Marche", profession="kine", rationale="")
    assert {"profession", "rationale"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.template_activity_save(actor=network["coordinator"], template=own,
                                        code="hba1c", name="HbA1c", profession="biologiste",
                                        rationale="HAS")
    assert "code" in error.value.message_dict
    own.refresh_from_db()
    assert (own.version, own.activities.count()) == before


def test_a_coordinator_derives_and_adapts_a_template_from_the_pages(network, templates):
    coordinator = client_for(network["coordinator"])
    page = coordinator.get(f"/cooperation/reseaux/{network['cpts'].pk}/")
    assert "Dériver un modèle partagé" in page.content.decode()
    response = coordinator.post(
        f"/cooperation/reseaux/{network['cpts'].pk}/modeles/deriver/",
        {"source": templates["bpco"].pk, "name": "BPCO en Lozère"})
    own = PathwayTemplate.objects.get(cooperation=network["cpts"])
    assert response.status_code == 302 and response["Location"].endswith(f"/{own.code}/")
    assert own.name == "BPCO en Lozère" and own.activities.count() == 8

    response = coordinator.post(f"/cooperation/modeles/{own.code}/activites/nouvelle/", {
        "name": "Activité physique adaptée", "profession": "masseur_kinesitherapeute",
        "first_due_days": 30, "interval_days": 180, "window_days": 60, "condition": "",
        "loinc": "", "rationale": "HAS 2019, réhabilitation respiratoire"})
    assert response.status_code == 302
    added = own.activities.get(name="Activité physique adaptée")
    assert (added.code, added.interval_days) == ("activite-physique-adaptee", 180)
    bad = coordinator.post(f"/cooperation/modeles/{own.code}/activites/nouvelle/", {
        "name": "X", "profession": "masseur_kinesitherapeute", "first_due_days": 0,
        "window_days": 30, "rationale": ""})
    assert bad.status_code == 400 and own.activities.count() == 9
    coordinator.post(f"/cooperation/modeles/{own.code}/activites/sevrage-tabagique/retrait/")
    assert not own.activities.filter(code="sevrage-tabagique").exists()
    detail = coordinator.get(f"/cooperation/modeles/{own.code}/").content.decode()
    assert "Activité physique adaptée" in detail and "version 3" in detail

    # Others read the template but change nothing; shared templates are read-only.
    nurse = client_for(network["nurse"])
    assert nurse.get(f"/cooperation/modeles/{own.code}/").status_code == 200
    assert nurse.post(f"/cooperation/modeles/{own.code}/activites/etp/retrait/"
                      ).status_code == 403
    assert coordinator.post("/cooperation/modeles/bpco/activites/etp/retrait/"
                            ).status_code == 403
    assert own.activities.filter(code="etp").exists()
    assert templates["bpco"].activities.filter(code="etp").exists()


def test_templates_through_the_api(network, templates):
    coordinator = client_for(network["coordinator"])
    base = f"{API}/cooperations/{network['cpts'].pk}/templates"
    created = coordinator.post(base, {"derive_from": "insuffisance-cardiaque"},
                               content_type="application/json")
    assert created.status_code == 201
    code = created.json()["code"]
    assert created.json()["cooperation"] == network["cpts"].pk
    assert created.json()["derived_from"] == "insuffisance-cardiaque"

    changed = coordinator.patch(f"{API}/templates/{code}", {"discharge_follow_up_days": 5},
                                content_type="application/json")
    assert changed.json()["discharge_follow_up_days"] == 5 and changed.json()["version"] == 2
    added = coordinator.post(f"{API}/templates/{code}/activities", {
        "name": "Télésurveillance", "profession": "infirmier", "interval_days": 7,
        "window_days": 7, "rationale": "Programme ETAPES"}, content_type="application/json")
    assert added.status_code == 201 and added.json()["code"] == "telesurveillance"
    moved = coordinator.put(f"{API}/templates/{code}/activities/telesurveillance", {
        "name": "Télésurveillance", "profession": "infirmier", "interval_days": 14,
        "window_days": 7, "rationale": "Programme ETAPES"}, content_type="application/json")
    assert moved.json()["interval_days"] == 14
    assert coordinator.delete(f"{API}/templates/{code}/activities/telesurveillance"
                              ).status_code == 204
    assert ActivityDefinition.objects.filter(template__code=code).count() == 8

    # From scratch, the cited source is required; shared templates cannot be changed.
    missing = coordinator.post(base, {"name": "Obésité", "condition_label": "Obésité"},
                               content_type="application/json")
    assert missing.status_code == 400 and "source_title" in missing.json()["detail"]
    assert coordinator.patch(f"{API}/templates/bpco", {"name": "X"},
                             content_type="application/json").status_code == 403
    assert client_for(network["gp"]).post(base, {"derive_from": "bpco"},
                                          content_type="application/json").status_code == 403
    listed = Client().get(f"{API}/templates", {"cooperation": network["cpts"].pk}).json()
    assert len(listed) == 4 and listed[0]["cooperation"] is None
