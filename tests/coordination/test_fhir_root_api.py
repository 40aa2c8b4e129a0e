"""The /fhir/ read API at the site root, and the export of every object of a pathway."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient as FhirPatient

from maillage.coordination import fhir, services
from maillage.coordination.models import AccessLogEntry, Questionnaire
from tests.coordination.conftest import START, at

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coordination.fhir_test_urls")]


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_care_team_member_reads_their_patients(pathway, network):
    nurse = client_of(network["nurse"])
    key = pathway.patient.key
    listing = nurse.get("/fhir/Patient")
    assert listing.status_code == 200
    assert listing["Content-Type"].startswith("application/fhir+json")
    assert [e.resource.id for e in Bundle.model_validate(listing.json()).entry] == [str(key)]

    one = nurse.get(f"/fhir/Patient/{key}")
    assert FhirPatient.model_validate(one.json()).name[0].family == "Patient"
    everything = nurse.get(f"/fhir/Patient/{key}/$everything")
    kinds = Counter(e.resource.__resource_type__
                    for e in Bundle.model_validate(everything.json()).entry)
    assert kinds["Patient"] == 1 and kinds["CareTeam"] == 1 and kinds["AuditEvent"] >= 3

    log = AccessLogEntry.objects.filter(actor=network["nurse"], patient=pathway.patient)
    assert log.filter(action="R", what="liste des parcours", reason="FHIR Patient").count() == 1
    assert log.filter(action="R", what="FHIR Patient").count() == 1
    assert log.filter(action="E", what="export FHIR", outcome="allowed").count() == 1


def test_outsiders_learn_nothing_and_their_attempt_is_logged(pathway, network):
    outsider = client_of(network["outsider"])
    key = pathway.patient.key
    assert Bundle.model_validate(outsider.get("/fhir/Patient").json()).entry in (None, [])
    existing = outsider.get(f"/fhir/Patient/{key}")
    missing = outsider.get(f"/fhir/Patient/{uuid.uuid4()}")
    everything = outsider.get(f"/fhir/Patient/{key}/$everything")
    for response in (existing, missing, everything, outsider.get("/fhir/Patient/not-a-key")):
        assert response.status_code == 404
        assert OperationOutcome.model_validate(response.json()).issue[0].code == "not-found"
    assert existing.content == missing.content == everything.content
    assert "Patient" not in existing.json()["issue"][0]["diagnostics"].replace("Ressource", "")
    refused = AccessLogEntry.objects.filter(actor=network["outsider"], patient=pathway.patient)
    assert refused.count() == 2 and set(refused.values_list("outcome", flat=True)) == {"denied"}


def test_anonymous_callers_get_401_and_withdrawn_consent_closes_access(pathway, network):
    anonymous = Client()
    key = pathway.patient.key
    for url in ("/fhir/Patient", f"/fhir/Patient/{key}", f"/fhir/Patient/{key}/$everything",
                "/fhir/Observation"):
        response = anonymous.get(url)
        assert response.status_code == 401
        assert response.json()["resourceType"] == "OperationOutcome"
    services.consent_withdraw(actor=network["coordinator"], pathway=pathway)
    nurse = client_of(network["nurse"])
    assert nurse.get(f"/fhir/Patient/{key}").status_code == 404
    assert Bundle.model_validate(nurse.get("/fhir/Patient").json()).entry in (None, [])
    patient = client_of(pathway.patient.user)
    assert patient.get(f"/fhir/Patient/{key}").status_code == 200  # the patient still does


def test_metadata_is_a_capability_statement(db):
    response = Client().get("/fhir/metadata")
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.rest[0].resource[0].type == "Patient"
    assert Client().post("/fhir/Patient").status_code in (401, 405)


def full_pathway(pathway, network):
    """Every object of a pathway: plan, tasks, encounter, result, message, document,
    teleconsultation with report, questionnaire answer, and access-log entries."""
    coordinator, gp = network["coordinator"], network["gp"]
    services.care_plan_instantiate(actor=coordinator, pathway=pathway)
    task = pathway.tasks.exclude(activity__loinc="").first()
    services.task_complete(actor=gp, task=task, done_on=START + timedelta(days=3),
                           note="ok", value=7.1, unit="%")
    services.encounter_record(actor=gp, pathway=pathway, kind="IMP",
                              started_at=at(START), ended_at=at(START + timedelta(days=2)))
    services.message_send(actor=gp, pathway=pathway, body="Bonjour")
    services.document_upload(actor=gp, pathway=pathway, kind="report", title="Compte rendu",
                             upload=SimpleUploadedFile("cr.pdf", b"%PDF-1.4 test",
                                                       content_type="application/pdf"))
    services.questionnaires_load()
    sent = services.questionnaire_send(
        actor=gp, pathway=pathway,
        questionnaire=Questionnaire.objects.get(code="experience-parcours"))
    services.questionnaire_answer(actor=pathway.patient.user, response=sent,
                                  answers={str(q): 3 for q in range(1, 5)})
    return pathway


def test_the_export_covers_every_object_and_round_trips(pathway, network, settings,
                                                        tmp_path):
    settings.STORAGES = {**settings.STORAGES, "coordination": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    full_pathway(pathway, network)
    from django.utils import timezone

    visit = services.teleconsultation_book(
        actor=network["gp"], pathway=pathway, starts_at=timezone.now() - timedelta(hours=1),
        minutes=20, patient_consented=True)
    services.teleconsultation_report(actor=network["gp"], visit=visit, report="Vu.")

    exported = fhir.pathway_export(actor=network["coordinator"], pathway=pathway)
    bundle = Bundle.model_validate(exported)
    kinds = Counter(e.resource.__resource_type__ for e in bundle.entry)
    expected = {"Patient", "Organization", "Practitioner", "CareTeam", "CarePlan", "Task",
                "Consent", "Appointment", "Encounter", "Communication", "DocumentReference",
                "QuestionnaireResponse", "Observation", "AuditEvent"}
    assert expected <= set(kinds), expected - set(kinds)
    assert kinds["Task"] == pathway.tasks.count()
    assert kinds["Encounter"] == pathway.encounters.count()
    assert kinds["Observation"] == pathway.observations.count()
    assert kinds["Communication"] == pathway.messages.count()
    assert kinds["DocumentReference"] == pathway.documents.count()
    assert kinds["Appointment"] == pathway.teleconsultations.count() == 1
    assert kinds["QuestionnaireResponse"] == pathway.questionnaire_responses.count() == 1
    assert kinds["AuditEvent"] == AccessLogEntry.objects.filter(pathway=pathway).count()
    # Documents: metadata only, never the file's content.
    documents = [e.resource for e in bundle.entry
                 if e.resource.__resource_type__ == "DocumentReference"]
    assert all(c.attachment.data is None and c.attachment.url is None
               for d in documents for c in d.content)
    # The export of this very request is in the log, as an AuditEvent with action E.
    audits = [e.resource for e in bundle.entry if e.resource.__resource_type__ == "AuditEvent"]
    assert any(a.action == "E" for a in audits)
    assert all(a.entity[0].what.reference == f"urn:uuid:{pathway.patient.key}" for a in audits)

    # Round trip through JSON and the R4B models: nothing lost, nothing changed.
    again = Bundle.model_validate(json.loads(bundle.model_dump_json()))
    assert again.model_dump() == bundle.model_dump()
    assert Counter(e.resource.__resource_type__ for e in again.entry) == kinds


def test_a_team_member_searches_one_kind_of_resource_of_a_patient(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    nurse = client_of(network["nurse"])
    key = pathway.patient.key
    tasks = nurse.get(f"/fhir/Task?patient={key}")
    assert tasks.status_code == 200
    bundle = Bundle.model_validate(tasks.json())
    assert bundle.type == "searchset" and bundle.total == pathway.tasks.count() > 0
    assert {e.resource.__resource_type__ for e in bundle.entry} == {"Task"}
    assert {e.search.mode for e in bundle.entry} == {"match"}
    # The same resources as $everything, by any of the reference spellings.
    everything = Bundle.model_validate(nurse.get(f"/fhir/Patient/{key}/$everything").json())
    team = [e.fullUrl for e in everything.entry if e.resource.__resource_type__ == "CareTeam"]
    for spelling in (f"Patient/{key}", f"urn:uuid:{key}"):
        found = Bundle.model_validate(nurse.get(f"/fhir/CareTeam?patient={spelling}").json())
        assert [e.fullUrl for e in found.entry] == team
    assert AccessLogEntry.objects.filter(actor=network["nurse"], patient=pathway.patient,
                                         what="FHIR Task", outcome="allowed").count() == 1
    # The JSON API serves the same search.
    api = nurse.get(f"/api/coordination/fhir/Task?patient={key}")
    assert api.status_code == 200 and api.json()["total"] == bundle.total


def test_a_search_without_a_patient_or_on_someone_else_s_patient_finds_nothing(pathway,
                                                                               network):
    key = pathway.patient.key
    nurse = client_of(network["nurse"])
    missing = nurse.get("/fhir/Task")
    assert missing.status_code == 400
    assert OperationOutcome.model_validate(missing.json()).issue[0].code == "required"
    assert nurse.get("/fhir/Task?patient=not-a-key").status_code == 404
    assert nurse.get(f"/fhir/AuditEvent?patient={key}").json()["issue"][0]["code"] == (
        "not-supported")
    outsider = client_of(network["outsider"])
    existing = outsider.get(f"/fhir/Task?patient={key}")
    unknown = outsider.get(f"/fhir/Task?patient={uuid.uuid4()}")
    assert existing.status_code == unknown.status_code == 404
    assert existing.content == unknown.content
    assert AccessLogEntry.objects.filter(actor=network["outsider"], patient=pathway.patient,
                                         outcome="denied").count() == 1
    assert outsider.get(f"/api/coordination/fhir/Task?patient={key}").status_code == 404


def test_metadata_lists_the_searchable_kinds(db):
    statement = CapabilityStatement.model_validate(Client().get("/fhir/metadata").json())
    kinds = {r.type: r for r in statement.rest[0].resource}
    assert set(fhir.SEARCHABLE_TYPES) <= set(kinds)
    assert kinds["Observation"].searchParam[0].name == "patient"
