"""Free-text answers are published with a consultation's results: anyone may report one,
moderators of the territory hide it with a reason, and it then leaves the public results."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from maillage.participation import results, services
from maillage.participation.models import Answer, ModerationEvent
from maillage.participation.services import QuestionSpec, question_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(process, people, at):
    survey = services.consultation_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="diagnostic"),
        title="Vos besoins", anonymous=False,
        questions=[QuestionSpec("text", "Autre chose ?")])
    question = survey.questions.get()
    with at("diagnostic"):
        services.consultation_answer(actor=people["resident"], consultation=survey, answers={
            question_field(question): "Le Dr X est un incapable, appelez-le au 06 00 00 00 00"})
        services.consultation_answer(actor=people["neighbour"], consultation=survey, answers={
            question_field(question): "Un cabinet ouvert le samedi."})
    return survey, question, Answer.objects.get(text__startswith="Le Dr X")


def test_a_reported_answer_is_hidden_by_a_moderator_and_leaves_the_results(
        client, answered, people, django_capture_on_commit_callbacks):
    survey, question, abusive = answered
    page_url = f"/participation/questionnaires/{survey.pk}/questions/{question.pk}/textes/"
    client.force_login(people["neighbour"])
    page = client.get(page_url).content.decode()
    assert "Le Dr X" in page and "Signaler ce contenu" in page
    flagged = client.post(f"/participation/moderation/reponse/{abusive.pk}/signaler/",
                          {"reason": "Attaque personnelle et numéro de téléphone"})
    assert flagged.status_code == 302
    client.force_login(people["moderator"])
    queue = client.get("/participation/moderation/").content.decode()
    assert "Le Dr X" in queue and "Attaque personnelle" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/participation/moderation/reponse/{abusive.pk}/masquer/",
                    {"reason": "Charte : pas d'attaque nominative"})
    abusive.refresh_from_db()
    assert abusive.is_hidden and abusive.text.startswith("Le Dr X")  # kept, auditable
    assert ModerationEvent.objects.filter(object_id=abusive.pk, action="hide").exists()
    # The identified respondent is told why.
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]
    assert "pas d'attaque nominative" in mail.outbox[0].body
    # Moderators still see it, marked; the public no longer does, anywhere.
    assert "masquée" in client.get(page_url).content.decode()
    client.logout()
    assert "Le Dr X" not in client.get(page_url).content.decode()
    assert results.text_answers(question) == ["Un cabinet ouvert le samedi."]
    api = client.get(f"/api/participation/consultations/{survey.pk}/questions/{question.pk}"
                     "/texts").json()
    assert api["texts"] == ["Un cabinet ouvert le samedi."]
    export = list(csv.reader(io.StringIO(results.consultation_csv(survey))))
    assert all("Le Dr X" not in cell for row in export for cell in row)
    counted = results.consultation_results(survey)[1][0]
    assert counted.answered == 1


def test_answers_of_private_results_cannot_be_reported_by_the_public(answered, people):
    survey, _question, abusive = answered
    survey.results_public = False
    survey.save()
    abusive = Answer.objects.get(pk=abusive.pk)
    with pytest.raises(PermissionDenied):
        services.content_flag(actor=people["neighbour"], content=abusive, reason="x")
    with pytest.raises(PermissionDenied):
        services.content_hide(actor=people["far_moderator"], content=abusive, reason="x")
    services.content_hide(actor=people["moderator"], content=abusive, reason="Charte")


def test_the_api_flags_an_answer(client, answered, people):
    _survey, _question, abusive = answered
    client.force_login(people["neighbour"])
    made = client.post(f"/api/participation/moderation/reponse/{abusive.pk}/flag",
                       {"reason": "Numéro de téléphone"}, content_type="application/json")
    assert made.status_code == 201
    client.force_login(people["moderator"])
    queue = client.get("/api/participation/moderation/queue").json()
    assert [(i["kind"], i["id"]) for i in queue] == [("reponse", abusive.pk)]
