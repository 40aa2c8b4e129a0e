"""A NUL or control character in a code or a query is a 404 or an empty answer, never a 500.

PostgreSQL refuses NUL in a query's text, so it must never reach the database.
"""

import pytest

from maillage.territories import selectors
from maillage.territories.text import normalise_name

pytestmark = pytest.mark.usefixtures("geography")


@pytest.mark.parametrize("url", [
    "/api/territories/communes/48%00",
    "/api/territories/departements/4%008",
    "/api/territories/departements/%00/communes",
    "/api/territories/departements/%00/communes.geojson",
    "/api/territories/regions/7%006",
    "/api/territories/regions/%00/departements",
])
def test_a_code_with_a_nul_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("url", [
    "/territoires/communes/48%00/", "/territoires/departements/4%008/",
    "/territoires/regions/7%006/",
])
def test_a_page_with_a_nul_in_its_code_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_a_search_made_only_of_control_characters_finds_nothing(client):
    assert client.get("/api/territories/communes/search", {"q": "\x00\x01"}).json() == []
    assert client.get("/api/territories/communes/search",
                      {"q": "saint", "region": "7\x00"}).json() == []
    assert client.get("/territoires/recherche/", {"q": "\x00"}).status_code == 200


def test_control_characters_are_dropped_from_a_search(client):
    found = client.get("/api/territories/communes/search", {"q": "men\x00de"}).json()
    assert [c["code"] for c in found] == ["48095"]


def test_the_search_form_of_a_name_has_no_control_character():
    assert normalise_name("Men\x00de\t") == "mende"
    assert selectors.commune_search("\x00") == []
