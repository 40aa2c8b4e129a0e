"""Playwright journey: find an initiative near a commune, post a testimony with a photo, see it
after moderation."""

from __future__ import annotations

import pytest

from tests.browser_session import logged_in_context
from tests.initiatives.conftest import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_near_a_commune_testify_and_see_it_after_moderation(
        live_server, browser, people, make_initiative):
    from maillage.initiatives.models import Testimony

    initiative = make_initiative()
    make_initiative(title="Bus santé de la vallée", kind="unite_mobile", theme="prevention",
                    commune="48017", run_by="CPAM")

    # A resident of Saint-Affrique lacks solidarity transport: who has solved it before?
    context = logged_in_context(browser, live_server, people["other"],
                                viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/initiatives/")
    page.get_by_role("link", name="Qui a déjà résolu ce problème ?").first.click()
    page.get_by_label("Votre commune").fill("Saint-Affrique")
    page.get_by_label("Ce qui manque chez vous").select_option("transport_solidaire")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_load_state()
    results = page.locator("#resultats + ol, #resultats ~ ol").first.inner_text()
    assert "Transport solidaire du Gévaudan" in results
    assert "contact@gevaudan-mobilite.example" in results
    assert "Bus santé" not in results
    page.get_by_role("link", name="Transport solidaire du Gévaudan").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Transport solidaire du Gévaudan").count()

    # A first try with an empty text is refused beside the field; nothing is stored.
    page.get_by_role("button", name="Envoyer mon témoignage").click()
    page.wait_for_load_state()
    assert "Ce champ est obligatoire" in page.content()
    assert not Testimony.objects.exists()

    # She testifies with her name and a photo (its metadata stripped on the server).
    page.get_by_role("textbox", name="Votre témoignage").fill(
        "Grâce aux bénévoles, ma mère va à ses rendez-vous à Mende.")
    # DSFR draws the box on the label, which takes the click as a person's would.
    page.locator("label[for=id_show_name]").click()
    assert page.get_by_label("Afficher mon nom").is_checked()
    page.set_input_files("input[type=file]", files=[
        {"name": "trajet.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(exif=True)}])
    page.get_by_label("Description de la photo").fill("La voiture d'un bénévole")
    page.get_by_role("button", name="Envoyer mon témoignage").click()
    page.wait_for_load_state()
    assert "sera publié après modération" in page.content()
    assert "en attente de modération" in page.content()
    testimony = Testimony.objects.get()
    assert testimony.status == "pending" and testimony.photo

    # Nobody else sees it yet.
    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.goto(live_server.url + initiative.get_absolute_url())
    assert "ma mère va à ses" not in visitor.content()

    # A moderator of the Lozère publishes it.
    moderator = logged_in_context(browser, live_server, people["moderator"]).new_page()
    moderator.goto(live_server.url + "/initiatives/moderation/")
    card = moderator.locator(f"#temoignage-{testimony.pk}")
    assert "Paul" in card.inner_text()
    card.get_by_role("button", name="Publier").click()
    moderator.wait_for_load_state()
    assert "Décision enregistrée." in moderator.content()

    # Now everyone reads it, with her name and the photo's description as its text.
    visitor.goto(live_server.url + initiative.get_absolute_url())
    article = visitor.locator(f"#temoignage-{testimony.pk}")
    assert "ma mère va à ses rendez-vous" in article.inner_text()
    assert "Paul" in article.inner_text()
    image = article.get_by_role("img", name="La voiture d'un bénévole")
    assert image.count() == 1
    assert visitor.evaluate(
        "src => fetch(src).then(r => r.status)", image.get_attribute("src")) == 200
    context.close()
    visitor.context.close()
    moderator.context.close()
