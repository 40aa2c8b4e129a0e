"""Everything a page does, the API does too, with the same rights and the same log entries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.coordination import services
from maillage.coordination.models import AccessLogEntry, Document, Message, NetworkProfessional

pytestmark = pytest.mark.django_db
API = "/api/coordination"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(body: bytes = b"%PDF-1.7\n1") -> SimpleUploadedFile:
    return SimpleUploadedFile("cr.pdf", body, content_type="application/pdf")


def test_anyone_reads_a_cooperations_network(network):
    body = Client().get(f"{API}/cooperations/{network['cpts'].pk}").json()
    names = [m["name"] for m in body["members"]]
    assert names[0] == "CPTS Cœur de Lozère" and body["members"][0]["is_cooperation"]
    assert {"MSP de Mende", "Hôpital de Mende"} <= set(names)
    assert "MSP de Saint-Affrique" not in names
    msp = next(m for m in body["members"] if m["name"] == "MSP de Mende")
    assert msp["services"][0]["referral"] == "Appeler le secrétariat"
    assert {p["profession"] for p in msp["professionals"]} == {"generaliste", "infirmier"}


def test_members_update_their_own_professionals_only(network):
    entry = NetworkProfessional.objects.get(user=network["nurse"])
    url = f"{API}/organisations/{network['msp'].pk}/professionals/{entry.pk}"
    data = {"name": "Inès Infirmière", "profession": "infirmier", "role": "IDE Asalée"}
    changed = client_for(network["gp"]).put(url, data=data, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["role"] == "IDE Asalée"
    refused = client_for(network["outsider"]).put(url, data=data,
                                                  content_type="application/json")
    assert refused.status_code == 403
    entry.refresh_from_db()
    assert entry.name == "Inès Infirmière"


def test_the_coordinator_adapts_a_task_and_removes_a_team_member(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    task = pathway.tasks.filter(profession="infirmier").first()
    coordinator = client_for(network["coordinator"])
    moved = coordinator.patch(f"{API}/tasks/{task.pk}", content_type="application/json",
                              data={"owner_email": "gp@msp.example", "due_by": "2026-12-31"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["owner"] == "Dr Gé" and moved.json()["due_by"] == "2026-12-31"
    outside = coordinator.patch(f"{API}/tasks/{task.pk}", content_type="application/json",
                                data={"owner_email": "gp@ailleurs.example"})
    assert outside.status_code == 400 and "owner" in outside.json()["detail"]
    nurse = client_for(network["nurse"])
    assert nurse.patch(f"{API}/tasks/{task.pk}", content_type="application/json",
                       data={"cancel": True}).status_code == 403
    assert client_for(network["outsider"]).patch(
        f"{API}/tasks/{task.pk}", content_type="application/json",
        data={"cancel": True}).status_code == 404
    cancelled = coordinator.patch(f"{API}/tasks/{task.pk}", content_type="application/json",
                                  data={"cancel": True})
    assert cancelled.json()["status"] == "cancelled"

    member = pathway.team.get(user=network["nurse"])
    assert coordinator.delete(f"{API}/pathways/{pathway.key}/team/{member.pk}").status_code == 204
    assert not pathway.team.filter(user=network["nurse"]).exists()
    assert not pathway.tasks.filter(owner=network["nurse"], status="requested").exists()
    assert nurse.get(f"{API}/pathways/{pathway.key}").status_code == 404


def test_a_professional_records_a_structured_result(pathway, network):
    data = {"code": "4548-4", "label": "HbA1c", "value": 7.2, "unit": "%",
            "effective_at": "2026-02-01T10:00:00+01:00"}
    url = f"{API}/pathways/{pathway.key}/observations"
    created = client_for(network["nurse"]).post(url, data=data, content_type="application/json")
    assert created.status_code == 201 and created.json()["value"] == 7.2
    empty = client_for(network["nurse"]).post(
        url, data={**data, "value": None}, content_type="application/json")
    assert empty.status_code == 400 and "value" in empty.json()["detail"]
    assert client_for(network["outsider"]).post(
        url, data=data, content_type="application/json").status_code == 404
    detail = client_for(pathway.patient.user).get(f"{API}/pathways/{pathway.key}").json()
    assert [o["label"] for o in detail["observations"]] == ["HbA1c"]


def test_documents_through_the_api_versioned_typed_and_checked(pathway, network, settings,
                                                              tmp_path):
    settings.STORAGES = {**settings.STORAGES, "coordination": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    gp = client_for(network["gp"])
    url = f"{API}/pathways/{pathway.key}/documents"
    first = gp.post(url, data={"kind": "lab", "title": "Bilan", "file": pdf()})
    assert first.status_code == 201, first.content
    second = gp.post(url, data={"kind": "lab", "title": "Bilan", "file": pdf(b"%PDF-1.7\n2"),
                                "replaces": first.json()["id"]})
    assert second.status_code == 201 and second.json()["version"] == 2
    listed = client_for(pathway.patient.user).get(url).json()
    assert [(d["version"], d["current"]) for d in listed] == [(2, True), (1, False)]

    forbidden = gp.post(url, data={"kind": "other", "title": "x", "file": SimpleUploadedFile(
        "x.html", b"<script>", content_type="text/html")})
    assert forbidden.status_code == 400 and "file" in forbidden.json()["detail"]
    assert Document.objects.count() == 2

    download = client_for(pathway.patient.user).get(f"{API}/documents/{second.json()['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content).endswith(b"2")
    assert client_for(network["outsider"]).get(
        f"{API}/documents/{second.json()['id']}").status_code == 404
    assert AccessLogEntry.objects.filter(actor=network["outsider"], outcome="denied").exists()


def test_without_a_configured_storage_documents_stay_outside_the_media_root(
        pathway, network, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path
    document = services.document_upload(actor=network["gp"], pathway=pathway, kind="report",
                                        title="CR", upload=pdf())
    path = document.file.path
    assert path.startswith(str(tmp_path / "private")), path
    assert not path.startswith(settings.MEDIA_ROOT)


def test_the_teleconsultation_report_and_consent_again_through_the_api(pathway, network):
    slot = datetime(2026, 3, 2, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    nurse = client_for(network["nurse"])
    booked = nurse.post(f"{API}/pathways/{pathway.key}/teleconsultations",
                        content_type="application/json",
                        data={"starts_at": slot.isoformat(), "patient_consented": True})
    assert booked.status_code == 201
    visit = booked.json()["id"]
    assert client_for(network["gp"]).post(
        f"{API}/teleconsultations/{visit}/report", content_type="application/json",
        data={"report": "x"}).status_code == 403
    report = nurse.post(f"{API}/teleconsultations/{visit}/report",
                        content_type="application/json", data={"report": "Plaie propre."})
    assert report.status_code == 201 and report.json()["kind"] == "report"
    assert "Dr Gé" in Message.objects.get(pathway=pathway).body

    patient = client_for(pathway.patient.user)
    assert patient.post(f"{API}/pathways/{pathway.key}/consent/withdraw").status_code == 200
    assert nurse.get(f"{API}/pathways/{pathway.key}").status_code == 404
    again = patient.post(f"{API}/pathways/{pathway.key}/consent",
                         content_type="application/json", data={})
    assert again.status_code == 200 and again.json()["status"] == "active"
    assert nurse.get(f"{API}/pathways/{pathway.key}").status_code == 200
    assert client_for(network["outsider"]).post(
        f"{API}/pathways/{pathway.key}/consent", content_type="application/json",
        data={}).status_code == 404


def test_my_tasks_are_listed_late_first_and_logged(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    AccessLogEntry.objects.all().delete()
    body = client_for(network["nurse"]).get(f"{API}/me/tasks").json()
    assert body and all(t["pathway"] == str(pathway.key) for t in body)
    assert [t["due_by"] for t in body] == sorted(t["due_by"] for t in body)
    assert AccessLogEntry.objects.filter(actor=network["nurse"], what="tâches à faire").count() == 1
    assert client_for(network["outsider"]).get(f"{API}/me/tasks").json() == []


def test_questionnaire_scores_are_for_the_coordination_only(pathway, network):
    url = f"{API}/cooperations/{network['cpts'].pk}/questionnaire-scores"
    assert client_for(network["coordinator"]).get(url).status_code == 200
    assert client_for(network["nurse"]).get(url).status_code == 404


def test_the_pathway_detail_shows_the_patient_their_whole_record(pathway, network):
    services.message_send(actor=network["gp"], pathway=pathway, body="Bonjour")
    services.encounter_record(actor=network["gp"], pathway=pathway, kind="AMB",
                              started_at=datetime(2026, 1, 6, 9, tzinfo=ZoneInfo("UTC")),
                              ended_at=datetime(2026, 1, 6, 9, tzinfo=ZoneInfo("UTC"))
                              + timedelta(minutes=20))
    body = client_for(pathway.patient.user).get(f"{API}/pathways/{pathway.key}").json()
    assert {"team", "tasks", "alerts", "encounters", "observations", "documents",
            "teleconsultations", "questionnaires"} <= set(body)
    assert body["encounters"][0]["kind"] == "AMB"
