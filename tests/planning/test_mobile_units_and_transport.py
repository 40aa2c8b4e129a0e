"""Mobile units with a weekly schedule and transport offers: their effect, and bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.insights import services as insights
from maillage.planning import services
from maillage.planning.models import Scenario, ScenarioChange

pytestmark = pytest.mark.django_db

# Test communes (tests/mirror_factory.py), great-circle × 1.3 at 45 km/h, DREES steps
# (≤ 10 min: 1, ≤ 15: 2/3, ≤ 20: 1/3): Mende (12,464 inh.) holds the two BPE GPs; Badaroux
# (1,050) is within 15 min of it, Mont Lozère et Goulet (1,300) 29 min away (weight 0) and
# 16.8 min from Badaroux (weight 1/3).
D_MENDE = 12_464 + 2 / 3 * 1_050


def new_scenario() -> Scenario:
    return services.scenario_create(actor=None, region="76", profession="generaliste",
                                    name="Tournée")


def test_a_mobile_unit_brings_supply_to_each_stop_pro_rated_by_its_hours(base_run, gp_counts):
    scenario = new_scenario()
    change = services.scenario_change_add(
        actor=None, scenario=scenario, kind="mobile_unit", fte=1,
        schedule="48099 lundi 9h-12h\n48099 jeudi 13h-17h\n48017 mardi 9h-12h30")
    assert change.commune_id == "48099"  # defaults to the first stop
    assert change.hours_per_week == 10.5
    services.scenario_compute(actor=None, scenario=scenario)

    # 7 h at 48099 = 0.2 full-time GP, 3.5 h at Badaroux = 0.1: the same as a full run with
    # those fractions of a GP counted there
    gp_counts({"48095": 2, "48099": 7 / 35, "48017": 3.5 / 35})
    full = insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="generaliste"))
    expected = dict(full.results.values_list("commune_id", "accessibility"))
    effects = {e.commune_id: e.after for e in scenario.effects.all()}
    assert set(effects) == {"48099", "48017", "48095"}
    for code, after in effects.items():
        assert after == pytest.approx(expected[code], rel=1e-9)
    scenario.refresh_from_db()
    assert scenario.summary["supply_added"] == pytest.approx(5_400 * 10.5 / 35)


def test_the_schedule_can_be_given_as_records(base_run):
    scenario = new_scenario()
    change = services.scenario_change_add(
        actor=None, scenario=scenario, kind="mobile_unit", commune="48017", fte=2,
        schedule=[{"stop": "48099", "day": 2, "start": 8.5, "end": 12}])
    assert change.commune_id == "48017"
    services.scenario_compute(actor=None, scenario=scenario)
    after = scenario.effects.get(commune_id="48099").after
    assert after == pytest.approx(2 * 5_400 * 3.5 / 35 / (1_300 + 1_050 / 3), rel=1e-9)


@pytest.mark.parametrize(("schedule", "message"), [
    ("48099 lundi 9h-12h\n48017 lundi 11h-14h", "chevauche le créneau 1"),
    ("48099 lundi 12h-9h", "l'heure de fin doit suivre"),
    ("48099 lundy 9h-12h", "jour inconnu"),
    ("01001 lundi 9h-12h", "hors de la région"),
    ("", "au moins un arrêt"),
])
def test_a_bad_schedule_is_refused_and_nothing_is_stored(base_run, schedule, message):
    scenario = new_scenario()
    with pytest.raises(ValidationError) as error:
        services.scenario_change_add(actor=None, scenario=scenario, kind="mobile_unit",
                                     commune="48099", schedule=schedule)
    assert message in error.value.message_dict["schedule"][0]
    assert not ScenarioChange.objects.exists()


def test_a_transport_offer_shortens_travel_time_for_its_members(base_run):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="transport_offer",
                                 commune="48095", origins="48099", minutes_saved=10,
                                 member_share=0.5)
    scenario = services.scenario_compute(actor=None, scenario=scenario)

    # half of Mont Lozère now reaches Mende in 19 min (weight 1/3), the other half does not:
    # its weight to Mende becomes 1/6, Mende's catchment grows by 1,300 / 6
    r_after = 10_800 / (D_MENDE + 1_300 / 6)
    effects = {e.commune_id: e for e in scenario.effects.all()}
    assert effects["48099"].before == pytest.approx(0.0)
    assert effects["48099"].after == pytest.approx(r_after / 6, rel=1e-9)
    assert effects["48095"].after == pytest.approx(r_after, rel=1e-9)
    assert effects["48017"].after == pytest.approx(2 / 3 * r_after, rel=1e-9)
    assert scenario.summary["full_recomputation"] is True


def test_a_transport_offer_reaches_a_new_site_of_the_same_scenario(base_run):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                 commune="48017", fte=1)
    services.scenario_change_add(actor=None, scenario=scenario, kind="transport_offer",
                                 commune="48017", origins=["48099"], minutes_saved=10)
    services.scenario_compute(actor=None, scenario=scenario)
    # 48099 is 16.8 min from Badaroux, 6.8 with the offer (weight 1 instead of 1/3); Mende
    # is within 15 min of Badaroux (2/3)
    d_new = 1_050 + 2 / 3 * 12_464 + 1_300
    d_mende = D_MENDE
    after = scenario.effects.get(commune_id="48099").after
    assert after == pytest.approx(5_400 / d_new, rel=1e-9)
    mende = scenario.effects.get(commune_id="48095").after
    assert mende == pytest.approx(10_800 / d_mende + 2 / 3 * 5_400 / d_new, rel=1e-9)


def test_a_transport_offer_needs_supply_at_its_destination_and_valid_fields(base_run):
    scenario = new_scenario()
    services.scenario_change_add(actor=None, scenario=scenario, kind="transport_offer",
                                 commune="48099", origins="48017", minutes_saved=5)
    with pytest.raises(ValidationError, match="aucune offre"):
        services.scenario_compute(actor=None, scenario=scenario)
    with pytest.raises(ValidationError) as error:
        services.scenario_change_add(actor=None, scenario=scenario, kind="transport_offer",
                                     commune="48095", origins="01001", minutes_saved=-3,
                                     member_share=2)
    assert set(error.value.message_dict) == {"origins", "minutes_saved", "member_share"}


def test_schedule_errors_are_translated(base_run, analyst):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from maillage.planning import services

    scenario = services.scenario_create(actor=analyst, region="76", profession="generaliste",
                                        name="Tournée")
    overlapping = "48095 lundi 9h-12h\n48017 lundi 11h-17h"
    with pytest.raises(ValidationError) as french:
        services.scenario_change_add(actor=analyst, scenario=scenario, kind="mobile_unit",
                                     schedule=overlapping)
    assert french.value.message_dict["schedule"] == [
        "Le créneau 2 (48017, lundi 11h00-17h00) chevauche le créneau 1 (48095, lundi "
        "9h00-12h00)."]
    with translation.override("en"), pytest.raises(ValidationError) as english:
        services.scenario_change_add(actor=analyst, scenario=scenario, kind="mobile_unit",
                                     schedule="48095 lundy 9h-12h")
    # the message goes through gettext: its French source is the msgid
    message = english.value.message_dict["schedule"][0]
    with translation.override("en"):
        expected = translation.gettext(
            "Ligne %(n)s : jour inconnu « %(day)s » (lundi … dimanche).") % {"n": 1, "day": "lundy"}
    assert "lundy" in message and message == expected
    assert message == "Line 1: unknown day “lundy” (lundi … dimanche)."
    assert scenario.changes.count() == 0
