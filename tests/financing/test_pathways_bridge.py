"""The cooperation's pathways, anonymised by the coordination app, as a financing population."""

from __future__ import annotations

import io
from dataclasses import asdict, fields
from datetime import date, timedelta

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.coordination.anonymised import (
    MIN_PATIENTS,
    PURPOSE,
    anonymised_population,
)
from maillage.coordination.models import AccessLogEntry, Patient
from maillage.engines.payment import Population as PopulationArrays
from maillage.financing import pathways
from maillage.financing.models import Population
from maillage.financing.selectors import population_arrays
from maillage.financing.simulation import MODEL_LABELS, build_report
from tests.coordination import conftest as coordination

pytestmark = pytest.mark.django_db

# The coordination tests' fixtures: the Lozère cooperation, its people, the HAS templates.
network = coordination.network
templates = coordination.templates
START = coordination.START
TODAY = date(2026, 12, 31)
CODES = ("diabete-type-2", "insuffisance-cardiaque", "bpco")
EXPECTED_ALD = {"diabete-type-2": (8,), "insuffisance-cardiaque": (5,), "bpco": (14,)}


@pytest.fixture
def enrol(network, templates):
    """`enrol(n)`: n patients with a pathway each (the three templates in turn), a GP and a
    nurse in the team, the plan in place, the GP's first-half tasks done in their window and
    one home visit by the nurse."""
    from maillage.coordination import services

    made = []

    def make(n: int):
        for _ in range(n):
            i = len(made)
            patient = Patient.objects.create(
                family_name=f"Dupont{i}", given_name=f"Jeanne{i}",
                birth_date=date(1940 + 2 * i, 1 + i % 12, 1 + i), commune_id="48095",
                sex="female" if i % 2 else "male", source_identifier=f"DPI-{i}")
            code = CODES[i % 3]
            pathway = services.pathway_enrol(
                actor=network["coordinator"], cooperation=network["cpts"], patient=patient,
                template=templates[code], consent_method="written", start_date=START,
                now=coordination.at(START))
            services.care_team_add(actor=network["coordinator"], pathway=pathway,
                                   user=network["gp"], profession="generaliste",
                                   is_referring_doctor=True)
            services.care_team_add(actor=network["coordinator"], pathway=pathway,
                                   user=network["nurse"], profession="infirmier")
            tasks = services.care_plan_instantiate(actor=network["coordinator"],
                                                   pathway=pathway)
            for task in tasks:
                if task.profession == "generaliste" and task.due_by < date(2026, 7, 1):
                    services.task_complete(actor=network["gp"], task=task,
                                           done_on=task.due_from + timedelta(days=i % 5),
                                           encounter_kind="AMB")
            services.encounter_record(actor=network["nurse"], pathway=pathway, kind="HH",
                                      started_at=coordination.at(date(2026, 3, 2)))
            made.append((patient, pathway, code))
        return made

    return make


@pytest.fixture
def other_member(network, make_user, with_totp):
    """A member of the cooperation's organisation who is not its coordinator (an analyst)."""
    from maillage.accounts.models import RoleAssignment

    user = make_user("analyste@cpts.example")
    RoleAssignment.objects.create(user=user, role="analyst", organisation=network["cpts"])
    with_totp(user)
    return user


def _identifiers(made) -> list[str]:
    texts = []
    for patient, pathway, _code in made:
        texts += [str(patient.key), str(pathway.key), patient.family_name, patient.given_name,
                  patient.birth_date.isoformat(), patient.birth_date.strftime("%d/%m/%Y"),
                  patient.source_identifier, f"P{patient.pk}"]
    return [*texts, "48095", "Mende"]


# — The coordination side ——————————————————————————————————————————————————————————————————————


