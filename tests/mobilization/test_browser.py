"""Playwright journey: sign a petition on a phone, see the counter move, get the answer."""

from __future__ import annotations

import pytest

from tests.browser_session import logged_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


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


def test_mobilization_pages_have_no_serious_accessibility_violation(
        live_server, people, make_petition, page):
    """axe-core (WCAG 2.1 A/AA) on the petition, forum, debate, campaign and dossier pages."""
    from pathlib import Path

    from django.urls import reverse

    from maillage.mobilization import services

    axe = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail("axe-core missing: run `npm install` (make test does)")
    petition = make_petition(threshold=1)
    services.petition_sign(actor=people["neighbour"], petition=petition, show_publicly=True)
    debate = services.thread_create(
        actor=people["resident"], territory_level="departement", territory_code="48",
        topic="transport", kind="debate", title="Un bus santé ?", body="Pour ou contre.")
    services.post_create(actor=people["neighbour"], thread=debate, body="Oui", side="for")
    campaign = services.campaign_create(
        actor=people["coordinator"], region="76", title="Dépistage", theme="depistage",
        body="Venez.", organiser_name="CPTS")
    paths = [reverse("mobilization:index"), petition.get_absolute_url(),
             reverse("mobilization:threads"), debate.get_absolute_url(),
             campaign.get_absolute_url(),
             reverse("mobilization:unsubscribe", args=["jeton"]),
             reverse("mobilization:dossier") + "?niveau=departement&code=48"]
    problems = []
    for path in paths:
        page.goto(live_server.url + path)
        page.add_script_tag(content=axe.read_text())
        result = page.evaluate("""async () => await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        problems += [f"{path}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes'][:3]]}"
                     for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    assert not problems, "\n".join(problems)
