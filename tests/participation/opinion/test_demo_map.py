"""The demo ships a live opinion map in Mende: statements, residents' votes, computed groups."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from maillage.participation.models import Conversation, StatementStatus, StatementVote
from maillage.participation.phases import phase_state_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_running_opinion_map_with_groups_and_consensus(geography, client):
    call_command("participation_demo", stdout=None)
    call_command("participation_demo", stdout=None)  # idempotent
    conversation = Conversation.objects.get()
    assert conversation.is_demo
    state = phase_state_load(conversation.process)
    assert state.active.pk == conversation.phase_id  # open for votes today
    assert StatementVote.objects.filter(conversation=conversation).count() > 150
    assert conversation.statements.filter(status=StatementStatus.PENDING).count() == 1
    summary = conversation.snapshots.get().summary
    assert len(summary["groups"]) == 2
    assert sorted(g["size"] for g in summary["groups"]) == [8, 12]
    consensus = {c["text"] for c in summary["consensus"]["agree"]}
    assert "Les urgences de Mende doivent rester ouvertes la nuit." in consensus
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Carte d'opinion de démonstration." in page
    assert "Les urgences de Mende" in client.get(
        conversation.get_absolute_url() + "carte/").content.decode()


def test_the_organiser_exports_the_demo_report(geography, client, people):
    call_command("participation_demo", stdout=None)
    conversation = Conversation.objects.get()
    client.force_login(people["organiser"])
    base = conversation.get_absolute_url()
    assert client.get(base + "rapport/").status_code == 200
    for kind, mime in (("votes", "text/csv"), ("affirmations", "text/csv"),
                       ("groupes", "text/csv"), ("rapport", "application/pdf")):
        response = client.get(base + f"export/{kind}/")
        assert response.status_code == 200, kind
        assert response["Content-Type"].startswith(mime), kind
