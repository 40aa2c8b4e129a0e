"""The demo territory ships a running process with every component filled, marked as demo."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from maillage.participation.models import Consultation, Process, Proposal, Signalement
from maillage.participation.phases import phase_state_load

pytestmark = pytest.mark.django_db


def test_the_demo_content_is_running_complete_and_reloadable(geography, client):
    call_command("participation_demo", stdout=None)
    call_command("participation_demo")  # idempotent
    processes = Process.objects.filter(is_demo=True)
    assert processes.count() == 3
    running = processes.get(title__startswith="Accès")
    assert phase_state_load(running).active.type == "proposals"
    assert Proposal.objects.filter(process=running, is_demo=True).count() == 5
    closed = Consultation.objects.get(process=running)
    assert closed.responses.count() == 18
    assert Signalement.objects.filter(is_demo=True).count() == 60
    page = client.get(running.get_absolute_url()).content.decode()
    assert "Contenu de démonstration" in page
    assert running.actions.get().updates.count() == 1
    assert running.committees.get().meetings.count() == 2
    voting = processes.get(title__startswith="Priorités")
    assert phase_state_load(voting).active.type == "vote"
    pairwise = voting.priority_votes.get(kind="pairwise")
    assert pairwise.choices.count() > 100 and pairwise.options.count() == 7
    assert voting.priority_votes.get(kind="ranked").ballots.count() == 16
    budget = voting.priority_votes.get(kind="points")
    assert budget.ballots.count() == 12
    assert all(sum(b.points.values()) == budget.budget for b in budget.ballots.all())
    open_survey = Consultation.objects.exclude(pk=closed.pk).get()
    assert phase_state_load(open_survey.process).active.pk == open_survey.phase_id


def test_every_demo_page_renders_for_residents_organisers_and_visitors(geography, client,
                                                                      people):
    from maillage.participation.models import (
        Action,
        Committee,
        Meeting,
        PriorityVote,
        Question,
    )

    call_command("participation_demo", stdout=None)
    urls = ["/participation/signalements/?region=76", "/participation/concertations/",
            "/participation/charte/", "/participation/signalements/carte.geojson?region=76"]
    for model in (Process, Proposal, Consultation, PriorityVote, Action, Committee, Meeting):
        urls += [o.get_absolute_url() for o in model.objects.all()]
    urls += [f"/participation/questionnaires/{c.pk}/resultats/"
             for c in Consultation.objects.all()]
    urls += [f"/participation/votes/{v.pk}/resultats/" for v in PriorityVote.objects.all()]
    urls += [f"/participation/questionnaires/{q.consultation_id}/questions/{q.pk}/textes/"
             for q in Question.objects.filter(kind="text")]
    urls += [s.get_absolute_url() for s in Signalement.objects.filter(anonymous=False)[:3]]
    for viewer in (None, people["resident"], people["organiser"], people["moderator"]):
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        for url in urls:
            assert client.get(url).status_code == 200, (viewer, url)
    client.force_login(people["organiser"])
    for url in ("/participation/signalements/divergences/?region=76",
                "/participation/notifications/", "/participation/moderation/"):
        assert client.get(url).status_code == 200, url
    process = Process.objects.get(title__startswith="Accès")
    for url in (f"/participation/concertations/{process.pk}/questionnaires/nouveau/",
                f"/participation/concertations/{process.pk}/votes/nouveau/",
                f"/participation/concertations/{process.pk}/actions/nouvelle/",
                "/participation/concertations/nouvelle/"):
        assert client.get(url).status_code == 200, url
