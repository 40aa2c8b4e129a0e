"""Scenarios: their effect computed by the scenario delta, rights and bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.insights import services as insights
from maillage.planning import services
from maillage.planning.models import Scenario, ScenarioChange, ScenarioEffect

pytestmark = pytest.mark.django_db

# The four test communes (tests/mirror_factory.py), great-circle × 1.3 at 45 km/h:
# Mont Lozère et Goulet (48099) is 0 min from itself (weight 1), 16.8 min from Badaroux
# (48017, weight 1/3) and 29 min from Mende (weight 0). Two BPE GPs in Mende give the base
# R = 10,800 / (12,464 + 2/3 × 1,050) = 10,800 / 13,164.
R_MENDE = 10_800 / 13_164
# One full-time GP opening in 48099: D = 1,300 + 1,050 / 3 = 1,650, R = 5,400 / 1,650.
R_NEW = 5_400 / 1_650


def new_scenario(**extra) -> Scenario:
    return services.scenario_create(actor=None, region="76", profession="generaliste",
                                    name="MSP de Mont Lozère", **extra)


def test_a_new_health_centre_lifts_its_commune_out_of_the_priority_class(base_run):
    scenario = new_scenario(yearly_cost_eur="120000")
    services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                 commune="48099", fte=1)

    scenario = services.scenario_compute(actor=None, scenario=scenario)

    effects = {e.commune_id: e for e in scenario.effects.all()}
    assert set(effects) == {"48099", "48017"}  # Mende is beyond one catchment: untouched
    assert effects["48099"].before == 0.0
    assert effects["48099"].after == pytest.approx(R_NEW, rel=1e-9)
    assert effects["48017"].before == pytest.approx(2 / 3 * R_MENDE, rel=1e-9)
    assert effects["48017"].after == pytest.approx(2 / 3 * R_MENDE + R_NEW / 3, rel=1e-9)
    assert (effects["48099"].class_before, effects["48099"].class_after) == (0, 1)
    assert scenario.summary["population_lifted"] == 1300
    assert scenario.summary["communes_improved"] == 2
    assert scenario.summary["base_run"] == base_run.pk


def test_the_delta_equals_a_full_run_with_the_same_supply(base_run, gp_counts):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                 commune="48099", fte=1)
    services.scenario_change_add(actor=None, scenario=scenario, kind="extra_fte",
                                 commune="48095", fte=1)
    services.scenario_compute(actor=None, scenario=scenario)

    gp_counts({"48095": 3, "48099": 1})
    full = insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="generaliste"))
    expected = dict(full.results.values_list("commune_id", "accessibility"))
    for effect in scenario.effects.all():
        assert effect.after == pytest.approx(expected[effect.commune_id], rel=1e-9)


def test_a_mobile_unit_is_pro_rated_by_its_hours(base_run):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="mobile_unit_stop",
                                 commune="48099", fte=1, hours_per_week=7)
    services.scenario_compute(actor=None, scenario=scenario)

    after = scenario.effects.get(commune_id="48099").after
    assert after == pytest.approx(5_400 * 7 / 35 / 1_650, rel=1e-9)


def test_retirements_lower_access_and_cannot_exceed_the_supply(base_run):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="retirement",
                                 commune="48095", fte=1)
    services.scenario_compute(actor=None, scenario=scenario)
    assert scenario.effects.get(commune_id="48095").after == pytest.approx(R_MENDE / 2)

    services.scenario_change_add(actor=None, scenario=scenario, kind="retirement",
                                 commune="48095", fte=2)
    with pytest.raises(ValidationError, match="pas assez d'offre"):
        services.scenario_compute(actor=None, scenario=scenario)
    scenario.refresh_from_db()
    assert scenario.state == Scenario.State.DRAFT


def test_computing_again_replaces_the_effects(base_run):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                 commune="48099", fte=1)
    services.scenario_compute(actor=None, scenario=scenario)
    services.scenario_compute(actor=None, scenario=scenario)
    assert ScenarioEffect.objects.filter(scenario=scenario).count() == 2


def test_bad_changes_are_named_and_nothing_is_stored(base_run):
    scenario = new_scenario()
    with pytest.raises(ValidationError) as outside:
        services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                     commune="01001", fte=1)
    assert "commune" in outside.value.message_dict
    with pytest.raises(ValidationError) as hours:
        services.scenario_change_add(actor=None, scenario=scenario, kind="mobile_unit_stop",
                                     commune="48099", fte=1)
    assert "hours_per_week" in hours.value.message_dict
    with pytest.raises(ValidationError) as fte:
        services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                     commune="48099", fte=0)
    assert "fte" in fte.value.message_dict
    assert ScenarioChange.objects.count() == 0
    with pytest.raises(ValidationError, match="au moins un changement"):
        services.scenario_compute(actor=None, scenario=scenario)


def test_a_scenario_needs_a_base_run(gp_counts):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                 commune="48099", fte=1)
    with pytest.raises(ValidationError, match="Aucun calcul"):
        services.scenario_compute(actor=None, scenario=scenario)


def test_only_analysts_of_the_region_manage_its_scenarios(base_run, make_user, grant, analyst):
    citizen = make_user(email="habitant@example.org")
    other = make_user(email="analyste84@example.org")
    grant(other, "analyst", "region", "84")
    for outsider in (citizen, other):
        with pytest.raises(PermissionDenied):
            services.scenario_create(actor=outsider, region="76", profession="generaliste",
                                     name="x")
    scenario = services.scenario_create(actor=analyst, region="76", profession="generaliste",
                                        name="ok")
    with pytest.raises(PermissionDenied):
        services.scenario_change_add(actor=other, scenario=scenario, kind="new_site",
                                     commune="48099")
    with pytest.raises(PermissionDenied):
        services.scenario_compute(actor=citizen, scenario=scenario)


def test_unknown_region_profession_and_costs_are_refused():
    with pytest.raises(ValidationError) as region:
        services.scenario_create(actor=None, region="99", profession="generaliste", name="x")
    assert "region" in region.value.message_dict
