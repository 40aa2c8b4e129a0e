"""Statements proposed by participants wait for a moderator before anyone votes on them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.participation.models import ModerationEvent, StatementStatus
from maillage.participation.services import opinion

pytestmark = pytest.mark.django_db


def test_a_proposed_statement_is_voted_on_only_once_accepted(conversation, people, at):
    with at("diagnostic"):
        proposed = opinion.statement_add(actor=people["resident"], conversation=conversation,
                                         text="Un bus vers les consultations de Mende.")
        assert proposed.status == StatementStatus.PENDING
        with pytest.raises(ValidationError, match="déjà"):
            opinion.statement_add(actor=people["neighbour"], conversation=conversation,
                                  text="un bus vers les consultations de mende.")
        with pytest.raises(ValidationError):
            opinion.vote_cast(actor=people["neighbour"], conversation=conversation,
                              statement=proposed, value="agree")
        with pytest.raises(PermissionDenied):
            opinion.statement_accept(actor=people["far_moderator"], statement=proposed)
        with pytest.raises(PermissionDenied):
            opinion.statement_accept(actor=people["neighbour"], statement=proposed)
        opinion.statement_accept(actor=people["moderator"], statement=proposed)
        proposed.refresh_from_db()
        assert proposed.is_votable
        opinion.vote_cast(actor=people["neighbour"], conversation=conversation,
                          statement=proposed, value="agree")


def test_a_refused_statement_is_hidden_with_its_reason_and_its_author_told(
        conversation, people, at, django_capture_on_commit_callbacks):
    with at("diagnostic"):
        proposed = opinion.statement_add(actor=people["resident"], conversation=conversation,
                                         text="Le docteur X est incompétent.")
        with pytest.raises(ValidationError):
            opinion.statement_reject(actor=people["moderator"], statement=proposed, reason="")
        with django_capture_on_commit_callbacks(execute=True):
            opinion.statement_reject(actor=people["moderator"], statement=proposed,
                                     reason="Vise une personne nommée.")
    proposed.refresh_from_db()
    assert proposed.status == StatementStatus.REJECTED and proposed.is_hidden
    assert proposed.hidden_reason == "Vise une personne nommée."
    assert ModerationEvent.objects.filter(object_id=proposed.pk, action="hide").exists()
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]


def test_an_organiser_statement_is_accepted_at_once(conversation, people, at):
    with at("before"):
        added = opinion.statement_add(actor=people["organiser"], conversation=conversation,
                                      text="La télémédecine en pharmacie aide.")
    assert added.status == StatementStatus.ACCEPTED


def test_closed_conversations_refuse_statements(conversation, people, at):
    conversation.allow_statements = False
    conversation.save()
    with at("diagnostic"), pytest.raises(PermissionDenied):
        opinion.statement_add(actor=people["resident"], conversation=conversation,
                              text="Encore une idée.")


def test_proposed_statements_enter_the_moderation_queue(conversation, people, at, client):
    from maillage.participation.selectors import moderation_queue

    with at("diagnostic"):
        proposed = opinion.statement_add(actor=people["resident"], conversation=conversation,
                                         text="Un cabinet éphémère l'été.")
    queue = moderation_queue(viewer=people["moderator"])
    assert [(i.kind, i.content.pk) for i in queue] == [("affirmation", proposed.pk)]
    assert moderation_queue(viewer=people["far_moderator"]) == []
    client.force_login(people["moderator"])
    assert client.get("/participation/moderation/").status_code == 200
    opinion.statement_accept(actor=people["moderator"], statement=proposed)
    assert moderation_queue(viewer=people["moderator"]) == []
