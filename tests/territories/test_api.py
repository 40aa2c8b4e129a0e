"""The territory endpoints, and JSON errors for malformed requests."""

import pytest

pytestmark = pytest.mark.usefixtures("geography")


def test_it_lists_loaded_regions_and_their_departements(client):
    assert client.get("/api/territories/regions").json() == [{"code": "76", "name": "Occitanie"}]
    departements = client.get("/api/territories/regions/76/departements").json()
    assert [d["code"] for d in departements] == ["12", "48"]


def test_a_commune_has_its_codes_population_and_centre(client):
    body = client.get("/api/territories/communes/48095").json()
    assert body["name"] == "Mende"
    assert body["postal_codes"] == ["48000"]
    assert body["population"] == 12464
    assert body["epci"] == "244800405"
    assert (body["latitude"], body["longitude"]) == (44.5, 3.5)


def test_search_and_point_look_ups(client):
    found = client.get("/api/territories/communes/search", {"q": "st affrique"}).json()
    assert [c["code"] for c in found] == ["12208"]
    at = client.get("/api/territories/communes/at", {"lat": 44.5, "lon": 3.5}).json()
    assert at["code"] == "48095"


def test_geojson_of_a_departement(client):
    body = client.get("/api/territories/departements/48/communes.geojson").json()
    assert body["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in body["features"]} == {"48095", "48017", "48099"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/territories/communes/99999", 404),
        ("/api/territories/regions/xx", 404),
        ("/api/territories/communes/search", 422),
        ("/api/territories/communes/search?q=", 422),
        ("/api/territories/communes/search?q=a&limit=0", 422),
        ("/api/territories/communes/search?q=a&limit=abc", 422),
        ("/api/territories/communes/at?lat=abc&lon=3", 422),
        ("/api/territories/communes/at?lat=95&lon=3", 422),
        ("/api/territories/communes/at?lat=48.85&lon=2.35", 404),
    ],
)
def test_malformed_requests_get_a_json_4xx_with_a_message(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_the_openapi_schema_describes_the_territory_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/territories/communes/{code}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200
