"""The evaluation of an action: signalements before / after and the users' feedback scores."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.participation import services as participation
from maillage.participation.models import (
    Answer,
    Consultation,
    Phase,
    PhaseType,
    Process,
    Question,
    Response,
    Signalement,
)
from maillage.planning import evaluation, loop
from maillage.planning.models import ScenarioAction
from tests.planning.test_loop import computed_scenario, process  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def msp(base_run, analyst):
    return computed_scenario("MSP de Mont Lozère", "48099", actor=analyst)


@pytest.fixture
def done_link(msp, analyst, process):  # noqa: F811
    """The MSP decided, then reported done ten days ago."""
    link = loop.scenario_action_create(actor=analyst, scenario=msp, process=process,
                                       responsible_body="ARS Occitanie")
    update = participation.action_update_add(actor=analyst, action=link.action,
                                             text="Ouverte.", status="done", progress=100)
    update.__class__.objects.filter(pk=update.pk).update(
        created_at=timezone.now() - timedelta(days=10))
    return ScenarioAction.objects.get(pk=link.pk)


def survey(process, *, public=True) -> tuple[Consultation, Question, Question]:  # noqa: F811
    phase = Phase.objects.create(
        process=process, type=PhaseType.EVALUATION, starts_at=timezone.now() - timedelta(
            days=400), ends_at=timezone.now() - timedelta(days=300))
    consultation = Consultation.objects.create(process=process, phase=phase,
                                               title="Votre avis sur la MSP",
                                               results_public=public)
    satisfied = Question.objects.create(consultation=consultation, position=1, kind="scale",
                                        text="Satisfait·e de l'offre de soins ?")
    rare = Question.objects.create(consultation=consultation, position=2, kind="scale",
                                   text="Délai pour un rendez-vous ?", required=False)
    return consultation, satisfied, rare


def answer(consultation, question, values, *, days_ago, other=None):
    day = timezone.localdate() - timedelta(days=days_ago)
    for i, value in enumerate(values):
        response = Response.objects.create(consultation=consultation, submitted_on=day)
        Answer.objects.create(response=response, question=question, number=value)
        if other is not None and i < 3:
            Answer.objects.create(response=response, question=other, number=value)


def test_feedback_scores_compare_the_answers_before_and_after_done(done_link, analyst, process,  # noqa: F811
                                                                   client, make_user):
    consultation, satisfied, rare = survey(process)
    answer(consultation, satisfied, [2, 2, 3, 2, 1], days_ago=15, other=rare)
    answer(consultation, satisfied, [4, 4, 5, 3, 4, 4], days_ago=2)
    assert evaluation.action_evaluation(done_link).feedback == []

    outsider = make_user(email="curieux@example.org")
    with pytest.raises(PermissionDenied):
        loop.scenario_action_feedback_set(actor=outsider, link=done_link,
                                          consultation_ids=[consultation.pk])
    elsewhere = Process.objects.create(title="Ailleurs", territory_level="departement",
                                       territory_code="48", territory_name="Lozère",
                                       organiser_name="x", is_published=True)
    foreign, _q, _r = survey(elsewhere)
    with pytest.raises(ValidationError, match="n'appartient pas"):
        loop.scenario_action_feedback_set(actor=analyst, link=done_link,
                                          consultation_ids=[consultation.pk, foreign.pk])
    assert done_link.feedback_consultations.count() == 0

    loop.scenario_action_feedback_set(actor=analyst, link=done_link,
                                      consultation_ids=[consultation.pk])
    scores = {f.question: f for f in evaluation.action_evaluation(done_link).feedback}
    main = scores["Satisfait·e de l'offre de soins ?"]
    assert (main.answers_before, main.answers_after) == (5, 6)
    assert main.mean_before == pytest.approx(2.0) and main.mean_after == pytest.approx(4.0)
    assert main.change == pytest.approx(2.0)
    # three answers only: too few for a mean
    few = scores["Délai pour un rendez-vous ?"]
    assert (few.answers_before, few.mean_before, few.change) == (3, None, None)

    page = client.get(f"/planification/actions/{done_link.pk}/").content.decode()
    assert 'id="evaluation-feedback"' in page and "Votre avis sur la MSP" in page
    api = client.get(f"/api/planning/actions/{done_link.pk}/evaluation").json()
    row = next(f for f in api["feedback"] if f["question"].startswith("Satisfait"))
    assert (row["mean_before"], row["mean_after"], row["scale"]) == (2.0, 4.0, [1, 5])
    listing = client.get("/planification/actions/?region=76").content.decode()
    assert "2,0 → 4,0 / 5" in listing or "2.0 → 4.0 / 5" in listing


def test_private_results_stay_with_the_organisers_and_the_api_sets_the_link(
        done_link, analyst, process, client):  # noqa: F811
    consultation, satisfied, _rare = survey(process, public=False)
    answer(consultation, satisfied, [3, 3, 3, 3, 3], days_ago=1)
    client.force_login(analyst)
    set_ = client.post(f"/api/planning/actions/{done_link.pk}/feedback",
                       {"consultations": [consultation.pk]}, content_type="application/json")
    assert set_.status_code == 200, set_.content
    assert set_.json()["feedback"][0]["mean_after"] == 3.0
    bad = client.post(f"/api/planning/actions/{done_link.pk}/feedback",
                      {"consultations": [999999]}, content_type="application/json")
    assert bad.status_code == 400 and "concertation" in bad.content.decode()
    client.logout()
    assert evaluation.action_evaluation(done_link).feedback == []
    assert client.get(f"/api/planning/actions/{done_link.pk}/evaluation").json()[
        "feedback"] == []


def test_signalements_before_and_after_done_in_the_affected_communes(done_link, make_user):
    author = make_user(email="habitante@example.org")
    done_at = evaluation.action_done_at(done_link)
    for days, commune in ((-5, "48099"), (-4, "48099"), (3, "48099"), (-20, "48099"),
                          (2, "48017"), (-3, "12208")):
        s = Signalement.objects.create(author=author, commune_id=commune, category="no_gp",
                                       anonymous=True)
        Signalement.objects.filter(pk=s.pk).update(created_at=done_at + timedelta(days=days))
    from maillage.insights import services as insights

    insights.access_run_execute(insights.access_run_create(actor=None, region="76",
                                                           profession="generaliste"))
    result = evaluation.action_evaluation(ScenarioAction.objects.get(pk=done_link.pk))
    assert result.status == "measured" and result.signalements_window_days == 10
    by_code = {c.code: c for c in result.communes}
    # ten days each side of the opening; 12208 is not an affected commune
    assert (by_code["48099"].signalements_before, by_code["48099"].signalements_after) == (2, 1)
    assert (by_code["48017"].signalements_before, by_code["48017"].signalements_after) == (0, 1)
    assert (result.signalements_before, result.signalements_after) == (2, 2)
    assert "12208" not in by_code


def test_patients_questionnaire_scores_of_the_affected_territory_are_shown(done_link,
                                                                           monkeypatch):
    from maillage.coordination import selectors as coordination
    from maillage.coordination.selectors import EvaluationRow

    def row(level, code, dep):
        return EvaluationRow(level=level, code=code, territory=code, departement=dep,
                             questionnaire="Expérience du parcours", questionnaire_code="prem",
                             kind="prem", answers=12, mean_score=14.5, max_score=20)

    asked = []

    def fake(*, region=""):
        asked.append(region)
        return [row("region", "76", ""), row("departement", "48", "48"),
                row("departement", "12", "12"), row("commune", "48099", "48"),
                row("commune", "12208", "12")]

    monkeypatch.setattr(coordination, "territory_evaluation", fake)
    result = evaluation.action_evaluation(done_link)
    assert asked == ["76"]
    assert [(q.level, q.code) for q in result.questionnaires] == [("departement", "48"),
                                                                  ("commune", "48099")]
