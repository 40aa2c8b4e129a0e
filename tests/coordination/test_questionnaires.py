"""PROMs and PREMs: sent along the pathway, answered by the patient, scored, aggregated."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from maillage.coordination import selectors, services
from maillage.coordination.models import CareTask, Questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def phq9(db):
    services.questionnaires_load()
    return Questionnaire.objects.get(code="phq-9")


def test_the_patient_answers_and_a_positive_phq9_schedules_support(pathway, network,
                                                                   patient_user, phq9):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=date(2026, 1, 5))
    sent = services.questionnaire_send(actor=network["gp"], pathway=pathway, questionnaire=phq9)
    with pytest.raises(Http404):
        services.questionnaire_answer(actor=network["gp"], response=sent, answers={})
    with pytest.raises(ValidationError) as error:
        services.questionnaire_answer(actor=patient_user, response=sent, answers={"1": 9})
    assert "q1" in error.value.message_dict and "q9" in error.value.message_dict

    answered = services.questionnaire_answer(actor=patient_user, response=sent,
                                             answers={str(i): 2 for i in range(1, 10)})
    assert answered.score == 18
    assert pathway.observations.get(code="44261-6").value == 18
    assert CareTask.objects.filter(pathway=pathway,
                                   activity__code="soutien-psychologique").exists()


def test_the_patient_answers_on_a_phone_friendly_page(pathway, network, patient_user, phq9):
    sent = services.questionnaire_send(actor=network["gp"], pathway=pathway, questionnaire=phq9)
    client = Client()
    client.force_login(patient_user)
    url = f"/cooperation/questionnaires/{sent.pk}/"
    assert 'type="radio"' in client.get(url).content.decode()
    assert client.post(url, {"q1": "1"}).status_code == 400
    done = client.post(url, {f"q{i}": "0" for i in range(1, 10)})
    assert done.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.score) == ("completed", 0)
    other = Client()
    other.force_login(network["nurse"])
    assert other.get(url).status_code == 404


def test_scores_are_shown_aggregated_only_from_five_answers(network, templates, make_user,
                                                            phq9):
    prem = Questionnaire.objects.get(code="experience-parcours")
    for i in range(5):
        user = make_user(f"p{i}@example.org")
        pathway = services.pathway_enrol(
            actor=network["coordinator"], cooperation=network["cpts"], consent_method="oral",
            patient_fields={"family_name": f"P{i}", "given_name": "X", "user": user})
        response = services.questionnaire_send(actor=network["coordinator"], pathway=pathway,
                                               questionnaire=prem)
        services.questionnaire_answer(actor=user, response=response,
                                      answers={str(q): i % 5 for q in range(1, 5)})
        if i == 3:
            rows = selectors.questionnaire_scores(cooperation=network["cpts"])
            assert rows[0].answers == 4 and rows[0].mean_score is None
    rows = selectors.questionnaire_scores(cooperation=network["cpts"])
    assert (rows[0].answers, rows[0].mean_score) == (5, 8.0)  # (0+4+8+12+16) / 5


def test_the_plans_questionnaire_is_sent_when_its_window_opens_and_its_answer_does_the_task(
        pathway, network, patient_user, phq9, django_capture_on_commit_callbacks, mailoutbox):
    from django.core.management import call_command

    from tests.coordination.conftest import START, at

    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=START)
    screening = CareTask.objects.get(pathway=pathway, activity__code="depistage-depression")
    assert (screening.due_from, screening.due_by) == (START, date(2026, 3, 6))
    assert services.questionnaires_dispatch(today=date(2026, 1, 4)).sent == 0  # not yet open
    with django_capture_on_commit_callbacks(execute=True):
        call_command("coordination", "send-questionnaires", "--today", "2026-01-05",
                     verbosity=0)
    sent = pathway.questionnaire_responses.get()
    assert (sent.questionnaire, sent.task, sent.status) == (phq9, screening, "in-progress")
    assert services.questionnaires_dispatch(today=date(2026, 1, 6)).sent == 0  # once only
    assert [m.to for m in mailoutbox] == [["patient@example.org"]]
    assert pathway.get_absolute_url() in mailoutbox[0].body
    for secret in ("Paul", "PHQ", "Humeur", "dépression", "Diabète"):
        assert secret not in mailoutbox[0].body and secret not in mailoutbox[0].subject

    # Nine answers of 1: score 9, below the positive screen (10): the task is done, no support.
    services.questionnaire_answer(actor=patient_user, response=sent,
                                  answers={str(i): 1 for i in range(1, 10)},
                                  now=at(date(2026, 1, 20)))
    screening.refresh_from_db()
    assert (screening.status, screening.done_on) == ("completed", date(2026, 1, 20))
    assert pathway.observations.get(code="44261-6").task == screening
    assert not CareTask.objects.filter(pathway=pathway,
                                       activity__code="soutien-psychologique").exists()


def test_no_questionnaire_goes_out_without_consent_and_a_manual_one_is_reused(
        pathway, network, patient_user, phq9, fresh):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=date(2026, 1, 5))
    by_hand = services.questionnaire_send(actor=network["gp"], pathway=pathway,
                                          questionnaire=phq9)
    assert services.questionnaires_dispatch(today=date(2026, 1, 5)).sent == 0
    by_hand.refresh_from_db()
    assert by_hand.task.activity.code == "depistage-depression"

    by_hand.delete()
    services.consent_withdraw(actor=patient_user, pathway=fresh(pathway))
    assert services.questionnaires_dispatch(today=date(2026, 1, 5)).sent == 0
    assert not pathway.questionnaire_responses.exists()