def test_the_coordinator_gets_one_anonymous_record_per_patient(network, enrol):
    made = enrol(12)
    records = anonymised_population(actor=network["coordinator"], cooperation=network["cpts"],
                                    year=2026, today=TODAY)
    assert len(records) == 12 and len({r.id for r in records}) == 12
    assert {f.name for f in fields(records[0])} == {
        "id", "year", "age_band", "sex", "ald", "acts", "hospital_stays", "quality",
        "experience", "deprivation_quintile"}
    dumped = repr([asdict(r) for r in records])
    for text in _identifiers(made):
        assert text not in dumped
    assert sorted(r.ald for r in records) == sorted(EXPECTED_ALD[c] for _p, _w, c in made)
    # Patient 0 was born in 1940: 86 in 2026.
    assert sum(r.age_band == "80+" for r in records) >= 1
    assert {r.sex for r in records} == {"F", "M"}
    for record in records:
        assert record.acts["generaliste"] >= 1 and record.acts["infirmier"] == 1
        assert 0 < record.quality < 100  # GP tasks done, the others missed
        assert record.deprivation_quintile is None  # not known to the coordination app
    # A new export draws new identifiers.
    again = anonymised_population(actor=network["coordinator"], cooperation=network["cpts"],
                                  year=2026, today=TODAY)
    assert not {r.id for r in records} & {r.id for r in again}


def test_one_access_log_entry_per_patient_states_the_purpose(network, enrol):
    made = enrol(11)
    before = AccessLogEntry.objects.count()
    anonymised_population(actor=network["coordinator"], cooperation=network["cpts"], year=2026,
                          today=TODAY)
    entries = AccessLogEntry.objects.order_by("pk")[before:]
    assert len(entries) == 11
    assert {e.patient_id for e in entries} == {p.pk for p, _w, _c in made}
    for entry in entries:
        assert entry.reason == PURPOSE == "simulation de financement, données anonymisées"
        assert entry.action == AccessLogEntry.Action.EXPORT
        assert entry.actor == network["coordinator"] and entry.outcome == "allowed"


def test_a_withdrawn_consent_excludes_the_patient(network, enrol):
    from maillage.coordination import services

    made = enrol(11)
    withdrawn_patient, withdrawn, _code = made[4]
    services.consent_withdraw(actor=withdrawn_patient.user or network["coordinator"],
                              pathway=withdrawn)
    before = AccessLogEntry.objects.count()
    records = anonymised_population(actor=network["coordinator"], cooperation=network["cpts"],
                                    year=2026, today=TODAY)
    assert len(records) == 10
    new = AccessLogEntry.objects.order_by("pk")[before:]
    assert withdrawn_patient.pk not in {e.patient_id for e in new}


@pytest.mark.parametrize("who", ["other member", "outsider", "gp", "anonymous"])
def test_only_the_cooperation_coordinator_may_export(network, enrol, other_member, who):
    enrol(10)
    actor = {"other member": other_member, "outsider": network["outsider"],
             "gp": network["gp"], "anonymous": AnonymousUser()}[who]
    before = AccessLogEntry.objects.count()
    with pytest.raises(PermissionDenied):
        anonymised_population(actor=actor, cooperation=network["cpts"], year=2026)
    assert AccessLogEntry.objects.count() == before


def test_below_ten_patients_the_export_is_refused(network, enrol, client):
    enrol(MIN_PATIENTS - 1)
    before = AccessLogEntry.objects.count()
    with pytest.raises(ValidationError, match="au moins 10"):
        anonymised_population(actor=network["coordinator"], cooperation=network["cpts"],
                              year=2026)
    with pytest.raises(ValidationError):
        pathways.population_from_pathways(actor=network["coordinator"],
                                          organisation=network["cpts"], year=2026)
    client.force_login(network["coordinator"])
    response = client.post("/api/financing/populations/from-pathways",
                           {"organisation": network["cpts"].pk, "year": 2026},
                           content_type="application/json")
    assert response.status_code == 400 and "au moins 10" in response.json()["detail"]
    assert AccessLogEntry.objects.count() == before and not Population.objects.exists()


# — The financing side —————————————————————————————————————————————————————————————————————————


