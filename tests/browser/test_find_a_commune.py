"""A resident opens Maillage, searches their commune and opens its page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_a_commune_from_the_home_page_and_open_it(live_server, geography, page):
    page.goto(live_server.url + "/")
    assert "Maillage" in page.title()

    page.get_by_label("Trouver une commune par son nom ou son code postal").fill("st affrique")
    page.locator("#home-search-results a", has_text="Saint-Affrique").click()

    page.wait_for_url("**/territoires/communes/12208/")
    assert page.locator("h1").inner_text() == "Saint-Affrique"
    assert page.locator("#commune-code").inner_text() == "12208"
    # The map drew the commune's boundary from our own GeoJSON.
    page.wait_for_selector(".maillage-map path.leaflet-interactive")


def test_a_postal_code_lists_its_communes_on_a_phone(live_server, geography, browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/territoires/recherche/?q=48000")
    results = page.locator("#search-results li")
    assert results.count() == 2
    results.filter(has_text="Badaroux").get_by_role("link").click()
    page.wait_for_url("**/territoires/communes/48017/")
    context.close()


def test_clicking_a_commune_on_the_departement_map_leads_to_its_page(live_server, geography,
                                                                     page):
    page.goto(live_server.url + "/territoires/departements/48/")
    shapes = page.locator(".maillage-map path.leaflet-interactive")
    shapes.first.wait_for()
    assert shapes.count() == 3
    shapes.first.click()
    popup_link = page.locator(".leaflet-popup-content a")
    popup_link.click()
    page.wait_for_url("**/territoires/communes/*/")
    assert page.locator("#commune-code").inner_text().startswith("48")
