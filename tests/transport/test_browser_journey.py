"""A beneficiary requests a ride, a coordinator plans the day, a driver accepts and completes it,
the receipt shows the contribution — in Chromium, on a phone-sized screen."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser):
    """The shared Chromium of tests/conftest.py (one sync Playwright session per run)."""
    return browser


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the page."""
    if not AXE.exists():
        pytest.fail("axe-core missing: run `npm install`")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    serious = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
               for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    assert not serious, page.url + "\n" + "\n".join(serious)


def _page_as(chromium, live_server, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    return context.new_page()


def test_request_plan_drive_and_receipt(chromium, live_server, member, coordinator,
                                        association, driver, facility, day):
    from maillage.transport.models import RideRequest

    page = _page_as(chromium, live_server, member.user)
    page.goto(live_server.url + "/transport-solidaire/")
    page.get_by_role("link", name="Demander un transport").click()
    assert_accessible(page)
    page.get_by_label("Date du rendez-vous").fill(day.isoformat())
    page.get_by_label("Heure du rendez-vous").fill("10:30")
    page.get_by_label("Établissement de santé").select_option(label=str(facility))
    page.locator("label[for=id_return_trip]").click()  # DSFR draws the box on the label
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/transports/*/")
    assert "demandé" in page.content()
    ride = RideRequest.objects.get()

    page = _page_as(chromium, live_server, coordinator)
    page.goto(f"{live_server.url}/transport-solidaire/associations/{association.pk}/")
    page.get_by_label("Jour à planifier").fill(day.isoformat())
    page.get_by_role("button", name="Lancer l'optimisation").click()
    page.wait_for_url("**/plannings/*/")
    assert_accessible(page)
    page.get_by_role("button", name="Publier le planning").click()
    page.wait_for_selector("text=Planning publié")

    page = _page_as(chromium, live_server, driver.user)
    page.goto(f"{live_server.url}/transport-solidaire/ma-tournee/?jour={day.isoformat()}")
    assert facility.name in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Accepter").click()
    page.get_by_role("button", name="Passager pris en charge").click()
    page.get_by_label("Kilomètres parcourus").fill("20")
    page.get_by_role("button", name="Passager déposé").click()
    page.wait_for_selector("text=terminé")

    page = _page_as(chromium, live_server, member.user)
    page.goto(f"{live_server.url}/transport-solidaire/transports/{ride.pk}/")
    assert "effectué" in page.content() and "Louis" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Reçu").click()
    assert_accessible(page)
    assert "7,00 €" in page.locator("tfoot").inner_text()  # 20 km × 0.35 €/km
