"""Best-site optimisation through the pages and the API; mobile units and transport by API."""

from __future__ import annotations

import json

import pytest

from maillage.planning.models import Scenario, SitingRun

pytestmark = pytest.mark.django_db


def test_an_analyst_asks_where_to_open_a_centre_and_turns_it_into_a_scenario(client, base_run,
                                                                             analyst):
    client.force_login(analyst)
    assert client.get("/planification/implantations/").status_code == 200
    bad = client.post("/planification/implantations/", {
        "region": "76", "profession": "generaliste", "k": "1", "objective": "lifted",
        "site_fte": "1", "max_minutes": "15", "candidate_codes": "99999"})
    assert bad.status_code == 400 and "99999" in bad.content.decode()
    response = client.post("/planification/implantations/", {
        "region": "76", "profession": "generaliste", "k": "1", "objective": "lifted",
        "site_fte": "1", "max_minutes": "15", "candidate_codes": "48099, 48017"})
    run = SitingRun.objects.get()
    assert response.status_code == 302 and response.url == f"/planification/implantations/{run.pk}/"
    page = client.get(response.url).content.decode()
    assert 'id="siting-result"' in page and "Mont Lozère et Goulet" in page
    assert "optimum prouvé" in page
    layer = client.get(f"/planification/implantations/{run.pk}/carte.geojson").json()
    assert [f["properties"]["code"] for f in layer["features"]] == ["48099"]
    made = client.post(f"/planification/implantations/{run.pk}/scenario/")
    scenario = Scenario.objects.get()
    assert made.status_code == 302 and made.url == f"/planification/scenarios/{scenario.pk}/"
    assert scenario.state == Scenario.State.COMPUTED
    assert "Voir le scénario créé" in client.get(response.url).content.decode()


def test_a_siting_run_is_for_the_analysts_of_its_region(client, base_run, analyst, make_user):
    client.force_login(analyst)
    client.post("/planification/implantations/", {
        "region": "76", "profession": "generaliste", "k": "1", "objective": "lifted",
        "site_fte": "1", "max_minutes": "15"})
    run = SitingRun.objects.get()
    client.force_login(make_user(email="habitant@example.org"))
    assert client.get(f"/planification/implantations/{run.pk}/").status_code == 403
    assert client.get(f"/api/planning/siting-runs/{run.pk}").status_code == 403
    assert client.post(f"/planification/implantations/{run.pk}/scenario/").status_code == 403


def test_the_api_starts_a_run_reads_it_and_makes_the_scenario(client, base_run, analyst):
    client.force_login(analyst)
    started = client.post("/api/planning/siting-runs", json.dumps({
        "region": "76", "profession": "generaliste", "k": 1, "site_fte": 1,
        "objective": "covering", "max_minutes": 15, "candidate_codes": ["48099", "48095"]}),
        content_type="application/json")
    assert started.status_code == 202, started.content
    body = started.json()
    run = client.get(f"/api/planning/siting-runs/{body['id']}").json()
    assert run["state"] == "succeeded" and run["result"]["objective"] == 1300
    assert run["progress"]
    made = client.post(f"/api/planning/siting-runs/{body['id']}/scenario")
    assert made.status_code == 201 and made.json()["state"] == "computed"
    refused = client.post("/api/planning/siting-runs", json.dumps({
        "region": "76", "profession": "generaliste", "k": 3, "candidate_codes": ["48099"]}),
        content_type="application/json")
    assert refused.status_code == 400 and "k" in refused.json()["errors"]


def test_the_api_adds_a_mobile_unit_and_a_transport_offer(client, base_run, analyst):
    client.force_login(analyst)
    scenario = client.post("/api/planning/scenarios", json.dumps({
        "region": "76", "profession": "generaliste", "name": "Tournée"}),
        content_type="application/json").json()
    url = f"/api/planning/scenarios/{scenario['id']}/changes"
    overlap = client.post(url, json.dumps({"kind": "mobile_unit", "schedule": [
        {"stop": "48099", "day": 0, "start": 9, "end": 12},
        {"stop": "48017", "day": 0, "start": 11, "end": 13}]}), content_type="application/json")
    assert overlap.status_code == 400 and "chevauche" in overlap.json()["errors"]["schedule"][0]
    unit = client.post(url, json.dumps({"kind": "mobile_unit", "schedule": [
        {"stop": "48099", "day": 0, "start": 9, "end": 16}]}), content_type="application/json")
    assert unit.status_code == 201, unit.content
    offer = client.post(url, json.dumps({"kind": "transport_offer", "commune": "48095",
                                         "origins": ["48017"], "minutes_saved": 5}),
                        content_type="application/json")
    assert offer.status_code == 201, offer.content
    changes = offer.json()["changes"]
    assert changes[0]["schedule"][0]["stop"] == "48099" and changes[1]["origins"] == ["48017"]
    computed = client.post(f"/api/planning/scenarios/{scenario['id']}/compute")
    assert computed.status_code == 200 and computed.json()["summary"]["full_recomputation"]


def test_the_scenario_page_takes_a_schedule_typed_by_hand(client, base_run, analyst):
    client.force_login(analyst)
    client.post("/planification/nouveau/", {
        "region": "76", "profession": "generaliste", "name": "Tournée"})
    scenario = Scenario.objects.get()
    bad = client.post(f"/planification/scenarios/{scenario.pk}/changements/", {
        "kind": "mobile_unit", "fte": "1", "schedule": "48099 lundi 9h-12h\n48017 lundi 10h-11h"})
    assert bad.status_code == 400 and "chevauche" in bad.content.decode()
    ok = client.post(f"/planification/scenarios/{scenario.pk}/changements/", {
        "kind": "mobile_unit", "fte": "1", "schedule": "48099 lundi 9h-12h\n48017 mardi 9h-12h"})
    assert ok.status_code == 302
    page = client.get(f"/planification/scenarios/{scenario.pk}/").content.decode()
    assert "48099, 48017" in page
