"""Playwright journey: sign a petition on a phone, see the counter move, get the answer."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def logged_in_context(browser, live_server, user, **options):
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fr-FR", **options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    return context


def test_sign_see_the_counter_move_and_receive_the_official_answer(
        live_server, people, make_petition, browser):
    from django.urls import reverse

    from maillage.mobilization import services

    petition = make_petition(threshold=1)
    context = logged_in_context(browser, live_server, people["neighbour"], viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + petition.get_absolute_url())
    assert page.locator("#compteur").inner_text().startswith("0 signature")
    page.locator("label[for=show_publicly]").click()
    page.get_by_role("button", name="Signer la pétition").click()
    page.wait_for_load_state()
    assert page.locator("#compteur").inner_text() == "1 signature"
    assert "Vous avez signé" in page.content()
    assert "seuil est atteint" in page.content()

    services.petition_answer(actor=people["elu"], petition=petition,
                             answer="Deux postes seront ouverts en janvier.")
    page.goto(live_server.url + reverse("participation:notifications"))
    assert "Réponse officielle à la pétition" in page.content()
    page.goto(live_server.url + petition.get_absolute_url())
    assert "Deux postes seront ouverts en janvier." in page.locator(
        "#reponse-officielle").inner_text()
    context.close()
