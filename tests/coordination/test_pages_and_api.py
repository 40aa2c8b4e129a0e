"""Pages and API: the directory, enrolment, a pathway's page by role, CSRF, JSON errors."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from maillage.coordination import services
from maillage.coordination.models import AccessLogEntry, CareTask, Message, Pathway

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anyone_searches_who_does_what_near_a_commune(client, network):
    page = client.get("/cooperation/", {"q": "médecine", "commune": "Mende", "rayon": 30})
    assert page.status_code == 200
    assert "Consultations de médecine générale" in page.content.decode()
    # The same hits on a map: a point at the service's commune linking to its row, and the
    # commune searched.
    marker = 'id="directory-points" type="application/json">'
    points = json.loads(page.content.decode().split(marker)[1].split("</script>")[0])
    from maillage.coordination.models import HealthcareService

    service = HealthcareService.objects.get(organisation=network["msp"])
    found, searched = points["features"]
    assert found["properties"]["url"] == f"#service-{service.pk}"
    assert searched["properties"]["code"] == "Mende" and "url" not in searched["properties"]
    assert f'id="service-{service.pk}"' in page.content.decode()

    near = client.get("/api/coordination/directory/services",
                      {"commune": "48095", "radius_km": 30}).json()
    assert [s["name"] for s in near] == ["Consultations de médecine générale"]
    everywhere = client.get("/api/coordination/directory/services").json()
    assert len(everywhere) == 2
    unknown = client.get("/api/coordination/directory/services", {"commune": "Atlantide"})
    assert unknown.status_code == 400 and "commune" in unknown.json()["detail"]


def test_the_cooperation_page_lists_members_and_lets_members_edit_their_services(client,
                                                                                 network):
    page = client.get(f"/cooperation/reseaux/{network['cpts'].pk}/").content.decode()
    assert "MSP de Mende" in page and "Hôpital de Mende" in page
    assert "MSP de Saint-Affrique" not in page
    gp = client_for(network["gp"])
    url = f"/cooperation/organisations/{network['msp'].pk}/services/{network['service'].pk}/"
    assert gp.get(url).status_code == 200
    bad = gp.post(url, {"name": "Consultations", "category": "medecine_generale",
                        "commune_code": "99999"})
    assert bad.status_code == 400 and "fr-input-group--error" in bad.content.decode()
    assert client_for(network["outsider"]).get(url).status_code == 403


def test_the_templates_page_cites_its_sources(client, templates):
    page = client.get("/cooperation/modeles/").content.decode()
    assert "has-sante.fr" in page and "HbA1c" in page


def test_a_coordinator_enrols_a_patient_with_consent_from_the_page(network, templates):
    coordinator = client_for(network["coordinator"])
    url = f"/cooperation/reseaux/{network['cpts'].pk}/inscrire/"
    form = {"family_name": "Martin", "given_name": "Luc", "sex": "male",
            "commune_code": "48095", "template": templates["bpco"].pk,
            "start_date": "2026-01-05"}
    refused = coordinator.post(url, form)
    assert refused.status_code == 400
    assert "consent_method_error" in refused.content.decode()
    assert not Pathway.objects.exists()

    done = coordinator.post(url, {**form, "consent_method": "written",
                                  "consent_confirmed": "on"})
    pathway = Pathway.objects.get()
    assert done.status_code == 302 and done["Location"] == pathway.get_absolute_url()
    assert "Martin" not in done["Location"]  # nothing about the patient in URLs
    assert client_for(network["gp"]).get(url).status_code == 403


@pytest.mark.parametrize(("who", "status"), [
    ("coordinator", 200), ("gp", 200), ("nurse", 200), ("patient", 200),
    ("outsider", 404), ("cardio", 404), ("admin", 404)])
def test_the_pathway_page_by_role(who, status, pathway, network, patient_user):
    user = patient_user if who == "patient" else network[who]
    response = client_for(user).get(pathway.get_absolute_url())
    assert response.status_code == status
    if status == 404:
        assert "Patient" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, pathway):
    assert client.get(pathway.get_absolute_url()).status_code == 302
    assert client.get(f"/api/coordination/pathways/{pathway.key}").status_code == 401


def test_plan_team_and_message_from_the_page_with_field_errors(pathway, network):
    coordinator = client_for(network["coordinator"])
    base = pathway.get_absolute_url()
    made = coordinator.post(base + "plan/", {"template": pathway.template_id,
                                             "start_date": "2026-01-05", "risk_grade": "2"})
    assert made.status_code == 302
    assert CareTask.objects.filter(pathway=pathway, activity__code="podologie-grade-2").count() == 5
    wrong = coordinator.post(base + "equipe/", {"email": "gp@ailleurs.example",
                                                "profession": "generaliste"})
    assert wrong.status_code == 400 and "réseau" in wrong.content.decode()
    nurse = client_for(network["nurse"])
    assert nurse.post(base + "messages/", {"body": "Pansement fait"}).status_code == 302
    assert nurse.post(base + "messages/", {"body": ""}).status_code == 400
    assert Message.objects.filter(pathway=pathway).count() == 1
    outsider = client_for(network["outsider"])
    assert outsider.post(base + "messages/", {"body": "?"}).status_code == 404


def test_posts_need_the_csrf_token(pathway, network):
    nurse = Client(enforce_csrf_checks=True)
    nurse.force_login(network["nurse"])
    assert nurse.post(pathway.get_absolute_url() + "messages/",
                      {"body": "x"}).status_code == 403


def test_a_professional_records_a_task_as_done(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=date(2026, 1, 5))
    task = CareTask.objects.filter(pathway=pathway, activity__code="hba1c").first()
    response = client_for(network["nurse"]).post(
        f"/cooperation/taches/{task.pk}/fait/", {"done_on": "2026-01-20", "value": "6.9",
                                                 "unit": "%"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "completed" and pathway.observations.get().value == 6.9


def test_the_patient_reads_who_accessed_their_record(pathway, network, patient_user):
    client_for(network["nurse"]).get(pathway.get_absolute_url())
    client_for(network["outsider"]).get(pathway.get_absolute_url())
    page = client_for(patient_user).get("/cooperation/mon-dossier/acces/").content.decode()
    assert "Inès" in page and "refusé" in page and "Dr Ailleurs" in page
    api = client_for(patient_user).get("/api/coordination/me/access-log").json()
    assert {"R"} <= {e["action"][0] for e in api} or api


def test_the_patient_withdraws_consent_from_the_page(pathway, network, patient_user):
    patient = client_for(patient_user)
    assert "Retirer le consentement" in patient.get(pathway.get_absolute_url()).content.decode()
    patient.post(pathway.get_absolute_url() + "consentement/retrait/")
    assert client_for(network["gp"]).get(pathway.get_absolute_url()).status_code == 404
    assert patient.get(pathway.get_absolute_url()).status_code == 200


def test_the_api_reads_and_writes_with_the_same_rights(pathway, network):
    nurse = client_for(network["nurse"])
    body = nurse.get(f"/api/coordination/pathways/{pathway.key}",
                     headers={"X-Access-Reason": "tournée"}).json()
    assert body["consent"] == "active" and len(body["team"]) == 2
    assert AccessLogEntry.objects.filter(actor=network["nurse"], reason="tournée").exists()
    outsider = client_for(network["outsider"])
    assert outsider.get(f"/api/coordination/pathways/{pathway.key}").status_code == 404
    assert outsider.get("/api/coordination/pathways").json() == []

    coordinator = client_for(network["coordinator"])
    bad_owner = coordinator.post(
        f"/api/coordination/pathways/{pathway.key}/tasks", content_type="application/json",
        data={"title": "Bilan", "profession": "generaliste", "due_from": "2026-02-01",
              "due_by": "2026-02-10", "owner_email": "gp@ailleurs.example"})
    assert bad_owner.status_code == 400 and "owner" in bad_owner.json()["detail"]
    created = coordinator.post(
        f"/api/coordination/pathways/{pathway.key}/plan", content_type="application/json",
        data={"start_date": "2026-01-05"})
    assert created.status_code == 201 and len(created.json()) > 10
    sent = nurse.post(f"/api/coordination/pathways/{pathway.key}/messages",
                      content_type="application/json", data={"body": "Vu ce matin"})
    assert sent.status_code == 201
    export = coordinator.get(f"/api/coordination/pathways/{pathway.key}/fhir")
    Bundle.model_validate(json.loads(export.content))


def test_enrolment_and_import_through_the_api(network, templates):
    from tests.coordination.test_fhir import small_bundle

    coordinator = client_for(network["coordinator"])
    missing = coordinator.post("/api/coordination/pathways", content_type="application/json",
                               data={"cooperation": network["cpts"].pk,
                                     "patient": {"family_name": "A", "given_name": "B"}})
    assert missing.status_code == 422
    imported = coordinator.post(
        f"/api/coordination/cooperations/{network['cpts'].pk}/fhir-import?consent_method=written",
        content_type="application/fhir+json", data=json.dumps(small_bundle()))
    assert imported.status_code == 201 and imported.json()["created"]["Observation"] == 3
    bad = coordinator.post(
        f"/api/coordination/cooperations/{network['cpts'].pk}/fhir-import?consent_method=written",
        content_type="application/fhir+json", data="{}")
    assert bad.status_code == 400 and "Bundle" in bad.json()["detail"]
    assert Pathway.objects.count() == 1


def test_the_cohort_dashboard_has_a_chart_a_table_and_a_csv(pathway, network):
    services.alerts_detect(today=date(2026, 1, 6))
    coordinator = client_for(network["coordinator"])
    url = f"/cooperation/reseaux/{network['cpts'].pk}/tableau-de-bord/"
    page = coordinator.get(url).content.decode()
    assert "<svg" in page and "Mende" in page
    csv_text = coordinator.get(url, {"format": "csv"}).content.decode()
    assert "Diabète de type 2 de l'adulte,Mende,1," in csv_text
    assert client_for(network["gp"]).get(url).status_code == 404


def test_members_manage_their_entries_through_the_api(network):
    gp = client_for(network["gp"])
    msp = network["msp"].pk
    added = gp.post(f"/api/coordination/organisations/{msp}/professionals",
                    content_type="application/json",
                    data={"name": "Paula Podo", "profession": "pedicure_podologue",
                          "service_ids": [network["service"].pk]})
    assert added.status_code == 201
    refused = client_for(network["outsider"]).post(
        f"/api/coordination/organisations/{msp}/professionals", content_type="application/json",
        data={"name": "X", "profession": "infirmier"})
    assert refused.status_code == 403
    bad = gp.post(f"/api/coordination/organisations/{msp}/professionals",
                  content_type="application/json", data={"name": "X", "profession": "mage"})
    assert bad.status_code == 400 and "profession" in bad.json()["detail"]
    changed = gp.put(f"/api/coordination/organisations/{msp}/services/{network['service'].pk}",
                     content_type="application/json",
                     data={"name": "Médecine générale", "category": "medecine_generale",
                           "commune_code": "48095", "referral": "Doctolib ou téléphone"})
    assert changed.json()["referral"] == "Doctolib ou téléphone"
    assert "Paula Podo (Pédicure-podologue)" in changed.json()["professionals"]
    coordinator = client_for(network["coordinator"])
    joined = coordinator.post(f"/api/coordination/cooperations/{network['cpts'].pk}/members",
                              content_type="application/json",
                              data={"organisation": network["elsewhere"].pk})
    assert joined.status_code == 201
    assert gp.post(f"/api/coordination/cooperations/{network['cpts'].pk}/members",
                   content_type="application/json",
                   data={"organisation": network["elsewhere"].pk}).status_code == 403


def test_a_member_adds_a_professional_from_the_page(network):
    from maillage.coordination.models import NetworkProfessional

    gp = client_for(network["gp"])
    url = f"/cooperation/organisations/{network['msp'].pk}/professionnels/nouveau/"
    assert gp.post(url, {"name": "Paula", "profession": "pedicure_podologue",
                         "user_email": "nobody@example.org"}).status_code == 400
    assert gp.post(url, {"name": "Paula", "profession": "pedicure_podologue"}).status_code == 302
    assert NetworkProfessional.objects.filter(name="Paula", organisation=network["msp"]).exists()
    assert client_for(network["outsider"]).get(url).status_code == 403


def test_a_long_list_of_pathways_comes_in_pages_at_risk_first_logging_only_those_shown(
        network, templates):
    from datetime import date

    from maillage.coordination.models import AccessLogEntry, Patient

    coordinator = network["coordinator"]
    for n in range(55):
        services.pathway_enrol(
            actor=coordinator, cooperation=network["cpts"], consent_method="written",
            patient=Patient.objects.create(family_name=f"Patient{n:02d}", given_name="A",
                                           sex="female"))
    services.alerts_detect(today=date(2026, 3, 2))  # every pathway lacks a médecin traitant
    late = Pathway.objects.get(patient__family_name="Patient54")
    late.alerts.create(kind="overdue", subject="task:0", detail="—", raised_on=date(2026, 3, 2))
    AccessLogEntry.objects.all().delete()

    client = client_for(coordinator)
    first = client.get("/cooperation/parcours/")
    body = first.content.decode()
    assert first.status_code == 200 and "55 parcours" in body and "page 1 sur 2" in body
    assert body.index("Patient54") < body.index("Patient00")  # two open alerts come first
    assert "Patient49" not in body and "?page=2" in body
    assert AccessLogEntry.objects.filter(actor=coordinator).count() == 50
    second = client.get("/cooperation/parcours/?page=2").content.decode()
    assert "Patient49" in second and "Page précédente" in second
    assert client.get("/cooperation/parcours/?page=oops").status_code == 200

    api = client.get("/api/coordination/pathways?limit=10&offset=50")
    assert api.status_code == 200 and api["X-Total-Count"] == "55"
    assert [p["patient"] for p in api.json()] == [f"A Patient{n}" for n in range(49, 54)]
    assert client.get("/api/coordination/pathways?limit=501").status_code == 422
    risky = client.get("/api/coordination/pathways?at_risk=true")
    assert risky["X-Total-Count"] == "55"
