"""Adapting the plan from the pathway page: task owner, window, cancellation, team, versions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.coordination import services
from maillage.coordination.models import Document

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_coordinator_reassigns_moves_and_cancels_a_task_from_the_page(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    task = pathway.tasks.filter(profession="infirmier").first()
    page = client_for(network["coordinator"]).get(pathway.get_absolute_url()).content.decode()
    assert f"/cooperation/taches/{task.pk}/adapter/" in page
    coordinator = client_for(network["coordinator"])
    coordinator.post(f"/cooperation/taches/{task.pk}/adapter/",
                     {"owner_email": "gp@msp.example", "due_from": "2026-02-01",
                      "due_by": "2026-03-01"})
    task.refresh_from_db()
    assert task.owner == network["gp"] and str(task.due_by) == "2026-03-01"
    answer = coordinator.post(f"/cooperation/taches/{task.pk}/adapter/",
                              {"owner_email": "gp@ailleurs.example"}, follow=True)
    assert "équipe de soins" in answer.content.decode()
    task.refresh_from_db()
    assert task.owner == network["gp"]
    coordinator.post(f"/cooperation/taches/{task.pk}/adapter/", {"cancel": "on"})
    task.refresh_from_db()
    assert task.status == "cancelled"


def test_only_the_coordinator_adapts_and_outsiders_get_not_found(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    task = pathway.tasks.first()
    nurse_page = client_for(network["nurse"]).get(pathway.get_absolute_url()).content.decode()
    assert "/adapter/" not in nurse_page
    assert client_for(network["nurse"]).post(
        f"/cooperation/taches/{task.pk}/adapter/", {"cancel": "on"}).status_code == 403
    assert client_for(network["outsider"]).post(
        f"/cooperation/taches/{task.pk}/adapter/", {"cancel": "on"}).status_code == 404
    task.refresh_from_db()
    assert task.status == "requested"


def test_a_task_added_for_someone_outside_the_team_gets_a_field_error(pathway, network):
    response = client_for(network["coordinator"]).post(
        pathway.get_absolute_url() + "taches/",
        {"title": "Bilan", "profession": "generaliste", "due_from": "2026-02-01",
         "due_by": "2026-02-10", "owner_email": "gp@ailleurs.example"})
    assert response.status_code == 400
    assert "responsable" in response.content.decode()
    assert not pathway.tasks.filter(title="Bilan").exists()
    client_for(network["coordinator"]).post(
        pathway.get_absolute_url() + "taches/",
        {"title": "Bilan", "profession": "generaliste", "due_from": "2026-02-01",
         "due_by": "2026-02-10", "owner_email": "ide@msp.example"})
    assert pathway.tasks.get(title="Bilan").owner == network["nurse"]


def test_the_coordinator_removes_a_team_member_from_the_page(pathway, network):
    member = pathway.team.get(user=network["nurse"])
    url = f"{pathway.get_absolute_url()}equipe/{member.pk}/retrait/"
    assert client_for(network["nurse"]).post(url).status_code == 403
    client_for(network["coordinator"]).post(url)
    assert not pathway.team.filter(user=network["nurse"]).exists()
    assert client_for(network["nurse"]).get(pathway.get_absolute_url()).status_code == 404


def test_a_new_version_of_a_document_from_the_page(pathway, network):
    first = services.document_upload(
        actor=network["gp"], pathway=pathway, kind="lab", title="Bilan",
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7 a", content_type="application/pdf"))
    gp = client_for(network["gp"])
    assert "Déposer une nouvelle version" in gp.get(pathway.get_absolute_url()).content.decode()
    gp.post(pathway.get_absolute_url() + "documents/", {
        "kind": "lab", "title": "Bilan", "replaces": first.pk,
        "file": SimpleUploadedFile("b.pdf", b"%PDF-1.7 b", content_type="application/pdf")})
    latest = Document.objects.get(replaces=first)
    assert latest.version == 2
