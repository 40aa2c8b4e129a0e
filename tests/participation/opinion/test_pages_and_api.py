"""The pages and the API of opinion maps: vote, propose, moderate, see the map, export."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from maillage.participation.models import Statement, StatementStatus, StatementVote
from maillage.participation.services import opinion

pytestmark = pytest.mark.django_db


def test_a_resident_votes_and_proposes_from_the_page(client, conversation, seeds, people, at):
    client.force_login(people["resident"])
    with at("diagnostic"):
        page = client.get(f"/participation/cartes-d-opinion/{conversation.pk}/")
        assert page.status_code == 200
        shown = page.context["next"].statement
        assert escape(shown.text) in page.content.decode()
        response = client.post(f"/participation/cartes-d-opinion/{conversation.pk}/vote/",
                               {"statement": shown.pk, "value": "agree"})
        assert response.status_code == 302
        assert StatementVote.objects.get(statement=shown).value == 1
        page = client.get(f"/participation/cartes-d-opinion/{conversation.pk}/")
        assert page.context["next"].statement.pk != shown.pk
        response = client.post(
            f"/participation/cartes-d-opinion/{conversation.pk}/affirmations/",
            {"text": "Un cabinet éphémère l'été."})
        assert response.status_code == 302
        too_long = client.post(
            f"/participation/cartes-d-opinion/{conversation.pk}/affirmations/",
            {"text": "x" * 400})
        assert too_long.status_code == 400
    proposed = Statement.objects.get(text="Un cabinet éphémère l'été.")
    assert proposed.status == StatementStatus.PENDING


def test_the_moderator_accepts_from_the_page(client, conversation, people, at):
    with at("diagnostic"):
        proposed = opinion.statement_add(actor=people["resident"], conversation=conversation,
                                         text="Un cabinet éphémère l'été.")
        client.force_login(people["moderator"])
        page = client.get(f"/participation/cartes-d-opinion/{conversation.pk}/")
        assert escape(proposed.text) in page.content.decode()
        client.post(f"/participation/cartes-d-opinion/affirmations/{proposed.pk}/accepter/")
    proposed.refresh_from_db()
    assert proposed.status == StatementStatus.ACCEPTED


def test_everyone_sees_the_map_and_only_organisers_export(client, conversation, seeds,
                                                          people):
    for person in range(20):
        for i, statement in enumerate(seeds):
            StatementVote.objects.create(conversation=conversation, statement=statement,
                                         participant=f"p{person}",
                                         value=1 if i == 0 or person % 2 else -1)
    opinion.opinion_map_compute(conversation)
    assert client.get("/participation/cartes-d-opinion/").status_code == 200
    page = client.get(f"/participation/cartes-d-opinion/{conversation.pk}/carte/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and "Dernier calcul" in body
    assert client.get(f"/participation/cartes-d-opinion/{conversation.pk}/rapport/"
                      ).status_code == 302  # to the login page
    client.force_login(people["resident"])
    assert client.get(f"/participation/cartes-d-opinion/{conversation.pk}/export/votes/"
                      ).status_code == 403
    client.force_login(people["organiser"])
    assert client.get(f"/participation/cartes-d-opinion/{conversation.pk}/rapport/"
                      ).status_code == 200
    votes = client.get(f"/participation/cartes-d-opinion/{conversation.pk}/export/votes/")
    lines = votes.content.decode().splitlines()
    assert lines[0] == "participant,statement,vote,timestamp" and len(lines) == 61
    assert "p1," not in votes.content.decode()  # renumbered, no stored pseudonym
    for kind in ("affirmations", "groupes"):
        assert client.get(f"/participation/cartes-d-opinion/{conversation.pk}/export/{kind}/"
                          ).status_code == 200
    pdf = client.get(f"/participation/cartes-d-opinion/{conversation.pk}/export/rapport/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_organiser_opens_a_conversation_from_the_page(client, process, people):
    client.force_login(people["organiser"])
    url = f"/participation/concertations/{process.pk}/cartes-d-opinion/nouvelle/"
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "title": "Comment améliorer l'accès aux soins à Mende ?",
        "phase": process.phases.get(type="diagnostic").pk,
        "statements": "Plus de médecins.\nUne pharmacie de garde.", "allow_statements": "on"})
    assert response.status_code == 302
    assert Statement.objects.filter(status="accepted").count() == 2


def test_the_api_does_what_the_pages_do(client, conversation, seeds, people, at):
    base = f"/api/participation/opinion/conversations/{conversation.pk}"
    assert client.get("/api/participation/opinion/conversations").json()[0]["id"] == \
        conversation.pk
    assert client.post(f"{base}/votes", {"statement": seeds[0].pk, "value": "agree"},
                       content_type="application/json").status_code == 401
    client.force_login(people["resident"])
    with at("diagnostic"):
        nxt = client.get(f"{base}/next").json()
        assert nxt["remaining"] == 3
        response = client.post(f"{base}/votes", {"statement": nxt["statement"]["id"],
                                                 "value": 1}, content_type="application/json")
        assert response.status_code == 201
        bad = client.post(f"{base}/votes", {"statement": seeds[0].pk, "value": "maybe"},
                          content_type="application/json")
        assert bad.status_code == 400 and "value" in bad.json()["errors"]
        added = client.post(f"{base}/statements", {"text": "Un nouvel avis."},
                            content_type="application/json")
        assert added.status_code == 201 and added.json()["status"] == "pending"
        assert client.get(f"{base}/my-votes").json() == {str(nxt["statement"]["id"]): 1}
        client.force_login(people["moderator"])
        moderated = client.post(
            f"/api/participation/opinion/statements/{added.json()['id']}/moderation",
            {"action": "reject", "reason": "Doublon."}, content_type="application/json")
        assert moderated.status_code == 200 and moderated.json()["status"] == "rejected"
    body = client.get(f"{base}/map").json()
    assert body["conversation"] == conversation.pk
    assert client.get("/api/participation/opinion/conversations/99999999").status_code == 404
