"""Playwright journey: an analyst builds a scenario, puts it to a vote, a resident votes seeing
the map of its effects."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser_session import logged_in_context

VIEWPORT = {"width": 1280, "height": 900}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_builds_a_scenario_puts_it_to_a_vote_and_a_resident_votes(
        live_server, browser, base_run, analyst, make_user):
    from django.utils import timezone

    from maillage.participation.models import Phase, PhaseType, Process
    from maillage.planning.models import Scenario, ScenarioBallot

    now = timezone.now()
    process = Process.objects.create(
        title="Accès aux soins en Lozère", territory_level="departement", territory_code="48",
        territory_name="Lozère", organiser_name="CPTS", is_published=True, created_by=analyst)
    Phase.objects.create(process=process, type=PhaseType.VOTE, starts_at=now - timedelta(days=1),
                         ends_at=now + timedelta(days=5))
    resident = make_user(email="rosa@example.org", home_commune_id="48095")

    context = logged_in_context(browser, live_server, analyst, viewport=VIEWPORT)
    page = context.new_page()
    page.goto(live_server.url + "/planification/nouveau/")
    page.get_by_label("Nom du scénario").fill("MSP de Mont Lozère")
    page.get_by_role("button", name="Créer le scénario").click()
    page.wait_for_url("**/planification/scenarios/*/")
    page.get_by_label("Commune (code INSEE", exact=False).fill("48099")
    page.get_by_role("button", name="Ajouter ce changement").click()
    page.get_by_role("button", name="Calculer l'effet").click()
    page.get_by_role("link", name="Soumettre au vote des habitants").click()
    page.wait_for_url("**/planification/voter/**")
    page.get_by_role("button", name="Ouvrir le vote").click()
    page.wait_for_url("**/planification/votes/*/")
    scenario = Scenario.objects.get()
    assert scenario.state == "computed" and scenario.published_at is not None
    ballot = ScenarioBallot.objects.get()
    context.close()

    context = logged_in_context(browser, live_server, resident, viewport=VIEWPORT)
    page = context.new_page()
    page.goto(live_server.url + ballot.get_absolute_url())
    assert "1\u202f300 habitants sortiraient" in page.content()
    page.locator(".maillage-map .leaflet-interactive").first.wait_for()
    selects = page.locator("select[name^=ranking]")
    assert selects.count() == 2
    labels = [o.option.label for o in ballot.options.select_related("option")]
    order = list(ballot.vote.options.filter(hidden_at__isnull=True).values_list("label",
                                                                                flat=True))
    assert sorted(labels) == sorted(order)
    first = order.index("MSP de Mont Lozère")
    selects.nth(first).select_option("1")
    selects.nth(1 - first).select_option("2")
    page.get_by_role("button", name="Voter").click()
    page.wait_for_load_state()
    ballot.refresh_from_db()
    assert ballot.vote.ballots.count() == 1
    ranked = ballot.vote.ballots.get().ranking
    assert ranked[0] == ballot.options.get(scenario=scenario).option_id
    context.close()
