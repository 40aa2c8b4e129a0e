"""What the pages let people do is also in the API: publishing a process, listing its
questionnaires and votes, reading free-text answers, e-mail settings; identified consultations
show their organisers who answered."""

from __future__ import annotations

import csv
import io

import pytest

from maillage.participation import results, services
from maillage.participation.services import QuestionSpec, question_field

pytestmark = pytest.mark.django_db

API = "/api/participation"


@pytest.fixture
def survey(process, people):
    return services.consultation_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="diagnostic"),
        title="Vos besoins", anonymous=False, questions=[
            QuestionSpec("single", "Un médecin traitant ?", choices=["Oui", "Non"]),
            QuestionSpec("text", "Autre chose ?", required=False)])


def answer(survey, person, text):
    single, free = survey.questions.all()
    services.consultation_answer(actor=person, consultation=survey, answers={
        question_field(single): single.choices.first().pk, question_field(free): text})


def test_an_organiser_publishes_and_edits_a_process_through_the_api(client, process, people):
    url = f"{API}/processes/{process.pk}"
    client.force_login(people["resident"])
    assert client.patch(url, {"is_published": False},
                        content_type="application/json").status_code == 403
    client.force_login(people["organiser"])
    changed = client.patch(url, {"is_published": False, "summary": "Diagnostic partagé"},
                           content_type="application/json")
    assert changed.status_code == 200
    assert (changed.json()["is_published"], changed.json()["summary"]) == (
        False, "Diagnostic partagé")
    bad = client.patch(url, {"title": "  "}, content_type="application/json")
    assert bad.status_code == 400 and "title" in bad.json()["errors"]
    process.refresh_from_db()
    assert (process.is_published, process.title) == (False, "Accès aux soins en Lozère")
    client.logout()
    assert client.get(url).status_code == 404  # unpublished: hidden from citizens


def test_the_api_lists_a_processes_questionnaires_and_votes(client, process, people, survey,
                                                            at):
    services.priority_vote_create(actor=people["organiser"], process=process,
                                  phase=process.phases.get(type="vote"), title="Priorités",
                                  kind="ranked", options=["A", "B"])
    with at("diagnostic"):
        listed = client.get(f"{API}/processes/{process.pk}/consultations").json()
        votes = client.get(f"{API}/processes/{process.pk}/priorities").json()
    assert [(c["id"], c["open"], c["anonymous"]) for c in listed] == [(survey.pk, True, False)]
    assert [(v["title"], v["kind"], v["open"]) for v in votes] == [
        ("Priorités", "ranked", False)]


def test_free_text_answers_are_paged_in_the_api(client, survey, people, at, make_user):
    with at("diagnostic"):
        answer(survey, people["resident"], "Un cabinet le samedi.")
        answer(survey, people["neighbour"], "Plus de bus.")
    free = survey.questions.get(kind="text")
    url = f"{API}/consultations/{survey.pk}/questions/{free.pk}/texts"
    first = client.get(url, {"page_size": 1}).json()
    assert (first["count"], first["texts"]) == (2, ["Plus de bus."])
    assert client.get(url, {"page_size": 1, "page": 2}).json()["texts"] == [
        "Un cabinet le samedi."]
    single = survey.questions.get(kind="single")
    assert client.get(f"{API}/consultations/{survey.pk}/questions/{single.pk}/texts"
                      ).status_code == 404
    survey.results_public = False
    survey.save()
    assert client.get(url).status_code == 403


def test_email_settings_are_read_and_changed_through_the_api(client, people):
    url = f"{API}/notifications/settings"
    assert client.get(url).status_code == 401
    client.force_login(people["resident"])
    assert client.get(url).json() == {"email": "daily"}
    assert client.put(url, {"email": "immediate"},
                      content_type="application/json").json() == {"email": "immediate"}
    assert client.get(url).json() == {"email": "immediate"}
    bad = client.put(url, {"email": "hourly"}, content_type="application/json")
    assert bad.status_code == 400 and "email" in bad.json()["errors"]


def rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_an_identified_consultation_shows_its_organisers_who_answered(client, survey, people,
                                                                      at):
    with at("diagnostic"):
        answer(survey, people["resident"], "")
    organiser_export = rows(results.consultation_csv(survey, with_respondents=True))
    assert organiser_export[0][2:4] == ["repondant", "email"]
    assert organiser_export[1][2:5] == ["Rosa", "resident@example.org", "Oui"]
    client.force_login(people["organiser"])
    page = client.get(f"/participation/questionnaires/{survey.pk}/resultats/reponses.csv")
    assert "resident@example.org" in page.content.decode()
    api = client.get(f"{API}/consultations/{survey.pk}/results.csv")
    assert "resident@example.org" in api.content.decode()
    # Everyone else sees the public results without identities.
    client.force_login(people["neighbour"])
    page = client.get(f"/participation/questionnaires/{survey.pk}/resultats/reponses.csv")
    assert page.status_code == 200 and "resident@example.org" not in page.content.decode()
    assert "resident@example.org" not in client.get(
        f"{API}/consultations/{survey.pk}/results.csv").content.decode()


def test_an_anonymous_consultation_never_names_anyone_even_to_organisers(survey, people, at):
    survey.anonymous = True
    survey.save()
    with at("diagnostic"):
        answer(survey, people["resident"], "")
    export = results.consultation_csv(survey, with_respondents=True)
    assert "repondant" not in export and "resident@example.org" not in export
