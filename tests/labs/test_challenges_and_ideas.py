"""Challenges with evidence; ideas as participation proposals (comments, supports, moderation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.labs import selectors, services
from maillage.labs.models import Challenge, Idea
from maillage.participation.models import Comment, Flag, Notification, Proposal, Support


def test_an_organiser_opens_a_lab_with_its_own_ideas_process(lab, people):
    """The lab's ideas live in a published participation process on the lab's territory."""
    assert lab.process.is_published
    assert (lab.process.territory_level, lab.process.territory_code) == ("departement", "48")
    assert lab.staff.filter(user=people["staff"]).exists()


def test_only_an_organiser_of_the_territory_opens_a_lab(people):
    with pytest.raises(PermissionDenied):
        services.lab_create(actor=people["resident"], name="Mon lab", kind="association",
                            territory_level="departement", territory_code="48")


def test_only_the_labs_staff_publish_its_challenges(lab, people):
    with pytest.raises(PermissionDenied):
        services.challenge_create(
            actor=people["other_staff"], lab=lab, title="Défi", description="…",
            territory_level="departement", territory_code="48",
            ideas_close_at=timezone.now() + timedelta(days=3))
    assert not Challenge.objects.exists()


def test_a_challenge_outside_the_labs_territory_is_refused(lab, people):
    with pytest.raises(ValidationError) as caught:
        services.challenge_create(
            actor=people["staff"], lab=lab, title="Défi", description="…",
            territory_level="commune", territory_code="12208",
            ideas_close_at=timezone.now() + timedelta(days=3))
    assert "territory_code" in caught.value.message_dict
    assert not Challenge.objects.exists()


def test_a_challenge_page_shows_access_signalements_and_priorities(challenge, people, client):
    from maillage.insights.models import AccessRun, CommuneAccess
    from maillage.participation import services as participation

    run = AccessRun.objects.create(region_id="76", profession="generaliste", method="apl",
                                   state=AccessRun.State.SUCCEEDED, finished_at=timezone.now())
    for code, apl, klass in (("48095", 1.9, 0), ("48017", 2.2, 1), ("48099", 4.0, 2)):
        CommuneAccess.objects.create(run=run, commune_id=code, accessibility=apl,
                                     desert_class=klass, population=1000,
                                     standardised_population=1000, supply=0)
    participation.signalement_create(actor=people["resident"], commune_code="48095",
                                     category="distance")
    participation.signalement_create(actor=people["neighbour"], commune_code="48095",
                                     category="cost")  # another category: not evidence
    evidence = selectors.challenge_evidence(viewer=people["resident"], challenge=challenge)
    assert [row.code for row in evidence.access] == ["48095", "48017"]  # its communes only
    assert evidence.signalements_total == 1
    assert evidence.access[0].signalements == 1
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "Mende" in html and ("1,9" in html or "1.9" in html)
    assert "Distance trop grande" in html


def test_a_verified_person_submits_an_idea_and_the_staff_hear(idea, people):
    proposal = idea.proposal
    assert proposal.process_id == idea.challenge.lab.process_id
    assert proposal.author == people["resident"]
    assert Notification.objects.filter(user=people["staff"], url=idea.get_absolute_url()
                                       ).exists()


def test_no_idea_after_the_challenge_deadline(challenge, people):
    Challenge.objects.filter(pk=challenge.pk).update(
        ideas_close_at=timezone.now() - timedelta(minutes=1))
    challenge.refresh_from_db()
    with pytest.raises(ValidationError, match="ne reçoit plus"):
        services.idea_submit(actor=people["resident"], challenge=challenge, title="Tard",
                             body="Trop tard")
    assert not Idea.objects.exists() and not Proposal.objects.exists()


def test_an_unverified_person_cannot_submit_an_idea(challenge, people):
    with pytest.raises(PermissionDenied):
        services.idea_submit(actor=people["unverified"], challenge=challenge, title="x",
                             body="y")


def test_ideas_are_commented_and_supported_through_participation(idea, people):
    comment = services.idea_comment(actor=people["neighbour"], idea=idea, body="Bonne idée !")
    assert isinstance(comment, Comment) and comment.proposal_id == idea.proposal_id
    services.idea_support(actor=people["neighbour"], idea=idea)
    assert Support.objects.filter(proposal=idea.proposal, user=people["neighbour"]).exists()
    with pytest.raises(ValidationError, match="déjà"):
        services.idea_support(actor=people["neighbour"], idea=idea)
    assert Notification.objects.filter(user=people["resident"],
                                       title__contains="commentaire").exists()
    listed = selectors.idea_list(viewer=people["dev"], challenge=idea.challenge)
    assert listed[0].proposal.support_count == 1
    assert listed[0].proposal.comment_count == 1


def test_a_flagged_idea_goes_to_participations_moderators(idea, people):
    from maillage.participation import services as participation
    from maillage.participation.selectors import moderation_queue

    services.idea_flag(actor=people["neighbour"], idea=idea, reason="Publicité")
    assert Flag.objects.count() == 1
    assert moderation_queue(viewer=people["moderator"])
    participation.content_hide(actor=people["moderator"], content=idea.proposal,
                               reason="Publicité")
    assert selectors.idea_list(viewer=people["dev"], challenge=idea.challenge) == []
    with pytest.raises(ValidationError):
        services.idea_shortlist(actor=people["staff"], idea=Idea.objects.get(pk=idea.pk))


def test_the_lab_shortlists_and_the_author_is_told(idea, people):
    with pytest.raises(PermissionDenied):
        services.idea_shortlist(actor=people["neighbour"], idea=idea)
    services.idea_shortlist(actor=people["staff"], idea=idea)
    idea.refresh_from_db()
    assert idea.is_shortlisted
    assert Notification.objects.filter(user=people["resident"], title__contains="retenue"
                                       ).exists()
