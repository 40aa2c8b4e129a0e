"""Proposals, supports (one per verified resident), threaded comments, official answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from maillage.participation import selectors, services
from maillage.participation.models import Comment, Proposal, Support
from tests.participation.conftest import MOMENTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(process, people, at):
    with at("proposals"):
        return services.proposal_create(
            actor=people["resident"], process=process, title="Une unité mobile à Badaroux",
            body="Le mardi matin, devant la mairie.", commune_code="48017")


def test_a_resident_proposes_during_the_proposals_phase_only(process, people, at):
    with at("diagnostic"), pytest.raises(PermissionDenied):
        services.proposal_create(actor=people["resident"], process=process, title="t",
                                 body="b")
    with at("proposals"):
        created = services.proposal_create(actor=people["resident"], process=process,
                                           title="t", body="b")
    assert created.status == "submitted"


def test_a_proposal_about_a_commune_outside_the_territory_is_refused(process, people, at):
    with at("proposals"), pytest.raises(ValidationError) as caught:
        services.proposal_create(actor=people["resident"], process=process, title="t",
                                 body="b", commune_code="12208")
    assert "commune" in caught.value.message_dict
    assert not Proposal.objects.exists()


def test_one_support_per_person_is_enforced_and_reported(proposal, people, at):
    with at("proposals"):
        services.proposal_support(actor=people["neighbour"], proposal=proposal)
        with pytest.raises(ValidationError, match="soutenez déjà"):
            services.proposal_support(actor=people["neighbour"], proposal=proposal)
    assert Support.objects.count() == 1


def test_the_database_itself_refuses_a_second_support(proposal, people):
    Support.objects.create(proposal=proposal, user=people["neighbour"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=proposal, user=people["neighbour"])


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_supports_by_one_person_store_one(proposal, people, at):
    """Double submission from two threads: the constraint keeps one, the other is told."""
    import threading

    from django.db import connection

    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit():
        try:
            with at("proposals"):
                barrier.wait(timeout=5)
                services.proposal_support(actor=people["neighbour"], proposal=proposal)
            outcomes.append("stored")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # SQLite may report its write lock instead
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert outcomes.count("stored") == 1


def test_supports_need_residence_and_the_support_phase(proposal, people, at):
    with at("proposals"), pytest.raises(PermissionDenied):
        services.proposal_support(actor=people["outsider"], proposal=proposal)
    with at("vote"), pytest.raises(PermissionDenied):
        services.proposal_support(actor=people["neighbour"], proposal=proposal)
    assert not Support.objects.exists()


def test_a_rejection_needs_a_reason_in_the_service_and_in_the_database(proposal, people):
    with pytest.raises(ValidationError) as caught:
        services.proposal_answer(actor=people["organiser"], proposal=proposal,
                                 status="rejected", answer="")
    assert "answer" in caught.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status="rejected", answer="")
    services.proposal_answer(actor=people["organiser"], proposal=proposal, status="rejected",
                             answer="Une unité mobile passe déjà à 3 km le mardi.")
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.answered_by == people["organiser"]


def test_only_organisers_answer(proposal, people):
    with pytest.raises(PermissionDenied):
        services.proposal_answer(actor=people["moderator"], proposal=proposal,
                                 status="accepted", answer="Oui")


def test_the_author_edits_within_the_window_and_before_any_answer(proposal, people, at):
    with at(proposal.created_at + timedelta(minutes=30)):
        services.proposal_update(actor=people["resident"], proposal=proposal, title="Nouveau",
                                 body="Texte")
        with pytest.raises(PermissionDenied):
            services.proposal_update(actor=people["neighbour"], proposal=proposal, title="x",
                                     body="y")
    with at(proposal.created_at + timedelta(hours=2)), pytest.raises(PermissionDenied):
        services.proposal_update(actor=people["resident"], proposal=proposal, title="Trop tard",
                                 body="y")


def test_comments_form_threads_and_hidden_ones_keep_their_place(proposal, people, at):
    with at("proposals"):
        root = services.comment_create(actor=people["neighbour"], proposal=proposal,
                                       body="Bonne idée")
        reply = services.comment_create(actor=people["resident"], proposal=proposal,
                                         body="Merci", parent=root)
        services.comment_create(actor=people["outsider"], proposal=proposal, body="Autre")
    services.content_hide(actor=people["moderator"], content=root, reason="Test")
    thread = selectors.comment_thread(viewer=people["outsider"], proposal=proposal)
    assert [(i.comment.pk, i.depth) for i in thread][:2] == [(root.pk, 0), (reply.pk, 1)]
    assert thread[0].show_body is False and thread[1].show_body is True
    moderator_view = selectors.comment_thread(viewer=people["moderator"], proposal=proposal)
    assert moderator_view[0].show_body is True


def test_a_reply_to_another_proposals_comment_is_refused(proposal, process, people, at):
    with at("proposals"):
        other = services.proposal_create(actor=people["neighbour"], process=process, title="o",
                                         body="o")
        foreign = services.comment_create(actor=people["neighbour"], proposal=other, body="x")
        with pytest.raises(ValidationError) as caught:
            services.comment_create(actor=people["resident"], proposal=proposal, body="y",
                                    parent=foreign)
    assert "parent" in caught.value.message_dict
    assert Comment.objects.count() == 1


def test_comments_close_with_the_calendar(proposal, people, at):
    with at("after"), pytest.raises(PermissionDenied):
        services.comment_create(actor=people["resident"], proposal=proposal, body="Trop tard")


def test_the_pages_let_a_resident_support_comment_and_the_organiser_answer(client, proposal,
                                                                          people, at):
    with at("proposals"):
        client.force_login(people["neighbour"])
        page = client.get(proposal.get_absolute_url()).content.decode()
        assert "Je soutiens" in page and "Une unité mobile à Badaroux" in page
        client.post(f"/participation/propositions/{proposal.pk}/soutien/")
        again = client.post(f"/participation/propositions/{proposal.pk}/soutien/", follow=True)
        assert "Vous soutenez" in again.content.decode()
        assert Support.objects.count() == 1
        empty = client.post(f"/participation/propositions/{proposal.pk}/commentaires/",
                            {"body": ""})
        assert empty.status_code == 400 and 'id="id_body_error"' in empty.content.decode()
        client.post(f"/participation/propositions/{proposal.pk}/commentaires/",
                    {"body": "D'accord !"})
        listing = client.get(f"/participation/concertations/{proposal.process_id}/?tri=soutiens")
        assert "1 soutien" in listing.content.decode()
        client.force_login(people["organiser"])
        bad = client.post(f"/participation/propositions/{proposal.pk}/reponse/",
                          {"status": "rejected", "answer": ""})
        assert bad.status_code == 400 and 'id="id_answer_error"' in bad.content.decode()
        client.post(f"/participation/propositions/{proposal.pk}/reponse/",
                    {"status": "evaluating", "answer": "Nous étudions le trajet."})
    proposal.refresh_from_db()
    assert proposal.status == "evaluating"
    assert proposal.comments.get().body == "D'accord !"


def test_the_api_supports_once_and_answers(client, proposal, people, at):
    url = f"/api/participation/proposals/{proposal.pk}/support"
    with at("proposals"):
        client.force_login(people["neighbour"])
        assert client.post(url).json()["supports"] == 1
        twice = client.post(url)
        assert twice.status_code == 400 and "proposal" in twice.json()["errors"]
        assert client.delete(url).json()["supports"] == 0
    with at("vote"):
        closed = client.post(url)
        assert closed.status_code == 403
    assert client.get("/api/participation/proposals/999999").status_code == 404
    listed = client.get(f"/api/participation/processes/{proposal.process_id}/proposals").json()
    assert listed[0]["title"] == "Une unité mobile à Badaroux"
    assert MOMENTS  # the calendar used above
