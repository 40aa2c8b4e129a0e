"""Opinion maps in a person's data export, and after their account is deleted."""

from __future__ import annotations

import pytest

from maillage.accounts import services as accounts
from maillage.participation.models import Statement, StatementVote, StatementVoteEvent
from maillage.participation.services import opinion

pytestmark = pytest.mark.django_db


def test_export_and_deletion_cover_opinion_maps(conversation, seeds, people, at):
    resident = people["resident"]
    with at("diagnostic"):
        opinion.vote_cast(actor=resident, conversation=conversation, statement=seeds[0],
                          value="agree")
        opinion.statement_add(actor=resident, conversation=conversation, text="Mon idée.")
    data = accounts.personal_data_export(actor=resident, user=resident)["participation"]
    assert data["opinion_votes"][0]["vote"] == 1
    assert data["opinion_statements"][0]["text"] == "Mon idée."
    key = opinion.participant_key(resident)
    accounts.account_delete(actor=resident, user=resident, password="correct-horse-battery")
    vote = StatementVote.objects.get()
    assert vote.user is None and vote.participant != key and vote.value == 1  # still counts
    assert not StatementVoteEvent.objects.filter(participant=key).exists()
    assert Statement.objects.get(text="Mon idée.").author is None
