"""Projected retirements of the GPs over 65: the scenario equals a full run without them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.insights import services as insights
from maillage.planning import projections, services
from maillage.planning.models import ScenarioChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def gps(geography):
    """Four GPs known individually (RPPS): two in Mende, one in Badaroux, one in both."""
    from maillage.healthcare.models import Practitioner, SupplySource

    source = SupplySource.objects.create(
        kind="rpps", file_name="rpps.csv", scope="france", name="test rpps", origin="test",
        version="test", licence="Licence Ouverte", attribution="test", sha256="0" * 64, rows=5)
    rows = [  # rpps, commune, birth year, activity at the site
        ("1", "48095", 1955, 6500),  # 71 in 2026: leaves; counted capped at 6,000
        ("2", "48095", 1970, 4000),
        ("3", "48017", 1960, None),  # 66: leaves; unknown activity → 5,400
        ("4", "48095", 1958, 2000),  # 68, two sites: half of his activity at each
        ("4", "48017", 1958, 2000),
    ]
    for rpps, commune, born, activity in rows:
        Practitioner.objects.create(rpps=rpps, profession="generaliste", site_id=commune,
                                    commune_id=commune, birth_year=born, activity=activity,
                                    practice_mode="liberal", source=source)
    return Practitioner.objects


def run_apl():
    return insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="generaliste"))


def test_projected_retirements_equal_a_full_run_without_the_gps_concerned(gps):
    run_apl()
    scenario = services.scenario_create(actor=None, region="76", profession="generaliste",
                                        name="Départs 2026")
    changes = projections.scenario_retirements_project(actor=None, scenario=scenario, age=65,
                                                       year=2026)
    assert [(c.commune_id, c.fte) for c in changes] == [("48017", 1.5), ("48095", 1.5)]
    by_commune = {c.commune_id: c.supply_amount for c in changes}
    assert by_commune["48095"] == pytest.approx(-(6000 + 2000))
    assert by_commune["48017"] == pytest.approx(-(5400 + 2000))
    scenario = services.scenario_compute(actor=None, scenario=scenario)

    gps.filter(birth_year__lte=1961).delete()
    expected = dict(run_apl().results.values_list("commune_id", "accessibility"))
    effects = {e.commune_id: e.after for e in scenario.effects.all()}
    assert effects
    for code, after in effects.items():
        assert after == pytest.approx(expected[code], rel=1e-9, abs=1e-12)


def test_a_later_year_retires_more_and_bad_input_is_refused(gps):
    run_apl()
    scenario = services.scenario_create(actor=None, region="76", profession="generaliste",
                                        name="Départs 2031")
    changes = projections.scenario_retirements_project(actor=None, scenario=scenario, age=65,
                                                       year=2036)
    assert sum(c.fte for c in changes) == 4  # the GP born in 1970 is 66 in 2036
    with pytest.raises(ValidationError) as error:
        projections.scenario_retirements_project(actor=None, scenario=scenario, age=30,
                                                 year=2100)
    assert set(error.value.message_dict) == {"age", "year"}


def test_without_ages_the_projection_says_why(base_run):
    scenario = services.scenario_create(actor=None, region="76", profession="generaliste",
                                        name="x")
    with pytest.raises(ValidationError, match="RPPS"):
        projections.scenario_retirements_project(actor=None, scenario=scenario)
    assert not ScenarioChange.objects.exists()


def test_an_analyst_projects_retirements_from_the_page_and_the_api(client, gps, analyst):
    run_apl()
    client.force_login(analyst)
    client.post("/planification/nouveau/", {
        "region": "76", "profession": "generaliste", "name": "Départs"})
    from maillage.planning.models import Scenario

    scenario = Scenario.objects.get()
    page = client.get(f"/planification/scenarios/{scenario.pk}/").content.decode()
    assert 'id="retirements-form"' in page
    bad = client.post(f"/planification/scenarios/{scenario.pk}/departs-projetes/",
                      {"age": "65", "year": "1990"})
    assert bad.status_code == 400 and "projection" in bad.content.decode()
    ok = client.post(f"/planification/scenarios/{scenario.pk}/departs-projetes/",
                     {"age": "65", "year": "2026"})
    assert ok.status_code == 302 and scenario.changes.count() == 2
    api = client.post(f"/api/planning/scenarios/{scenario.pk}/retirements",
                      '{"age": 70, "year": 2026}', content_type="application/json")
    assert api.status_code == 201 and len(api.json()["changes"]) == 3