def test_the_stored_population_and_its_exports_hold_no_identifier(network, enrol, client):
    made = enrol(12)
    population, created = pathways.population_from_pathways(
        actor=network["coordinator"], organisation=network["cpts"], year=2026, today=TODAY)
    assert created and population.organisation == network["cpts"]
    assert population.patients == 12 and population.rows == 12 and population.years == [2026]
    with np.load(io.BytesIO(bytes(population.data)), allow_pickle=False) as arrays:
        assert set(arrays.files) == {f.name for f in fields(PopulationArrays)}
        assert all(arrays[name].dtype.kind in "biuf" for name in arrays.files)
    client.force_login(network["coordinator"])
    response = client.get(f"/financement/populations/{population.pk}/export.csv")
    assert response.status_code == 200
    content = response.content.decode()
    for text in _identifiers(made):
        assert text not in content
    # The PDF is compressed: only check that it is built from the same report.
    assert client.get(f"/financement/populations/{population.pk}/export.pdf").status_code == 200
    # The file handed to the importer: numbered after sorting, nothing of the patients.
    records = anonymised_population(actor=network["coordinator"], cooperation=network["cpts"],
                                    year=2026, today=TODAY)
    content, kept, dropped = pathways.population_csv(records)
    text = content.decode()
    assert kept == 12 and dropped == 0 and "A00001" in text
    for text_id in [r.id for r in records] + _identifiers(made):
        assert text_id not in text


def test_same_pathways_same_population_and_deletable(network, enrol):
    from maillage.financing import services

    enrol(10)
    first, created = pathways.population_from_pathways(
        actor=network["coordinator"], organisation=network["cpts"], year=2026, today=TODAY)
    again, created_again = pathways.population_from_pathways(
        actor=network["coordinator"], organisation=network["cpts"], year=2026, today=TODAY)
    assert created and not created_again and again.pk == first.pk
    services.population_delete(actor=network["coordinator"], population=first)
    assert not Population.objects.exists()


def test_the_population_simulates_under_all_five_models(network, enrol):
    enrol(12)
    population, _created = pathways.population_from_pathways(
        actor=network["coordinator"], organisation=network["cpts"], year=2026, years=2,
        today=TODAY)
    arrays = population_arrays(population)
    # 2025 has no pathway yet: one row per patient, in 2026.
    assert len(arrays) == 12 and set(arrays.year.tolist()) == {2026}
    assert (arrays.fees[:, 0] == arrays.acts[:, 0] * 30.0).all()
    assert (arrays.ald_count == 1).all() and (arrays.deprivation_quintile == 3).all()
    report = build_report(arrays, {})
    assert not report.errors
    assert set(report.comparison.results) == set(MODEL_LABELS) and len(MODEL_LABELS) == 5
    fee_for_service = report.comparison.team_by_year["fee_for_service"]
    assert fee_for_service.sum() == pytest.approx(arrays.fees.sum())


# — Pages and API ——————————————————————————————————————————————————————————————————————————————


def test_the_page_action_is_offered_to_coordinators_only(network, enrol, client, other_member):
    enrol(10)
    client.force_login(other_member)
    page = client.get("/financement/").content.decode()
    assert "Populations de vos organisations" in page
    assert "Utiliser les parcours de la coopération" not in page
    assert client.post("/financement/populations/depuis-les-parcours/", {
        "organisation": network["cpts"].pk, "year": 2026, "years": 1}).status_code == 403
    client.force_login(network["coordinator"])
    page = client.get("/financement/").content.decode()
    assert "Utiliser les parcours de la coopération" in page and "30,0 €" in page
    response = client.post("/financement/populations/depuis-les-parcours/", {
        "organisation": network["cpts"].pk, "year": 2026, "years": 1, "name": ""})
    population = Population.objects.get()
    assert response.status_code == 302 and response["Location"] == population.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post("/financement/populations/depuis-les-parcours/", {})
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    assert client.post("/api/financing/populations/from-pathways", {"organisation": 1,
                       "year": 2026}, content_type="application/json").status_code == 401


def test_the_api_creates_it_for_the_coordinator_only(network, enrol, client, other_member):
    enrol(10)
    url = "/api/financing/populations/from-pathways"
    body = {"organisation": network["cpts"].pk, "year": 2026}
    for user in (other_member, network["outsider"]):
        client.force_login(user)
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 403 and "detail" in response.json()
    assert not Population.objects.exists()
    client.force_login(network["coordinator"])
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201 and response.json()["patients"] == 10
    pk = response.json()["id"]
    simulated = client.post(f"/api/financing/populations/{pk}/simulate", {},
                            content_type="application/json")
    assert simulated.status_code == 200 and set(simulated.json()["models"]) == set(MODEL_LABELS)
    assert client.post(url, body, content_type="application/json").status_code == 200
