"""Pages and API: permission matrix, CSRF, field errors, JSON 4xx, exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.mobilization import services
from maillage.mobilization.models import Petition, Signature


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_index_and_lists_render_for_everyone(people, make_petition):
    make_petition()
    for name in ("index", "petitions", "threads", "campaigns", "dossier"):
        response = client_for(None).get(reverse(f"mobilization:{name}"))
        assert response.status_code == 200, name
    assert "Un médecin pour le centre" in client_for(None).get(
        reverse("mobilization:index")).content.decode()


@pytest.mark.parametrize(("who", "status"), [
    ("anonymous", 404), ("neighbour", 404), ("far_moderator", 404),
    ("resident", 200), ("moderator", 200), ("elu", 200)])
def test_a_pending_petition_is_seen_by_its_author_moderators_and_authority(
        people, make_petition, who, status):
    petition = make_petition(publish=False)
    response = client_for(people[who]).get(petition.get_absolute_url())
    assert response.status_code == status


def test_starting_a_petition_through_the_form_shows_field_errors_and_stores_nothing(people):
    client = client_for(people["resident"])
    response = client.post(reverse("mobilization:petition_create"), {
        "title": "Urgences de nuit", "body": "Rouvrir les urgences la nuit.",
        "authority_kind": "ars", "authority_name": "ARS Occitanie",
        "territory_level": "departement", "territory_code": "99", "threshold": "5",
        "deadline": (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    assert "fr-input-group--error" in response.content.decode()
    assert not Petition.objects.exists()
    response = client.post(reverse("mobilization:petition_create"), {
        "title": "Urgences de nuit", "body": "Rouvrir les urgences la nuit.",
        "authority_kind": "ars", "authority_name": "ARS Occitanie",
        "territory_level": "departement", "territory_code": "48", "threshold": "5",
        "deadline": (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    assert Petition.objects.get().status == "pending"


def test_signing_needs_the_csrf_token(people, make_petition):
    petition = make_petition()
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["neighbour"])
    response = client.post(reverse("mobilization:petition_sign", args=[petition.pk]))
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_a_signature_through_the_page_moves_the_counter(people, make_petition):
    petition = make_petition()
    client = client_for(people["neighbour"])
    client.post(reverse("mobilization:petition_sign", args=[petition.pk]),
                {"show_publicly": "on"})
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "1 signature" in page and "Vous avez signé" in page
    client.post(reverse("mobilization:petition_sign", args=[petition.pk]))
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [
    ("anonymous", 302), ("neighbour", 403), ("far_moderator", 403),
    ("resident", 200), ("elu", 200), ("analyst", 200)])
def test_signature_exports_go_to_the_organiser_and_the_authority(
        people, make_petition, who, status):
    petition = make_petition()
    services.petition_sign(actor=people["neighbour"], petition=petition)
    client = client_for(people[who])
    for name in ("petition_csv", "petition_pdf"):
        response = client.get(reverse(f"mobilization:{name}", args=[petition.pk]))
        assert response.status_code == status, name


def test_the_csv_lists_each_signature_and_the_pdf_is_a_pdf(people, make_petition):
    petition = make_petition()
    services.petition_sign(actor=people["neighbour"], petition=petition)
    services.petition_sign(actor=people["outsider"], petition=petition, show_publicly=True)
    client = client_for(people["resident"])
    rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("mobilization:petition_csv", args=[petition.pk])).content.decode())))
    assert sorted(r["code_insee"] for r in rows) == ["12208", "48095"]
    pdf = client.get(reverse("mobilization:petition_pdf", args=[petition.pk])).content
    assert pdf.startswith(b"%PDF")


def test_api_signing_gives_json_errors(people, make_petition):
    petition = make_petition()
    url = f"/api/mobilization/petitions/{petition.pk}/signatures"
    assert client_for(None).post(url, "{}", content_type="application/json"
                                 ).status_code == 401
    client = client_for(people["neighbour"])
    first = client.post(url, "{}", content_type="application/json")
    assert first.status_code == 201 and first.json()["signatures"] == 1
    again = client.post(url, "{}", content_type="application/json")
    assert again.status_code == 400 and "petition" in again.json()["errors"]
    refused = client_for(people["unverified"]).post(url, "{}",
                                                    content_type="application/json")
    assert refused.status_code == 403
    assert client.get("/api/mobilization/petitions/999999").status_code == 404


def test_api_starting_a_petition_checks_fields(people):
    client = client_for(people["resident"])
    payload = {"title": "t", "body": "b", "authority_kind": "ars", "authority_name": "ARS",
               "territory_level": "departement", "territory_code": "48", "threshold": 3,
               "deadline": (timezone.now() - timedelta(days=1)).isoformat()}
    response = client.post("/api/mobilization/petitions", json.dumps(payload),
                           content_type="application/json")
    assert response.status_code == 400 and "deadline" in response.json()["errors"]
    payload["deadline"] = (timezone.now() + timedelta(days=1)).isoformat()
    response = client.post("/api/mobilization/petitions", json.dumps(payload),
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    outsider = client_for(people["outsider"]).post(
        "/api/mobilization/petitions", json.dumps(payload), content_type="application/json")
    assert outsider.status_code == 403


def test_the_authority_answers_through_the_page(people, make_petition):
    petition = make_petition(threshold=1)
    services.petition_sign(actor=people["neighbour"], petition=petition)
    client_for(people["neighbour"]).post(
        reverse("mobilization:petition_answer", args=[petition.pk]), {"answer": "Non"})
    petition.refresh_from_db()
    assert petition.answered_at is None
    client_for(people["elu"]).post(
        reverse("mobilization:petition_answer", args=[petition.pk]),
        {"answer": "Un poste est ouvert."})
    page = client_for(None).get(petition.get_absolute_url()).content.decode()
    assert "Réponse officielle" in page and "Un poste est ouvert." in page


def test_every_page_renders_for_the_people_who_use_it(people, make_petition):
    """Forms, moderation, campaign with its reach table, thread with moderation tools."""
    pending = make_petition(publish=False)
    thread = services.thread_create(
        actor=people["resident"], territory_level="departement", territory_code="48",
        topic="general", kind="discussion", title="Bonjour", body="Premier message")
    services.post_create(actor=people["neighbour"], thread=thread, body="Réponse")
    campaign = services.campaign_create(
        actor=people["coordinator"], region="76", title="Dépistage", theme="depistage",
        body="Venez.", organiser_name="CPTS")
    pages = {
        "resident": [reverse("mobilization:petition_create"),
                     reverse("mobilization:thread_create"), thread.get_absolute_url()],
        "moderator": [pending.get_absolute_url(), reverse("mobilization:moderation"),
                      thread.get_absolute_url(), reverse("mobilization:index")],
        "coordinator": [reverse("mobilization:campaign_create"), campaign.get_absolute_url()],
    }
    for who, urls in pages.items():
        client = client_for(people[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
    page = client_for(people["moderator"]).get(pending.get_absolute_url()).content.decode()
    assert "Modération avant publication" in page
    page = client_for(people["coordinator"]).get(campaign.get_absolute_url()).content.decode()
    assert "Portée de la campagne" in page


def test_only_signatories_who_chose_it_are_shown_with_their_commune(people, make_petition):
    """Public display of name and commune is opt-in; the others only count."""
    petition = make_petition()
    services.petition_sign(actor=people["resident"], petition=petition, show_publicly=True)
    services.petition_sign(actor=people["outsider"], petition=petition, show_publicly=False)
    page = client_for(None).get(petition.get_absolute_url()).content.decode()
    assert "2 signatures" in page
    assert "Rosa — Mende" in page
    assert "outsider" not in page and "Saint-Affrique" not in page
