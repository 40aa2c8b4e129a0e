"""Scenario pages and API: what analysts do, what everyone reads."""

from __future__ import annotations

import pytest

from maillage.planning import loop, services
from maillage.planning.models import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(base_run):
    scenario = services.scenario_create(actor=None, region="76", profession="generaliste",
                                        name="MSP de Mont Lozère", yearly_cost_eur=130000)
    services.scenario_change_add(actor=None, scenario=scenario, kind="new_site",
                                 commune="48099", fte=1)
    scenario = services.scenario_compute(actor=None, scenario=scenario)
    # Drafts are private: what everyone reads is a published scenario.
    return loop.scenario_publish(actor=None, scenario=scenario)


def test_anyone_reads_a_computed_scenario_its_map_and_table(client, computed):
    page = client.get(f"/planification/scenarios/{computed.pk}/").content.decode()
    assert "Mont Lozère et Goulet" in page and 'id="effects-table"' in page
    assert any(f"1{sep}300" in page for sep in (" ", "\xa0", "\u202f", "", ","))
    layer = client.get(f"/planification/scenarios/{computed.pk}/carte.geojson").json()
    codes = {f["properties"]["code"] for f in layer["features"]}
    assert codes == {"48099", "48017"}
    assert client.get("/planification/").status_code == 200


def test_an_analyst_builds_and_computes_a_scenario_through_the_pages(client, base_run,
                                                                     analyst):
    client.force_login(analyst)
    response = client.post("/planification/nouveau/", {
        "region": "76", "profession": "generaliste", "name": "Unité mobile"})
    assert response.status_code == 302
    scenario = Scenario.objects.get(name="Unité mobile")
    bad = client.post(f"/planification/scenarios/{scenario.pk}/changements/", {
        "kind": "mobile_unit_stop", "commune": "48099", "fte": "1"})
    assert bad.status_code == 400 and "heures de présence" in bad.content.decode()
    client.post(f"/planification/scenarios/{scenario.pk}/changements/", {
        "kind": "mobile_unit_stop", "commune": "48099", "fte": "1", "hours_per_week": "14"})
    client.post(f"/planification/scenarios/{scenario.pk}/calculer/")
    scenario.refresh_from_db()
    assert scenario.state == Scenario.State.COMPUTED


def test_a_citizen_cannot_change_a_scenario(client, computed, make_user):
    client.force_login(make_user(email="habitant@example.org"))
    response = client.post(f"/planification/scenarios/{computed.pk}/changements/", {
        "kind": "new_site", "commune": "48017", "fte": "1"})
    assert response.status_code == 403
    assert computed.changes.count() == 1
    page = client.get(f"/planification/scenarios/{computed.pk}/").content.decode()
    assert "Calculer l&#x27;effet" not in page and "Calculer l'effet" not in page


def test_scenarios_are_compared_side_by_side(client, computed, analyst):
    client.force_login(analyst)  # the draft beside the published one is the analysts'
    other = services.scenario_create(actor=None, region="76", profession="generaliste",
                                     name="Rien")
    page = client.get("/planification/comparer/", {"s": [computed.pk, other.pk]})
    text = page.content.decode()
    assert 'id="compare-table"' in text and "pas encore calculé" in text
    assert "100" in text  # 130,000 € / 1,300 people lifted = 100 € a year each
    unknown = client.get("/planification/comparer/", {"s": [computed.pk, 999_999, 2**70]})
    assert f"Scénarios introuvables : 999999, {2**70}." in unknown.content.decode()


def test_the_api_creates_adds_computes_and_reads(client, base_run, analyst):
    client.force_login(analyst)
    created = client.post("/api/planning/scenarios", {
        "region": "76", "profession": "generaliste", "name": "API"},
        content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = client.post(f"/api/planning/scenarios/{pk}/changes",
                      {"kind": "new_site", "commune": "01001"},
                      content_type="application/json")
    assert bad.status_code == 400 and "commune" in bad.json()["errors"]
    client.post(f"/api/planning/scenarios/{pk}/changes",
                {"kind": "new_site", "commune": "48099", "fte": 1},
                content_type="application/json")
    computed = client.post(f"/api/planning/scenarios/{pk}/compute")
    assert computed.status_code == 200
    assert computed.json()["summary"]["population_lifted"] == 1300
    effects = client.get(f"/api/planning/scenarios/{pk}/effects").json()
    assert {e["commune"] for e in effects} == {"48099", "48017"}
    compare = client.get("/api/planning/compare", {"ids": [pk]}).json()
    assert compare[0]["scenario"] == pk
    unknown = client.get("/api/planning/compare", {"ids": [pk, 999_999, 2**70]})
    assert unknown.status_code == 404
    assert unknown.json()["errors"]["ids"] == ["999999", str(2**70)]
    assert "999999" in unknown.json()["detail"]


def test_the_api_refuses_anonymous_and_outsider_writes(client, base_run, make_user):
    anonymous = client.post("/api/planning/scenarios", {
        "region": "76", "profession": "generaliste", "name": "x"},
        content_type="application/json")
    assert anonymous.status_code == 401
    client.force_login(make_user(email="habitant@example.org"))
    refused = client.post("/api/planning/scenarios", {
        "region": "76", "profession": "generaliste", "name": "x"},
        content_type="application/json")
    assert refused.status_code == 403
