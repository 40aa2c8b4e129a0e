"""Voting on statements: one vote per person and statement, changeable, history kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from maillage.participation.models import StatementVote, StatementVoteEvent
from maillage.participation.services import opinion

pytestmark = pytest.mark.django_db


def test_a_conversation_opens_only_on_a_phase_that_enables_opinion_maps(process, people):
    with pytest.raises(ValidationError) as caught:
        opinion.conversation_create(actor=people["organiser"], process=process,
                                    phase=process.phases.get(type="vote"), title="x",
                                    statements=["a", "a "])
    assert {"phase", "statements"} <= set(caught.value.message_dict)
    with pytest.raises(PermissionDenied):
        opinion.conversation_create(actor=people["resident"], process=process,
                                    phase=process.phases.get(type="diagnostic"), title="x",
                                    statements=["a"])


def test_one_vote_per_person_and_statement_the_latest_counts(conversation, seeds, people, at):
    resident = people["resident"]
    with at("diagnostic"):
        opinion.vote_cast(actor=resident, conversation=conversation, statement=seeds[0].pk,
                          value="agree")
        opinion.vote_cast(actor=resident, conversation=conversation, statement=seeds[0].pk,
                          value="disagree")
        opinion.vote_cast(actor=resident, conversation=conversation, statement=seeds[1],
                          value=0)
    votes = StatementVote.objects.filter(participant=opinion.participant_key(resident))
    assert votes.count() == 2
    assert votes.get(statement=seeds[0]).value == -1
    assert StatementVoteEvent.objects.filter(statement=seeds[0]).count() == 2  # history
    assert opinion.my_votes(viewer=resident, conversation=conversation) == {
        seeds[0].pk: -1, seeds[1].pk: 0}


def test_the_database_refuses_a_second_vote_row(conversation, seeds, people):
    StatementVote.objects.create(conversation=conversation, statement=seeds[0],
                                 participant="u1", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementVote.objects.create(conversation=conversation, statement=seeds[0],
                                     participant="u1", value=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementVote.objects.create(conversation=conversation, statement=seeds[1],
                                     participant="u1", value=2)


def test_bad_votes_are_refused_with_a_clear_error(conversation, seeds, people, at):
    resident = people["resident"]
    with at("diagnostic"):
        pending = opinion.statement_add(actor=resident, conversation=conversation,
                                        text="Une maison de santé à Marvejols.")
        with pytest.raises(ValidationError, match="Vote inconnu"):
            opinion.vote_cast(actor=resident, conversation=conversation,
                              statement=seeds[0].pk, value="maybe")
        with pytest.raises(ValidationError, match="n'est pas ouverte au vote"):
            opinion.vote_cast(actor=resident, conversation=conversation, statement=pending.pk,
                              value="agree")
        with pytest.raises(ValidationError, match="n'est pas ouverte au vote"):
            opinion.vote_cast(actor=resident, conversation=conversation, statement=999999,
                              value="agree")
        with pytest.raises(ValidationError):
            opinion.vote_cast(actor=resident, conversation=conversation, statement="x",
                              value="agree")
    assert not StatementVote.objects.exists()


def test_the_next_statement_is_one_not_yet_voted(conversation, seeds, people, at):
    resident = people["resident"]
    with at("diagnostic"):
        seen = []
        for _ in seeds:
            found = opinion.next_statement(viewer=resident, conversation=conversation)
            assert found.statement is not None and found.statement.pk not in seen
            seen.append(found.statement.pk)
            opinion.vote_cast(actor=resident, conversation=conversation,
                              statement=found.statement, value="pass")
        done = opinion.next_statement(viewer=resident, conversation=conversation)
    assert done.statement is None and done.voted == 3 and done.remaining == 0
    assert sorted(seen) == sorted(s.pk for s in seeds)


def test_votes_queue_a_recomputation_of_the_map(conversation, seeds, people, at,
                                                django_capture_on_commit_callbacks):
    with at("diagnostic"), django_capture_on_commit_callbacks(execute=True):
        opinion.vote_cast(actor=people["resident"], conversation=conversation,
                          statement=seeds[0], value="agree")
    snapshot = opinion.latest_snapshot(conversation)
    assert snapshot is not None and snapshot.n_votes == 1
    conversation.refresh_from_db()
    assert conversation.map_queued_at is None
