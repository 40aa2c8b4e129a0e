"""Choosing English shows the interface in English; without a choice it stays French."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("geography")]


@pytest.fixture
def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_home_page_in_english(english):
    response = english.get("/")
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    for text in ("Measure access", "Areas and municipalities", "Healthcare access dashboard",
                 "Access to healthcare, together, in every area", "Browse areas",
                 "Find a municipality by name or postcode", "4 municipalities loaded",
                 "Français"):
        assert text in page, text
    for text in ("Mesurer l", "Territoires et communes", "Parcourir les territoires",
                 "communes chargées", "bientôt", "Se connecter"):
        assert text not in page, text


def test_territories_page_in_english(english):
    page = english.get("/territoires/").content.decode()
    assert "<h1>Areas</h1>" in page
    assert "4 municipalities" in page
    assert "Measure access" in page
    assert "<h1>Territoires</h1>" not in page
    assert "4 communes" not in page


def test_access_dashboard_in_english(english):
    page = english.get("/acces/").content.decode()
    for text in ("Healthcare access in municipalities", "Region", "Profession", "Show",
                 "No calculation has been run yet for this region and profession."):
        assert text in page, text
    for text in ("Accès aux soins dans les communes", "Afficher",
                 "Aucun calcul n&#x27;a encore été fait", "Aucun calcul n'a encore été fait"):
        assert text not in page, text


def test_without_the_cookie_the_interface_stays_french(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fr"
    page = response.content.decode()
    assert "Parcourir les territoires" in page
    assert "Mesurer l" in page
    assert "Measure access" not in page
    assert "Browse areas" not in page
