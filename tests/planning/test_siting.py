"""Best-site optimisation: background run with progress, optimum by brute force, to scenario."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.core.models import TaskProgress
from maillage.planning import optimisation, services
from maillage.planning.models import Scenario, SitingRun

pytestmark = pytest.mark.django_db

def lifted_by(codes: tuple[str, ...], fte: float) -> float:
    """Population lifted out of the priority class by opening ``codes``, by scenario_compute."""
    scenario = services.scenario_create(actor=None, region="76", profession="generaliste",
                                        name="brute force")
    for code in codes:
        services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                     commune=code, fte=fte)
    lifted = services.scenario_compute(actor=None, scenario=scenario).summary[
        "population_lifted"]
    scenario.delete()
    return lifted


# Saint-Affrique (7,941 inh., no GP within 20 min) is lifted by 4 FTE (21,600 / 7,941 ≥ 2.5)
# but not by 1; Mont Lozère et Goulet (1,300) is lifted by 1 FTE; two 4-FTE sites in Mende
# and Badaroux lift both (13,514 inh.), more than Saint-Affrique and Mont Lozère.
@pytest.mark.parametrize(("k", "fte", "expected"), [(1, 1, 1300), (1, 4, 7941), (2, 4, 13514)])
def test_the_chosen_sites_are_the_optimum_found_by_brute_force(base_run, analyst, k, fte,
                                                               expected):
    run = optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                        k=k, site_fte=fte)
    run.refresh_from_db()
    assert run.state == SitingRun.State.SUCCEEDED, run.error
    codes = optimisation.siting_candidates(region="76")
    best = max(lifted_by(subset, fte) for subset in itertools.combinations(codes, k))
    assert best == expected
    assert run.result["objective"] == pytest.approx(best)
    chosen = tuple(site["code"] for site in run.result["chosen"])
    assert lifted_by(chosen, fte) == pytest.approx(best)
    assert run.result["method"] == "mip" and run.result["gap"] == 0
    progress = TaskProgress.objects.get(pk=run.progress_id)
    assert progress.state == TaskProgress.State.SUCCEEDED
    assert "sites choisis" in progress.message


def test_one_centre_at_mont_lozere_lifts_its_1300_inhabitants(base_run, analyst):
    # Mont Lozère et Goulet (APL 0) alone with a full-time GP reaches 5,400 / 1,650 ≥ 2.5;
    # Badaroux is already above the threshold, Mende is served
    run = optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                        k=1, site_fte=1, candidate_codes=["48099", "48017"])
    run.refresh_from_db()
    assert [s["code"] for s in run.result["chosen"]] == ["48099"]
    assert run.result["objective"] == 1300
    assert run.result["chosen"][0]["gain_alone"] == 1300
    assert run.result["candidates"] == 2


def test_covering_counts_only_people_not_already_near_supply(base_run, analyst):
    # within 15 min: Mende and Badaroux are already near Mende's GPs; a site at Mont Lozère
    # covers its own 1,300 people (Badaroux, 16.8 min away, is beyond 15 min)
    run = optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                        k=1, objective="covering", max_minutes=15,
                                        candidate_codes=["48099", "48095"])
    run.refresh_from_db()
    assert [s["code"] for s in run.result["chosen"]] == ["48099"]
    assert run.result["objective"] == 1300


def test_the_result_becomes_a_computed_scenario_once(base_run, analyst):
    run = optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                        k=1, site_fte=1)
    run.refresh_from_db()
    scenario = optimisation.siting_run_to_scenario(actor=analyst, run=run)
    assert scenario.state == Scenario.State.COMPUTED
    assert [(c.kind, c.commune_id, c.fte) for c in scenario.changes.all()] == [
        ("new_site", run.result["chosen"][0]["code"], 1.0)]
    assert scenario.summary["population_lifted"] == pytest.approx(run.result["objective"])
    assert optimisation.siting_run_to_scenario(actor=analyst, run=run).pk == scenario.pk
    assert Scenario.objects.count() == 1


def test_bad_requests_are_named_and_nothing_is_queued(base_run, analyst, make_user):
    with pytest.raises(ValidationError) as error:
        optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                      k=0, site_fte=-1, max_minutes=500)
    assert set(error.value.message_dict) == {"k", "site_fte", "max_minutes"}
    with pytest.raises(ValidationError) as error:
        optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                      k=1, candidate_codes=["01001", "48099"])
    assert "01001" in error.value.message_dict["candidate_codes"][0]
    with pytest.raises(ValidationError, match="Seulement 1 communes"):
        optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                      k=2, min_population=10_000)
    with pytest.raises(PermissionDenied):
        optimisation.siting_run_start(actor=make_user(email="x@example.org"), region="76",
                                      profession="generaliste", k=1)
    assert not SitingRun.objects.exists() and not TaskProgress.objects.exists()


def test_without_an_apl_run_the_request_is_refused(gp_counts, analyst):
    with pytest.raises(ValidationError, match="Aucun calcul"):
        optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                      k=1)


def test_candidates_can_be_the_communes_hosting_a_health_facility(base_run, analyst):
    from maillage.healthcare.models import Facility, SupplySource

    source = SupplySource.objects.create(
        kind="finess", file_name="finess.csv", scope="france", name="test finess",
        origin="test", version="test", licence="Licence Ouverte", attribution="test",
        sha256="0" * 64, rows=2)
    Facility.objects.create(finess="480000017", name="MSP", category_code="603", kind="msp",
                            commune_id="48017", source=source)
    Facility.objects.create(finess="480000025", name="Pharmacie", category_code="620",
                            kind="pharmacie", commune_id="48099", source=source)
    run = optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                        k=1, site_fte=1, with_facility=True)
    run.refresh_from_db()
    assert run.candidate_codes == ["48017"]
    assert [s["code"] for s in run.result["chosen"]] == ["48017"]
    with pytest.raises(ValidationError) as error:
        optimisation.siting_run_start(actor=analyst, region="76", profession="generaliste",
                                      k=1, with_facility=True, candidate_codes=["48099"])
    assert "with_facility" in error.value.message_dict


def test_a_failure_in_the_background_is_recorded_on_the_run(base_run, analyst, gp_counts):
    run = optimisation.siting_run_create(actor=analyst, region="76", profession="generaliste",
                                         k=1)
    base_run.delete()  # the APL run went away between the request and the task
    with pytest.raises(ValidationError):
        optimisation.siting_run_execute(run)
    run.refresh_from_db()
    assert run.state == SitingRun.State.FAILED and "Aucun calcul" in run.error
