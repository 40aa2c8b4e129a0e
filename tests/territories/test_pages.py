"""Browsing région → département → commune, and the search page."""

import re

import pytest

pytestmark = pytest.mark.usefixtures("geography")


def test_browsing_from_region_to_commune(client):
    region = client.get("/territoires/regions/76/").content.decode()
    assert "Lozère (48)" in region
    departement = client.get("/territoires/departements/48/").content.decode()
    assert "Mende" in departement and "Badaroux" in departement
    commune = client.get("/territoires/communes/48095/").content.decode()
    assert "48095" in commune and "48000" in commune
    assert re.search(r"12\s464", commune)  # French thousands separator
    assert "Licence Ouverte" in commune


def test_the_interface_is_french_first_and_english_on_request(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fr"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/")["Content-Language"] == "en"


def test_search_redirects_to_a_single_match_and_lists_several(client):
    assert client.get("/territoires/recherche/", {"q": "saint-affrique"}).url \
        == "/territoires/communes/12208/"
    page = client.get("/territoires/recherche/", {"q": "48000"}).content.decode()
    assert "Mende" in page and "Badaroux" in page


def test_clicking_the_map_opens_the_commune_there(client):
    response = client.get("/territoires/point/", {"lat": "44.5", "lon": "3.6"})
    assert response.url == "/territoires/communes/48017/"
    assert client.get("/territoires/point/", {"lat": "nord"}).status_code == 400


def test_unknown_territories_are_404(client):
    assert client.get("/territoires/communes/99999/").status_code == 404
    assert client.get("/territoires/departements/99/").status_code == 404


def test_every_pillar_on_the_home_page_leads_to_its_pages(client):
    page = client.get("/").content.decode()
    assert 'href="/transport-solidaire/"' in page and "bientôt" not in page
