"""Consultations: question types, one answer per verified resident, live results, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.participation import results, services
from maillage.participation.models import Answer, ConsultationParticipation, Response
from maillage.participation.services import QuestionSpec, question_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(process, people):
    return services.consultation_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="diagnostic"),
        title="Vos besoins de soins", questions=[
            QuestionSpec("single", "Votre difficulté principale ?", choices=["Médecin", "Délais"]),
            QuestionSpec("multiple", "Quels soins manquent ?", required=False,
                         choices=["Généraliste", "Dentiste", "Kiné"]),
            QuestionSpec("scale", "Satisfaction", scale_min=1, scale_max=5),
            QuestionSpec("ranking", "Vos priorités",
                         choices=["Un médecin", "Une unité mobile", "Un transport"]),
            QuestionSpec("text", "Autre chose ?", required=False),
            QuestionSpec("commune", "Votre commune", required=False),
        ])


def fields(survey):
    questions = list(survey.questions.prefetch_related("choices"))
    ids = [[c.pk for c in q.choices.all()] for q in questions]
    return questions, ids


def good_answers(survey):
    questions, ids = fields(survey)
    return {question_field(questions[0]): ids[0][1],
            question_field(questions[1]): [ids[1][0], ids[1][1]],
            question_field(questions[2]): 4,
            question_field(questions[3]): [ids[3][1], ids[3][0], ids[3][2]],
            question_field(questions[4]): "Un cabinet le samedi.",
            question_field(questions[5]): "48017"}


def test_a_survey_opens_only_in_a_phase_that_enables_answers(process, people):
    with pytest.raises(ValidationError) as caught:
        services.consultation_create(actor=people["organiser"], process=process,
                                     phase=process.phases.get(type="proposals"), title="x",
                                     questions=[QuestionSpec("text", "?")])
    assert "phase" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.consultation_create(actor=people["resident"], process=process,
                                     phase=process.phases.get(type="diagnostic"), title="x",
                                     questions=[QuestionSpec("text", "?")])


def test_a_resident_answers_once_and_anonymously(survey, people, at):
    with at("diagnostic"):
        response = services.consultation_answer(actor=people["resident"], consultation=survey,
                                                answers=good_answers(survey))
        with pytest.raises(ValidationError, match="déjà répondu"):
            services.consultation_answer(actor=people["resident"], consultation=survey,
                                         answers=good_answers(survey))
    assert response.respondent is None  # anonymous: the answers are not linked to the person
    assert ConsultationParticipation.objects.get().user == people["resident"]
    assert Response.objects.count() == 1 and Answer.objects.count() == 6


def test_a_missing_required_answer_or_a_forged_choice_stores_nothing(survey, people, at):
    questions, ids = fields(survey)
    answers = good_answers(survey)
    del answers[question_field(questions[0])]
    answers[question_field(questions[2])] = 9
    answers[question_field(questions[3])] = [ids[3][0], ids[3][0], ids[3][1]]
    answers["q999999"] = "forged"
    with at("diagnostic"), pytest.raises(ValidationError) as caught:
        services.consultation_answer(actor=people["resident"], consultation=survey,
                                     answers=answers)
    errors = caught.value.message_dict
    assert set(errors) == {question_field(questions[0]), question_field(questions[2]),
                           question_field(questions[3]), "q999999"}
    assert "obligatoire" in errors[question_field(questions[0])][0]
    assert not Response.objects.exists() and not ConsultationParticipation.objects.exists()


def test_answers_follow_the_calendar_and_residence(survey, people, at):
    with at("proposals"), pytest.raises(PermissionDenied):
        services.consultation_answer(actor=people["resident"], consultation=survey,
                                     answers=good_answers(survey))
    with at("diagnostic"), pytest.raises(PermissionDenied):
        services.consultation_answer(actor=people["outsider"], consultation=survey,
                                     answers=good_answers(survey))


def test_results_count_choices_scales_rankings_and_texts(survey, people, at):
    questions, ids = fields(survey)
    with at("diagnostic"):
        services.consultation_answer(actor=people["resident"], consultation=survey,
                                     answers=good_answers(survey))
        second = good_answers(survey)
        second[question_field(questions[0])] = ids[0][0]
        second[question_field(questions[2])] = 2
        second[question_field(questions[3])] = [ids[3][1], ids[3][2], ids[3][0]]
        services.consultation_answer(actor=people["neighbour"], consultation=survey,
                                     answers=second)
    count, per_question = results.consultation_results(survey)
    assert count == 2
    assert [(r[0], r[1]) for r in per_question[0].rows] == [("Médecin", 1), ("Délais", 1)]
    assert per_question[2].mean == 3.0
    # Borda: mobile unit first twice (2+2), doctor 1+0, transport 0+1
    assert [(r[0], r[1]) for r in per_question[3].rows] == [
        ("Une unité mobile", 2.0), ("Un médecin", 0.5), ("Un transport", 0.5)]
    assert results.text_answers(questions[4]) == ["Un cabinet le samedi."] * 2
    assert "<svg" in results.result_svg(per_question[0])
    rows = list(csv.reader(io.StringIO(results.consultation_csv(survey))))
    assert len(rows) == 3 and rows[1][2] == "Délais"
    assert "resident@example.org" not in results.consultation_csv(survey)


def test_the_resident_answers_from_the_page_and_sees_the_results(client, survey, people, at):
    questions, ids = fields(survey)
    client.force_login(people["resident"])
    with at("diagnostic"):
        page = client.get(survey.get_absolute_url()).content.decode()
        assert "Envoyer mes réponses" in page and "fr-fieldset" in page
        data = {question_field(questions[2]): "3"}
        bad = client.post(survey.get_absolute_url(), data)
        assert bad.status_code == 400
        assert f'id="id_{question_field(questions[0])}_error"' in bad.content.decode()
        ranking = question_field(questions[3])
        data.update({question_field(questions[0]): str(ids[0][0]),
                     f"{ranking}_0": "2", f"{ranking}_1": "1", f"{ranking}_2": "3",
                     question_field(questions[5]): "Badaroux"})
        ok = client.post(survey.get_absolute_url(), data)
        assert ok.status_code == 302
        assert ok["Location"] == f"/participation/questionnaires/{survey.pk}/resultats/"
        shown = client.get(ok["Location"]).content.decode()
        assert "1 réponse" in shown and "<svg" in shown and "Une unité mobile" in shown
        again = client.get(survey.get_absolute_url()).content.decode()
        assert "déjà répondu" in again
    answer = Answer.objects.get(question=questions[3])
    assert answer.choice_ids == [ids[3][1], ids[3][0], ids[3][2]]
    assert Answer.objects.get(question=questions[5]).commune_id == "48017"
    export = client.get(f"/participation/questionnaires/{survey.pk}/resultats/reponses.csv")
    assert export["Content-Type"].startswith("text/csv")


def test_the_api_answers_and_reports_each_faulty_question(client, survey, people, at):
    questions, _ids = fields(survey)
    client.force_login(people["resident"])
    url = f"/api/participation/consultations/{survey.pk}/responses"
    with at("diagnostic"):
        assert client.get(f"/api/participation/consultations/{survey.pk}").json()["can_answer"]
        bad = client.post(url, {"answers": {"q0": 1}}, content_type="application/json")
        assert bad.status_code == 400
        assert {"q0", question_field(questions[0])} <= set(bad.json()["errors"])
        payload = {"answers": good_answers(survey)}
        assert client.post(url, payload, content_type="application/json").status_code == 201
        assert client.post(url, payload, content_type="application/json").status_code == 400
    body = client.get(f"/api/participation/consultations/{survey.pk}/results").json()
    assert body["responses"] == 1


def test_private_results_are_for_organisers(client, survey, people):
    survey.results_public = False
    survey.save()
    assert client.get(f"/participation/questionnaires/{survey.pk}/resultats/").status_code == 403
    assert client.get(f"/api/participation/consultations/{survey.pk}/results").status_code == 403
    client.force_login(people["organiser"])
    assert client.get(f"/participation/questionnaires/{survey.pk}/resultats/").status_code == 200


def test_the_organiser_writes_a_survey_in_the_page(client, process, people):
    client.force_login(people["organiser"])
    diagnostic = process.phases.get(type="diagnostic")
    bad = client.post(f"/participation/concertations/{process.pk}/questionnaires/nouveau/", {
        "title": "Q", "phase": diagnostic.pk, "questions": "?single* Choix\n?bogus x"})
    assert bad.status_code == 400 and "Ligne 2" in bad.content.decode()
    ok = client.post(f"/participation/concertations/{process.pk}/questionnaires/nouveau/", {
        "title": "Q", "phase": diagnostic.pk, "anonymous": "on", "results_public": "on",
        "questions": "?single* Choix\n- A\n- B\n?scale 0-10 Note\n?text Libre"})
    assert ok.status_code == 302
    survey = process.consultations.get()
    assert [q.kind for q in survey.questions.all()] == ["single", "scale", "text"]
    assert survey.questions.get(kind="scale").scale_max == 10
