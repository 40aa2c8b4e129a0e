"""The issue's bad inputs, through the API and the pages: a ballot ranking an unknown option, a
support on a closed phase, a survey answer missing a required question, a forged process id.
Each gets a clear error and nothing is stored."""

from __future__ import annotations

import pytest

from maillage.participation import services
from maillage.participation.models import (
    Action,
    Ballot,
    Committee,
    Consultation,
    ConsultationParticipation,
    Phase,
    PriorityVote,
    Proposal,
    Response,
    Support,
)
from maillage.participation.services import QuestionSpec, question_field
from maillage.territories.selectors import TerritoryRef

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def ranked(process, people):
    return services.priority_vote_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="vote"),
        title="Vos priorités", kind="ranked", options=["Médecin", "Unité mobile", "Transport"])


def test_a_ballot_ranking_an_unknown_option(client, ranked, people, at, process):
    a, b, c = ranked.options.order_by("pk").values_list("pk", flat=True)
    other = services.priority_vote_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="vote"),
        title="Autre vote", kind="ranked", options=["X", "Y"])
    foreign = other.options.first().pk
    client.force_login(people["resident"])
    url = f"/api/participation/priorities/{ranked.pk}/ballots"
    with at("vote"):
        for ranking in ([a, 999999, c], [a, b, c, foreign], [a, b, foreign]):
            bad = client.post(url, {"ranking": ranking}, content_type=JSON)
            assert bad.status_code == 400
            assert "Option inconnue" in bad.json()["errors"]["ranking"][0]
        # The page asks a rank per option (1..3): a forged rank is refused too.
        page = client.post(f"/participation/votes/{ranked.pk}/bulletin/",
                           {"ranking_0": "1", "ranking_1": "999999", "ranking_2": "2"})
        assert page.status_code == 400 and 'id="id_ranking_error"' in page.content.decode()
    assert not Ballot.objects.exists()


def test_a_support_on_a_closed_phase(client, process, people, at):
    with at("proposals"):
        proposal = services.proposal_create(actor=people["resident"], process=process,
                                            title="Unité mobile", body="Le mardi.")
    client.force_login(people["neighbour"])
    for moment in ("diagnostic", "vote", "after"):
        with at(moment):
            refused = client.post(f"/api/participation/proposals/{proposal.pk}/support")
            assert refused.status_code == 403
            assert "phase ouverte aux soutiens" in refused.json()["detail"]
            page = client.post(f"/participation/propositions/{proposal.pk}/soutien/",
                               follow=True)
            assert "phase ouverte aux soutiens" in page.content.decode()
    assert not Support.objects.exists()


def test_a_survey_answer_missing_a_required_question(client, process, people, at):
    survey = services.consultation_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="diagnostic"),
        title="Vos besoins", questions=[
            QuestionSpec("single", "Votre difficulté ?", choices=["Médecin", "Délais"]),
            QuestionSpec("text", "Autre chose ?", required=False)])
    required, optional = survey.questions.order_by("position")
    client.force_login(people["resident"])
    with at("diagnostic"):
        missing = client.post(f"/api/participation/consultations/{survey.pk}/responses",
                              {"answers": {question_field(optional): "Un cabinet."}},
                              content_type=JSON)
        assert missing.status_code == 400
        assert missing.json()["errors"] == {
            question_field(required): ["Cette question est obligatoire."]}
        page = client.post(survey.get_absolute_url(), {question_field(optional): "Un cabinet."})
        assert page.status_code == 400
        assert f'id="id_{question_field(required)}_error"' in page.content.decode()
    assert not ConsultationParticipation.objects.exists() and not Response.objects.exists()


def test_a_forged_process_id(client, process, people, at):
    client.force_login(people["organiser"])
    forged = 999999
    with at("proposals"):
        for url, body in (
                (f"/api/participation/processes/{forged}/proposals",
                 {"title": "t", "body": "b"}),
                (f"/api/participation/processes/{forged}/consultations",
                 {"phase": 1, "title": "t", "questions": [{"kind": "text", "text": "?"}]}),
                (f"/api/participation/processes/{forged}/priorities",
                 {"phase": 1, "kind": "ranked", "title": "t", "options": ["a", "b"]}),
                (f"/api/participation/processes/{forged}/actions",
                 {"title": "t", "responsible_body": "CPTS"}),
                (f"/api/participation/processes/{forged}/committees", {"name": "c"}),
                (f"/api/participation/processes/{forged}/phases",
                 {"type": "vote", "starts_at": "2026-05-01T00:00:00Z",
                  "ends_at": "2026-05-02T00:00:00Z"})):
            answer = client.post(url, body, content_type=JSON)
            assert answer.status_code == 404, url
            assert answer.json()["detail"] == "Concertation inconnue."
        assert client.post("/api/participation/follows", {"process": forged},
                           content_type=JSON).status_code == 404
        for url in (f"/participation/concertations/{forged}/",
                    f"/participation/concertations/{forged}/propositions/nouvelle/",
                    f"/participation/concertations/{forged}/comites/nouveau/",
                    f"/participation/concertations/{forged}/votes/nouveau/",
                    f"/participation/suivre/concertation/{forged}/",
                    "/participation/suivre/concertation/1%20OR%201=1/"):
            assert client.post(url, {"title": "t", "name": "c"}).status_code == 404, url
        # A real process, but a phase of another process: refused by field, nothing stored.
        other = services.process_create(
            actor=people["organiser"], title="Autre", organiser_name="ARS",
            territory=TerritoryRef("departement", "12"))
        foreign_phase = Phase.objects.create(
            process=other, type="vote", starts_at=process.phases.get(type="vote").starts_at,
            ends_at=process.phases.get(type="vote").ends_at)
        wrong = client.post(f"/api/participation/processes/{process.pk}/priorities",
                            {"phase": foreign_phase.pk, "kind": "ranked", "title": "t",
                             "options": ["a", "b"]}, content_type=JSON)
        assert wrong.status_code == 400 and "phase" in wrong.json()["errors"]
        # A draft process is not visible to residents: its id is as good as forged.
        client.force_login(people["resident"])
        proposals = client.post(f"/api/participation/processes/{other.pk}/proposals",
                                {"title": "t", "body": "b"}, content_type=JSON)
        assert proposals.status_code == 404
    assert not Proposal.objects.exists() and not Consultation.objects.exists()
    assert not PriorityVote.objects.exists() and not Action.objects.exists()
    assert not Committee.objects.exists()
