"""The labs API does what the pages do, with the same rights and the same errors."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.labs.models import Idea, Registration, Score, Submission

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_a_challenge_its_evidence_and_an_idea_through_the_api(client, challenge, people):
    listed = client.get(f"/api/labs/labs/{challenge.lab_id}/challenges").json()
    assert listed[0]["title"] == challenge.title
    evidence = client.get(f"/api/labs/challenges/{challenge.pk}/evidence").json()
    assert evidence["category"] == "Distance trop grande"
    assert post(client, f"/api/labs/challenges/{challenge.pk}/ideas",
                {"title": "x", "body": "y"}).status_code == 401
    client.force_login(people["resident"])
    created = post(client, f"/api/labs/challenges/{challenge.pk}/ideas",
                   {"title": "Bus santé", "body": "Un minibus le mardi."})
    assert created.status_code == 201, created.content
    idea_id = created.json()["id"]
    client.force_login(people["neighbour"])
    supported = post(client, f"/api/labs/ideas/{idea_id}/support")
    assert supported.status_code == 201 and supported.json()["supports"] == 1
    assert post(client, f"/api/labs/ideas/{idea_id}/comments",
                {"body": "Oui !"}).status_code == 201
    assert client.get(f"/api/labs/ideas/{idea_id}/comments").json()[0]["body"] == "Oui !"
    refused = post(client, f"/api/labs/ideas/{idea_id}/shortlist", {"shortlisted": True})
    assert refused.status_code == 403


def test_an_idea_after_the_deadline_gets_a_400_and_nothing_is_stored(client, challenge,
                                                                      people):
    type(challenge).objects.filter(pk=challenge.pk).update(
        ideas_close_at=timezone.now() - timedelta(seconds=1))
    client.force_login(people["resident"])
    response = post(client, f"/api/labs/challenges/{challenge.pk}/ideas",
                    {"title": "x", "body": "y"})
    assert response.status_code == 400 and "ne reçoit plus" in response.json()["detail"]
    assert not Idea.objects.exists()


def test_registration_beyond_capacity_is_refused_with_a_clear_message(client, event, people):
    for key in ("resident", "neighbour", "dev"):
        client.force_login(people[key])
        assert post(client, f"/api/labs/events/{event.pk}/registrations").status_code == 201
    assert client.get(f"/api/labs/events/{event.pk}").json()["my_waiting_position"] == 1
    client.force_login(people["juror"])
    full = post(client, f"/api/labs/events/{event.pk}/registrations")
    assert full.status_code == 400 and "Complet" in full.json()["detail"]
    assert Registration.objects.count() == 3
    client.force_login(people["resident"])
    cancelled = client.delete(f"/api/labs/events/{event.pk}/registrations/me")
    assert cancelled.status_code == 200 and cancelled.json()["confirmed"] == 2


def test_submission_scoring_and_results_through_the_api(client, event, team, people, settings,
                                                        tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(people["staff"])
    criterion = post(client, f"/api/labs/events/{event.pk}/criteria",
                     {"name": "Impact", "weight": 2}).json()["criteria"][0]["id"]
    assert post(client, f"/api/labs/events/{event.pk}/jurors",
                {"email": "juror@example.org"}).status_code == 201
    client.force_login(people["resident"])
    handed = client.post(f"/api/labs/events/{event.pk}/teams/{team.pk}/submission", {
        "description": "Notre cabine", "links": ["https://example.org/a"],
        "files": [SimpleUploadedFile("pitch.pdf", PDF, content_type="application/pdf")]})
    assert handed.status_code == 201, handed.content
    submission = handed.json()
    assert submission["files"][0]["name"] == "pitch.pdf"
    client.force_login(people["juror"])
    assert [s["id"] for s in client.get(f"/api/labs/events/{event.pk}/submissions").json()] == [
        submission["id"]]
    bad = post(client, f"/api/labs/submissions/{submission['id']}/scores",
               {"values": {str(criterion): 11}})
    assert bad.status_code == 400 and "0 à 10" in bad.json()["detail"]
    assert not Score.objects.exists()
    assert post(client, f"/api/labs/submissions/{submission['id']}/scores",
                {"values": {str(criterion): 7}}).status_code == 200
    assert client.get(f"/api/labs/events/{event.pk}/results").status_code == 403
    client.force_login(people["staff"])
    assert post(client, f"/api/labs/events/{event.pk}/results").status_code == 200
    results = client.get(f"/api/labs/events/{event.pk}/results").json()
    assert results == [{"submission_id": submission["id"], "team": "Les Cabines",
                        "score": pytest.approx(70.0), "rank": 1, "tied": False, "jurors": 1,
                        "abstentions": 0}]
    assert Submission.objects.count() == 1


def test_a_project_through_the_api(client, idea, people):
    client.force_login(people["staff"])
    post(client, f"/api/labs/ideas/{idea.pk}/shortlist", {"shortlisted": True})
    created = post(client, f"/api/labs/ideas/{idea.pk}/project",
                   {"title": "Cabines", "summary": "Résumé"})
    assert created.status_code == 201
    pk = created.json()["id"]
    stopped = post(client, f"/api/labs/projects/{pk}/stage", {"stage": "stopped"})
    assert stopped.status_code == 400
    patched = client.patch(f"/api/labs/projects/{pk}", json.dumps({"funding_requested": "500"}),
                           content_type="application/json")
    assert patched.json()["funding_requested"] == "500.00"
    assert client.get("/api/labs/projects").json()[0]["id"] == pk
    dashboard = client.get(f"/api/labs/labs/{idea.challenge.lab_id}/dashboard").json()
    assert {"stage": "idea", "label": "Idée", "projects": 1} in dashboard["by_stage"]
