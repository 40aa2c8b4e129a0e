"""Participation in a person's data export, and what deleting the account leaves behind."""

from __future__ import annotations

import pytest

from maillage.accounts import services as accounts
from maillage.participation import services
from maillage.participation.models import Comment, Proposal, Signalement, Support

pytestmark = pytest.mark.django_db


def test_export_and_deletion_cover_participation(people, process, at):
    resident = people["resident"]
    services.signalement_create(actor=resident, commune_code="48095", category="cost",
                                text="Dépassements", anonymous=False)
    with at("proposals"):
        proposal = services.proposal_create(actor=people["neighbour"], process=process,
                                            title="t", body="b")
        services.proposal_support(actor=resident, proposal=proposal)
        services.comment_create(actor=resident, proposal=proposal, body="Oui")

    data = accounts.personal_data_export(actor=resident, user=resident)["participation"]
    assert data["signalements"][0]["text"] == "Dépassements"
    assert data["supports"] == [{"proposal": proposal.pk,
                                 "created_at": data["supports"][0]["created_at"]}]
    assert data["comments"][0]["body"] == "Oui"

    accounts.account_delete(actor=resident, user=resident, password="correct-horse-battery")
    signalement = Signalement.objects.get()
    assert signalement.author is None and signalement.anonymous is True
    assert Support.objects.filter(proposal=proposal).count() == 1  # still counts
    assert Support.objects.get().user is None
    assert Comment.objects.get().author is None
    assert Proposal.objects.get().author == people["neighbour"]
