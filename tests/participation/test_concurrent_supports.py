"""One support and one opinion vote per person, under concurrent double submission."""

from __future__ import annotations

import pytest

from maillage.participation import services
from maillage.participation.models import Proposal, Support
from tests.participation.test_concurrent_votes import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_supports_by_one_person_store_one(process, people, at):
    proposal = Proposal.objects.create(process=process, author=people["neighbour"],
                                       title="Un bus vers la MSP", body="Le mardi.")
    with at("proposals"):
        outcomes = race([lambda: services.proposal_support(actor=people["resident"],
                                                           proposal=proposal)] * 2)
    assert outcomes.count("stored") == 1, outcomes
    assert Support.objects.filter(proposal=proposal, user=people["resident"]).count() == 1


def test_two_simultaneous_opinion_votes_by_one_person_keep_one_vote(process, people, at):
    from maillage.participation.models import StatementVote
    from maillage.participation.services import opinion

    conversation = opinion.conversation_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="diagnostic"),
        title="Mende ?", statements=["Plus de médecins à Mende."])
    statement = conversation.statements.get()
    with at("diagnostic"):
        race([lambda value=value: opinion.vote_cast(actor=people["resident"],
                                                    conversation=conversation,
                                                    statement=statement.pk, value=value)
              for value in ("agree", "disagree")])
    assert StatementVote.objects.filter(statement=statement).count() == 1
