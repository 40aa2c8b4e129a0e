"""The loop: a scenario published, put to the people's vote, decided, then measured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.insights import services as insights
from maillage.participation import services as participation
from maillage.participation.models import Action, Phase, PhaseType, PriorityVote, Process
from maillage.planning import evaluation, loop, services
from maillage.planning.models import Scenario, ScenarioAction, ScenarioBallot

pytestmark = pytest.mark.django_db


def computed_scenario(name: str, commune: str, actor=None) -> Scenario:
    scenario = services.scenario_create(actor=actor, region="76", profession="generaliste",
                                        name=name, yearly_cost_eur=130000)
    services.scenario_change_add(actor=actor, scenario=scenario, kind="new_site",
                                 commune=commune, fte=1)
    return services.scenario_compute(actor=actor, scenario=scenario)


@pytest.fixture
def msp(base_run, analyst):
    return computed_scenario("MSP de Mont Lozère", "48099", actor=analyst)


@pytest.fixture
def unit(base_run, analyst):
    return computed_scenario("Cabinet à Badaroux", "48017", actor=analyst)


@pytest.fixture
def process(analyst):
    """A published process over the Lozère whose vote phase is open now."""
    now = timezone.now()
    process = Process.objects.create(
        title="Accès aux soins en Lozère", territory_level="departement", territory_code="48",
        territory_name="Lozère", organiser_name="CPTS Cœur de Lozère", is_published=True,
        created_by=analyst)
    Phase.objects.create(process=process, type=PhaseType.VOTE, starts_at=now - timedelta(days=1),
                         ends_at=now + timedelta(days=5))
    Phase.objects.create(process=process, type=PhaseType.IMPLEMENTATION,
                         starts_at=now + timedelta(days=5), ends_at=now + timedelta(days=90))
    return process


@pytest.fixture
def resident(make_user):
    return make_user(email="rosa@example.org", home_commune_id="48095")


def vote_phase(process: Process) -> Phase:
    return process.phases.get(type=PhaseType.VOTE)


def put(analyst, process, *scenarios, **extra) -> ScenarioBallot:
    return loop.scenarios_put_to_vote(actor=analyst, scenarios=list(scenarios), process=process,
                                      phase=vote_phase(process), title="Quel projet ?", **extra)


def close_vote(process: Process) -> None:
    now = timezone.now()
    Phase.objects.filter(process=process, type=PhaseType.VOTE).update(
        starts_at=now - timedelta(days=10), ends_at=now - timedelta(minutes=1))
    Phase.objects.filter(process=process, type=PhaseType.IMPLEMENTATION).update(
        starts_at=now - timedelta(minutes=1))


def test_a_draft_is_private_to_its_organisation_until_published(client, msp, make_user, grant,
                                                                 with_totp):
    url = f"/planification/scenarios/{msp.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(f"/api/planning/scenarios/{msp.pk}").status_code == 404
    assert msp.pk not in [s["id"] for s in client.get("/api/planning/scenarios").json()]
    elsewhere = make_user(email="analyste-bretagne@example.org")
    grant(elsewhere, "analyst", "region", "53")
    with_totp(elsewhere)
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404

    loop.scenario_publish(actor=msp.created_by, scenario=msp)

    client.logout()
    assert client.get(url).status_code == 200
    assert msp.pk in [s["id"] for s in client.get("/api/planning/scenarios").json()]


def test_a_published_scenario_no_longer_changes(msp, analyst):
    loop.scenario_publish(actor=analyst, scenario=msp)
    with pytest.raises(ValidationError, match="publié"):
        services.scenario_change_add(actor=analyst, scenario=msp, kind="new_site",
                                     commune="48017", fte=1)
    with pytest.raises(ValidationError, match="publié"):
        services.scenario_compute(actor=analyst, scenario=msp)
    assert msp.changes.count() == 1


def test_only_a_computed_scenario_is_published_and_only_by_its_analysts(base_run, analyst,
                                                                        make_user):
    draft = services.scenario_create(actor=analyst, region="76", profession="generaliste",
                                     name="Pas calculé")
    with pytest.raises(ValidationError, match="pas calculé"):
        loop.scenario_publish(actor=analyst, scenario=draft)
    scenario = computed_scenario("Calculé", "48099", actor=analyst)
    with pytest.raises(PermissionDenied):
        loop.scenario_publish(actor=make_user(email="x@example.org"), scenario=scenario)
    assert Scenario.objects.filter(published_at__isnull=False).count() == 0


def test_scenarios_put_to_a_vote_become_its_options_with_their_effect(msp, unit, analyst,
                                                                      process):
    ballot = put(analyst, process, msp, unit)

    vote = ballot.vote
    assert vote.kind == PriorityVote.Kind.RANKED and not vote.allow_new_options
    assert sorted(vote.options.values_list("label", flat=True)) == [
        "Cabinet à Badaroux", "MSP de Mont Lozère"]
    option = ballot.options.get(scenario=msp)
    assert option.option.label == "MSP de Mont Lozère"
    assert option.expected["summary"]["population_lifted"] == 1300
    assert option.expected["communes_lifted"] == 1
    assert set(option.expected["communes"]) == {"48099", "48017"}
    assert "1\u202f300 habitants sortiraient" in vote.description
    msp.refresh_from_db()
    unit.refresh_from_db()
    assert msp.published_at is not None and unit.published_at is not None


def test_a_single_scenario_is_put_against_changing_nothing(msp, analyst, process):
    ballot = put(analyst, process, msp)
    labels = list(ballot.vote.options.values_list("label", flat=True))
    assert labels == ["MSP de Mont Lozère", "Ne rien changer (situation actuelle)"]
    assert ballot.options.get(scenario=None).expected == {}


def test_only_organisers_put_scenarios_to_a_vote_and_nothing_is_stored_otherwise(
        msp, analyst, process, make_user, grant, with_totp):
    outsider = make_user(email="analyste-ailleurs@example.org")
    grant(outsider, "analyst", "region", "53")
    with_totp(outsider)
    with pytest.raises(PermissionDenied):
        put(outsider, process, msp)
    aveyron = Process.objects.create(
        title="Aveyron", territory_level="departement", territory_code="12",
        territory_name="Aveyron", organiser_name="x", is_published=True)
    Phase.objects.create(process=aveyron, type=PhaseType.VOTE, starts_at=timezone.now(),
                         ends_at=timezone.now() + timedelta(days=3))
    bretagne_msp = Scenario.objects.create(region_id="76", profession="generaliste",
                                           name="Brouillon", created_by=analyst)
    with pytest.raises(ValidationError, match="pas calculé"):
        put(analyst, process, bretagne_msp, msp)
    with pytest.raises(ValidationError):
        put(analyst, process, msp, kind="pairwise")
    assert PriorityVote.objects.count() == 0 and ScenarioBallot.objects.count() == 0
    msp.refresh_from_db()
    assert msp.published_at is None


def test_residents_vote_on_the_page_that_shows_each_effect_and_its_map(client, msp, unit,
                                                                       analyst, process,
                                                                       resident):
    ballot = put(analyst, process, msp, unit)
    url = f"/planification/votes/{ballot.pk}/"
    anonymous = client.get(url).content.decode()
    assert "1\u202f300 habitants sortiraient" in anonymous
    assert anonymous.count('class="maillage-map"') == 2
    assert "Se connecter pour voter" in anonymous
    participation_page = client.get(reverse("participation:priority", args=[ballot.vote.pk]))
    participation_page = participation_page.content.decode()
    assert url in participation_page

    client.force_login(resident)
    page = client.get(url).content.decode()
    assert 'name="ranking' in page
    options = {o.scenario_id: o.option_id for o in ballot.options.all()}
    # The ranking widget names its selects by the options' order on the ballot.
    order = list(ballot.vote.options.filter(hidden_at__isnull=True).values_list("pk", flat=True))
    response = client.post(reverse("participation:priority_ballot", args=[ballot.vote.pk]), {
        f"ranking_{order.index(options[msp.pk])}": "1",
        f"ranking_{order.index(options[unit.pk])}": "2"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ballot.vote.ballots.count() == 1
    assert "Vous avez voté" in client.get(url).content.decode()


def test_the_winning_scenario_becomes_a_tracked_action_once_the_vote_is_closed(
        msp, unit, analyst, process, resident, make_user):
    ballot = put(analyst, process, msp, unit)
    options = {o.scenario_id: o.option_id for o in ballot.options.all()}
    neighbour = make_user(email="voisin@example.org", home_commune_id="48095")
    participation.ballot_cast(actor=resident, vote=ballot.vote,
                              ranking=[options[msp.pk], options[unit.pk]])
    participation.ballot_cast(actor=neighbour, vote=ballot.vote,
                              ranking=[options[msp.pk], options[unit.pk]])
    with pytest.raises(ValidationError, match="pas clos"):
        loop.ballot_decide(actor=analyst, ballot=ballot, responsible_body="ARS Occitanie")

    close_vote(process)
    ballot = ScenarioBallot.objects.get(pk=ballot.pk)
    link = loop.ballot_decide(actor=analyst, ballot=ballot, responsible_body="ARS Occitanie")

    assert link.scenario == msp and link.ballot == ballot
    action = Action.objects.get()
    assert action.process == process and action.title == "MSP de Mont Lozère"
    assert set(action.communes.values_list("code", flat=True)) == {"48099", "48017"}
    assert "Effet attendu" in action.description
    assert link.expected["summary"]["population_lifted"] == 1300
    assert link.base_run_id == msp.base_run_id
    with pytest.raises(ValidationError, match="déjà"):
        loop.ballot_decide(actor=analyst, ballot=ballot, responsible_body="ARS Occitanie")


def test_the_evaluation_compares_the_run_before_with_the_first_run_after_done(
        msp, analyst, process, base_run, gp_counts, client):
    link = loop.scenario_action_create(actor=analyst, scenario=msp, process=process,
                                       responsible_body="ARS Occitanie")
    result = evaluation.action_evaluation(link)
    assert result.status == "waiting_done" and result.observed == {}
    assert result.predicted["population_lifted"] == 1300

    participation.action_update_add(actor=analyst, action=link.action,
                                    text="Le centre a ouvert.", status="done", progress=100)
    link = ScenarioAction.objects.get(pk=link.pk)
    assert evaluation.action_evaluation(link).status == "waiting_run"

    # The centre opened: one GP more in Mont Lozère in the new supply, then a new run.
    gp_counts({"48095": 2, "48099": 1})
    after = insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="generaliste"))
    result = evaluation.action_evaluation(ScenarioAction.objects.get(pk=link.pk))

    assert result.status == "measured"
    assert (result.before_run, result.after_run) == (base_run, after)
    assert result.observed["population_lifted"] == 1300
    assert result.observed["population_lifted_in_affected_communes"] == 1300
    by_code = {c.code: c for c in result.communes}
    # A GP counted by the BPE is the activity the scenario gave a full-time GP: the same.
    assert by_code["48099"].observed_delta == pytest.approx(by_code["48099"].predicted_delta,
                                                            rel=1e-9)
    assert by_code["48017"].observed_delta == pytest.approx(by_code["48017"].predicted_delta,
                                                            rel=1e-9)
    page = client.get(f"/planification/actions/{link.pk}/").content.decode()
    assert 'id="evaluation-summary"' in page and f"calcul n°{after.pk}" in page
    api = client.get(f"/api/planning/actions/{link.pk}/evaluation").json()
    assert api["status"] == "measured" and api["after_run"] == after.pk
    assert api["observed"]["population_lifted"] == 1300
    assert "MSP de Mont Lozère" in client.get("/planification/actions/?region=76").content \
        .decode()
    assert "Effet attendu du scénario" in client.get(
        reverse("participation:action", args=[link.action.pk])).content.decode()


def test_an_analyst_names_the_run_that_measures_and_a_wrong_one_is_refused(
        msp, analyst, process, base_run, gp_counts):
    link = loop.scenario_action_create(actor=analyst, scenario=msp, process=process,
                                       responsible_body="ARS Occitanie")
    from maillage.healthcare.models import SupplyCount, SupplySource

    SupplyCount.objects.create(source=SupplySource.objects.get(kind="bpe"), source_kind="bpe",
                               profession="infirmier", commune_id="48095", count=3)
    nurses = insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="infirmier"))
    with pytest.raises(ValidationError, match="même"):
        loop.scenario_action_measure_with(actor=analyst, link=link, run=nurses)
    with pytest.raises(ValidationError, match="avant"):
        loop.scenario_action_measure_with(actor=analyst, link=link, run=base_run)
    again = insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="generaliste"))
    loop.scenario_action_measure_with(actor=analyst, link=link, run=again)
    result = evaluation.action_evaluation(ScenarioAction.objects.get(pk=link.pk))
    # Nothing changed in the supply: the measured change is nil where 1,300 were expected.
    assert result.status == "measured" and result.observed["population_lifted"] == 0


def test_the_api_puts_to_vote_reads_and_decides(client, msp, unit, analyst, process, resident):
    client.force_login(analyst)
    refused = client.post("/api/planning/votes", {
        "scenarios": [msp.pk], "phase": vote_phase(process).pk, "title": "Q",
        "kind": "pairwise"}, content_type="application/json")
    assert refused.status_code in (400, 422)
    created = client.post("/api/planning/votes", {
        "scenarios": [msp.pk, unit.pk], "phase": vote_phase(process).pk,
        "title": "Quel projet ?"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert [o["label"] for o in body["options"]] == ["MSP de Mont Lozère", "Cabinet à Badaroux"]
    assert "1\u202f300 habitants" in body["options"][0]["effect"]
    client.logout()
    read = client.get(f"/api/planning/votes/{body['id']}").json()
    assert read["phase_status"] == "active" and read["action"] is None

    ballot = ScenarioBallot.objects.get(pk=body["id"])
    options = {o.scenario_id: o.option_id for o in ballot.options.all()}
    participation.ballot_cast(actor=resident, vote=ballot.vote,
                              ranking=[options[unit.pk], options[msp.pk]])
    close_vote(process)
    client.force_login(analyst)
    decided = client.post(f"/api/planning/votes/{body['id']}/decide",
                          {"responsible_body": "CPTS"}, content_type="application/json")
    assert decided.status_code == 201, decided.content
    assert decided.json()["scenario"] == unit.pk
