"""The labs pages: each renders, each form calls its service and shows its errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.labs import services
from maillage.labs.models import Challenge, Event, Idea, Registration, Score, Submission, Team

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_the_index_and_lab_pages_render(client, challenge, event, people):
    html = client.get("/laboratoires/").content.decode()
    assert challenge.title in html and "Lab santé Lozère" in html
    assert client.get(challenge.lab.get_absolute_url()).status_code == 200
    assert client.get(event.get_absolute_url()).status_code == 200


def test_staff_publish_a_challenge_from_the_form(client, lab, people):
    client.force_login(people["staff"])
    url = f"/laboratoires/{lab.pk}/defis/nouveau/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "Défi", "description": "…", "territory_level": "commune",
                            "territory_code": "12208",
                            "ideas_close_at": local(timezone.now() + timedelta(days=5))})
    assert bad.status_code == 400 and "pas dans celui du laboratoire" in bad.content.decode()
    assert not Challenge.objects.exists()
    good = client.post(url, {"title": "Défi seniors", "description": "Suivi à domicile",
                             "territory_level": "departement", "territory_code": "48",
                             "commune_codes": "48095, 48017",
                             "ideas_close_at": local(timezone.now() + timedelta(days=5))})
    assert good.status_code == 302
    assert Challenge.objects.get().communes.count() == 2


def test_a_resident_proposes_comments_and_supports_an_idea(client, challenge, people):
    client.force_login(people["resident"])
    response = client.post(f"/laboratoires/defis/{challenge.pk}/idee/",
                           {"title": "Cabine", "body": "En mairie"})
    idea = Idea.objects.get()
    assert response.status_code == 302 and response.url == idea.get_absolute_url()
    client.force_login(people["neighbour"])
    client.post(f"/laboratoires/idees/{idea.pk}/commenter/", {"body": "Bravo"})
    client.post(f"/laboratoires/idees/{idea.pk}/soutenir/")
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Bravo" in html and "1 soutien" in html and "Vous soutenez cette idée" in html


def test_a_team_is_formed_joined_and_gets_tasks_from_its_page(client, idea, people):
    client.force_login(people["resident"])
    client.post(f"/laboratoires/idees/{idea.pk}/equipe/", {"name": "Cabines",
                                                           "role": "patient_partner"})
    team = Team.objects.get()
    client.force_login(people["dev"])
    client.post(f"/laboratoires/equipes/{team.pk}/rejoindre/", {"role": "developer"})
    client.post(f"/laboratoires/equipes/{team.pk}/taches/", {"title": "Prototype",
                                                             "assignee_id": people["dev"].pk})
    html = client.get(team.get_absolute_url()).content.decode()
    assert "Prototype" in html and "Développeur·euse" in html


def test_registration_full_message_and_nothing_stored(client, event, people):
    Event.objects.filter(pk=event.pk).update(capacity=1, waiting_list_capacity=0)
    client.force_login(people["resident"])
    client.post(f"/laboratoires/hackathons/{event.pk}/inscription/")
    client.force_login(people["neighbour"])
    response = client.post(f"/laboratoires/hackathons/{event.pk}/inscription/", follow=True)
    assert "Complet" in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_submission_after_the_deadline_shows_the_error(client, event, team, people):
    Event.objects.filter(pk=event.pk).update(
        submissions_close_at=timezone.now() - timedelta(minutes=5))
    client.force_login(people["resident"])
    response = client.post(f"/laboratoires/hackathons/{event.pk}/rendu/{team.pk}/",
                           {"description": "Tard"})
    assert response.status_code == 400
    assert "date limite des rendus est passée" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_juror_scores_from_the_page_and_a_bad_note_is_shown(client, event, team, people,
                                                                settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    criterion = services.criterion_add(actor=people["staff"], event=event, name="Impact",
                                       weight=1)
    services.juror_add(actor=people["staff"], event=event, email="juror@example.org")
    client.force_login(people["resident"])
    client.post(f"/laboratoires/hackathons/{event.pk}/rendu/{team.pk}/", {
        "description": "Cabine", "links": "https://example.org/cabine",
        "files": [SimpleUploadedFile("pitch.pdf", PDF, content_type="application/pdf")]})
    submission = Submission.objects.get()
    assert submission.files.count() == 1
    file_url = f"/laboratoires/rendus/fichiers/{submission.files.get().pk}/"
    assert client.get(file_url).status_code == 200
    client.force_login(people["neighbour"])
    assert client.get(submission.get_absolute_url()).status_code == 404
    assert client.get(file_url).status_code == 404
    client.force_login(people["juror"])
    bad = client.post(submission.get_absolute_url(), {f"criterion_{criterion.pk}": "42"})
    assert bad.status_code == 400 and not Score.objects.exists()
    good = client.post(submission.get_absolute_url(), {f"criterion_{criterion.pk}": "8"})
    assert good.status_code == 302 and Score.objects.get().value == 8


@pytest.mark.parametrize("path", ["/laboratoires/profil/"])
def test_the_profile_page_saves_roles(client, people, path):
    client.force_login(people["dev"])
    assert client.get(path).status_code == 200
    client.post(path, {"roles": ["developer"], "skills": "Django"})
    assert "Django" in client.get(path + "?role=developer").content.decode()
