"""Actions and their updates, committees and meetings, following and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.participation import services
from maillage.participation.models import (
    Committee,
    MeetingRegistration,
    Notification,
    NotificationSettings,
)
from tests.participation.conftest import T3

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(process, people, at):
    with at("proposals"):
        return services.proposal_create(actor=people["resident"], process=process,
                                        title="Une unité mobile", body="Le mardi")


def test_an_action_links_what_it_answers_and_its_updates_reach_followers(
        process, proposal, people, django_capture_on_commit_callbacks):
    services.follow(actor=people["neighbour"], target=process)
    services.follow(actor=people["outsider"], target=proposal)
    from maillage.territories.models import Commune

    services.follow(actor=people["resident"], target=Commune.objects.get(pk="48017"))
    NotificationSettings.objects.create(user=people["neighbour"], email="immediate")
    with pytest.raises(ValidationError) as caught:
        services.action_create(actor=people["organiser"], process=process, title="Bus",
                               responsible_body="CPTS", commune_codes=["99999"])
    assert "communes" in caught.value.message_dict
    action = services.action_create(actor=people["organiser"], process=process,
                                    title="Unité mobile à Badaroux", responsible_body="CPTS",
                                    proposal_ids=[proposal.pk], commune_codes=["48017"])
    with pytest.raises(PermissionDenied):
        services.action_update_add(actor=people["resident"], action=action, text="x",
                                   status="done", progress=100)
    with pytest.raises(ValidationError) as caught:
        services.action_update_add(actor=people["organiser"], action=action, text="x",
                                   status="in_progress", progress=140)
    assert "progress" in caught.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.action_update_add(actor=people["organiser"], action=action,
                                   text="Premier passage le 4 mai.", status="in_progress",
                                   progress=30)
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 30)
    told = set(Notification.objects.values_list("user__email", flat=True))
    assert told == {"neighbour@example.org", "outsider@example.org", "resident@example.org"}
    assert [m.to for m in mail.outbox] == [["neighbour@example.org"]]  # the only "immediate"
    sent = services.digest_send()  # the others get the daily digest
    assert sent == 2 and len(mail.outbox) == 3
    assert services.digest_send() == 0


def test_an_official_answer_notifies_the_author_and_followers(proposal, people):
    services.follow(actor=people["neighbour"], target=proposal)
    services.proposal_answer(actor=people["organiser"], proposal=proposal,
                             status="accepted", answer="Oui, dès septembre.")
    assert set(Notification.objects.values_list("user__email", flat=True)) == {
        "resident@example.org", "neighbour@example.org"}


def test_followers_hear_when_a_phase_begins_once(process, people, at):
    services.follow(actor=people["neighbour"], target=process)
    with at("proposals") as now:
        assert services.phases_started_announce(now=now) == 1
        assert services.phases_started_announce(now=now) == 0
    assert "Propositions" in Notification.objects.get().title


def test_committee_meetings_take_registrations_within_capacity(process, people, at):
    committee = services.committee_create(actor=people["organiser"], process=process,
                                          name="Comité santé Lozère")
    services.committee_member_add(actor=people["organiser"], committee=committee,
                                  user=people["resident"], kind="citizen")
    with pytest.raises(ValidationError):
        services.committee_member_add(actor=people["organiser"], committee=committee,
                                      user=people["resident"], kind="citizen")
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(actor=people["organiser"], committee=committee, title="R1",
                                agenda="Bilan", starts_at=T3, ends_at=T3 + timedelta(hours=2))
    assert "place" in caught.value.message_dict
    meeting = services.meeting_create(
        actor=people["organiser"], committee=committee, title="Réunion publique",
        agenda="1. Bilan du diagnostic", starts_at=T3, ends_at=T3 + timedelta(hours=2),
        place="Salle des fêtes de Mende", capacity=1)
    with at("proposals"):
        services.meeting_register(actor=people["resident"], meeting=meeting)
        with pytest.raises(ValidationError, match="complète"):
            services.meeting_register(actor=people["neighbour"], meeting=meeting)
    with at("after"), pytest.raises(PermissionDenied):
        services.meeting_register(actor=people["outsider"], meeting=meeting)
    assert MeetingRegistration.objects.count() == 1
    services.meeting_minutes_record(actor=people["organiser"], meeting=meeting,
                                    minutes="12 présents.", decisions="Lancer l'unité mobile.")
    with pytest.raises(PermissionDenied):
        services.meeting_minutes_record(actor=people["resident"], meeting=meeting,
                                        minutes="x", decisions="")


def test_the_followup_pages_render(client, process, proposal, people, at):
    committee = Committee.objects.create(process=process, name="Comité")
    meeting = services.meeting_create(
        actor=people["organiser"], committee=committee, title="Réunion", agenda="Ordre",
        starts_at=T3, ends_at=T3 + timedelta(hours=1), online_url="https://visio.example/abc")
    action = services.action_create(actor=people["organiser"], process=process, title="Bus",
                                    responsible_body="CPTS", proposal_ids=[proposal.pk])
    client.force_login(people["resident"])
    with at("proposals"):
        page = client.get(process.get_absolute_url()).content.decode()
        assert "Actions décidées" in page and "Bus" in page and "Comité" in page
        assert client.get(action.get_absolute_url()).status_code == 200
        assert client.get(committee.get_absolute_url()).status_code == 200
        assert "inscris" in client.get(meeting.get_absolute_url()).content.decode()
        client.post(f"/participation/reunions/{meeting.pk}/inscription/")
        client.post(f"/participation/suivre/concertation/{process.pk}/")
        notes = client.get("/participation/notifications/").content.decode()
        assert "Accès aux soins en Lozère" in notes
    assert meeting.registrations.count() == 1
    assert client.get("/api/participation/notifications").status_code == 200


def test_the_api_runs_a_committee_from_creation_to_minutes(client, process, people, at):
    client.force_login(people["organiser"])
    committee = client.post(f"/api/participation/processes/{process.pk}/committees",
                            {"name": "Comité"}, content_type="application/json").json()["id"]
    bad = client.post(f"/api/participation/committees/{committee}/members",
                      {"email": "nobody@example.org", "kind": "citizen"},
                      content_type="application/json")
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    assert client.post(f"/api/participation/committees/{committee}/members",
                       {"email": "resident@example.org", "kind": "citizen"},
                       content_type="application/json").status_code == 201
    meeting = client.post(f"/api/participation/committees/{committee}/meetings",
                          {"title": "R", "agenda": "A", "starts_at": T3.isoformat(),
                           "ends_at": (T3 + timedelta(hours=1)).isoformat(),
                           "online_url": "http://insecure.example"},
                          content_type="application/json")
    assert meeting.status_code == 400 and "online_url" in meeting.json()["errors"]
    meeting = client.post(f"/api/participation/committees/{committee}/meetings",
                          {"title": "R", "agenda": "A", "starts_at": T3.isoformat(),
                           "ends_at": (T3 + timedelta(hours=1)).isoformat(),
                           "place": "Mairie"}, content_type="application/json").json()["id"]
    client.force_login(people["resident"])
    with at("proposals"):
        assert client.post(f"/api/participation/meetings/{meeting}/registrations"
                           ).status_code == 201
    assert client.put(f"/api/participation/meetings/{meeting}/minutes", {"minutes": "x"},
                      content_type="application/json").status_code == 403
    listed = client.get(f"/api/participation/processes/{process.pk}/committees").json()
    assert listed[0]["meetings"][0]["registered"] == 1
