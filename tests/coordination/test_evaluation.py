"""The territory's service evaluation: patients' scores aggregated and anonymised (k = 5)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from maillage.coordination import selectors, services
from maillage.coordination.models import Questionnaire, QuestionnaireResponse

pytestmark = pytest.mark.django_db

MENDE, BADAROUX, SAINT_AFFRIQUE = "48095", "48017", "12208"


@pytest.fixture
def answer(network, templates, make_user):
    """answer(commune, value): a new patient of the commune answers the PREM (4 items)."""
    services.questionnaires_load()
    prem = Questionnaire.objects.get(code="experience-parcours")
    made = []

    def make(commune: str, value: int) -> QuestionnaireResponse:
        n = len(made)
        user = make_user(f"patient{n}@example.org")
        pathway = services.pathway_enrol(
            actor=network["coordinator"], cooperation=network["cpts"], consent_method="oral",
            patient_fields={"family_name": f"Secret{n}", "given_name": "Nom",
                            "commune_id": commune, "user": user})
        sent = services.questionnaire_send(actor=network["coordinator"], pathway=pathway,
                                           questionnaire=prem)
        done = services.questionnaire_answer(actor=user, response=sent,
                                             answers={str(q): value for q in range(1, 5)})
        made.append(done)
        return done

    return make


def rows_by(level: str) -> dict[str, selectors.EvaluationRow]:
    return {r.code: r for r in selectors.territory_evaluation(region="76") if r.level == level}


def test_a_commune_with_four_answers_shows_nothing(answer):
    for value in range(4):
        answer(MENDE, value)
    assert selectors.territory_evaluation(region="76") == []
    answer(MENDE, 4)
    communes = rows_by("commune")
    assert communes[MENDE].answers == 5
    assert communes[MENDE].mean_score == 8.0  # 4 × (0+1+2+3+4) / 5
    assert rows_by("departement")["48"].answers == 5 and rows_by("region")["76"].answers == 5


def test_removing_one_answer_from_five_hides_the_row_and_its_complement(answer):
    mende = [answer(MENDE, 1) for _ in range(5)]
    for _ in range(5):
        answer(SAINT_AFFRIQUE, 3)
    assert set(rows_by("commune")) == {MENDE, SAINT_AFFRIQUE}
    assert set(rows_by("departement")) == {"48", "12"}

    mende[0].delete()
    # Mende (4) is hidden; Aveyron alone would give Lozère by difference with the région.
    assert MENDE not in rows_by("commune") and not rows_by("departement")
    assert rows_by("region")["76"].answers == 9


def test_no_hidden_commune_can_be_recomputed_from_its_departement(answer):
    for value in range(5):
        answer(MENDE, value)
    answer(BADAROUX, 4)  # one patient: Lozère − Mende would give their answer
    assert rows_by("commune") == {}
    assert rows_by("departement")["48"].answers == 6


def test_one_patient_answering_five_times_is_not_five_people(answer, network, pathway):
    answer(MENDE, 0)  # loads the questionnaires
    prem = Questionnaire.objects.get(code="experience-parcours")
    patient = pathway.patient.user
    for _ in range(5):
        sent = services.questionnaire_send(actor=network["coordinator"], pathway=pathway,
                                           questionnaire=prem)
        services.questionnaire_answer(actor=patient, response=sent,
                                      answers={str(q): 2 for q in range(1, 5)})
    assert MENDE not in rows_by("commune")  # 6 answers but 2 patients


def test_withdrawn_consent_takes_the_answer_out(answer, network):
    responses = [answer(MENDE, 2) for _ in range(5)]
    assert MENDE in rows_by("commune")
    pathway = responses[0].pathway
    services.consent_withdraw(actor=network["coordinator"], pathway=pathway)
    assert MENDE not in rows_by("commune")


def test_the_public_page_csv_and_api_show_only_aggregates(answer):
    for value in range(5):
        answer(MENDE, value)
    for value in range(4):
        answer(BADAROUX, value)
    client = Client()
    page = client.get("/cooperation/evaluation/?region=76")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<table" in html and "<svg" in html and "Lozère" in html
    assert "Badaroux" not in html and "Secret" not in html and "Mende</span>" not in html

    export = client.get("/cooperation/evaluation/?region=76&format=csv")
    assert export["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {(r["niveau"], r["code"], r["reponses"]) for r in table} == {
        ("region", "76", "9"), ("departement", "48", "9")}

    api = client.get("/api/coordination/evaluation?region=76").json()
    assert {(r["level"], r["code"], r["answers"]) for r in api} == {
        ("region", "76", 9), ("departement", "48", 9)}
    assert client.get("/api/coordination/evaluation?region=x").status_code == 422
    assert client.get("/cooperation/evaluation/?region=99").status_code == 404
    assert client.get("/cooperation/evaluation/").status_code == 200
