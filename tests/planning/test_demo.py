"""The planning demo loads, twice in a row, on the test territory."""

from __future__ import annotations

import pytest

from maillage.core.demo import demo_accounts_ensure
from maillage.planning.demo import PROCESS_TITLE, demo_load
from maillage.planning.models import Scenario, ScenarioBallot

pytestmark = pytest.mark.django_db


def test_without_the_demo_analyst_nothing_is_loaded(base_run):
    said: list[str] = []
    assert demo_load(said.append) is None
    assert "absent" in said[-1] and Scenario.objects.count() == 0


def test_the_demo_puts_two_computed_scenarios_to_an_open_vote_and_reloads(base_run, client,
                                                                         make_user):
    from maillage.participation.models import Process
    from maillage.participation.phases import phase_state

    demo_accounts_ensure("demo-password-123")
    # a demo resident of Lozère, as the participation demo makes them
    make_user(email="habitant01@demo.maillage.fr", home_commune_id="48017")
    said: list[str] = []
    demo_load(said.append)
    ballot = demo_load(said.append)

    scenarios = Scenario.objects.filter(is_demo=True)
    assert scenarios.count() == 2 and Scenario.objects.count() == 2
    assert {s.state for s in scenarios} == {"computed"}
    assert all(s.published_at is not None and s.base_run_id == base_run.pk for s in scenarios)
    msp = scenarios.get(name__startswith="Maison")
    unit = scenarios.get(name__startswith="Unité")
    # the test territory's Lozère communes are all priority zones; Mont Lozère has no GP
    # within 20 minutes (APL 0): the centre goes there, the unit stops in the other two
    change = msp.changes.get()
    assert change.commune_id == "48099"
    assert (change.kind, change.fte) == ("new_site", 2.0)
    stops = [slot["stop"] for slot in unit.changes.get().schedule]
    assert sorted(stops) == ["48017", "48095"]
    assert msp.summary["population_lifted"] > 0

    assert ScenarioBallot.objects.count() == 1 and Process.objects.filter(
        title=PROCESS_TITLE).count() == 1
    process = ballot.vote.process
    assert process.is_demo and phase_state(process).status_of(ballot.vote.phase) == "active"
    assert sorted(o.scenario_id or 0 for o in ballot.options.all()) == sorted(
        [0, msp.pk, unit.pk])
    assert ballot.vote.ballots.count() == 1
    assert "bulletins" in said[-1]
    page = client.get(f"/planification/votes/{ballot.pk}/").content.decode()
    assert "Maison de santé avec deux médecins (démo)" in page
