"""Playwright journey: a challenge, an idea, a team, a submission with a file, the result."""

from __future__ import annotations

import pytest

from tests.browser_session import logged_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_from_challenge_to_idea_to_team_to_submission_to_result(
        live_server, browser, people, challenge, event, settings, tmp_path):
    from maillage.labs import services
    from maillage.labs.models import Submission

    settings.MEDIA_ROOT = str(tmp_path)
    services.criterion_add(actor=people["staff"], event=event, name="Impact", weight=3)
    services.juror_add(actor=people["staff"], event=event, email="juror@example.org")

    # A resident reads the challenge and proposes an idea.
    context = logged_in_context(browser, live_server, people["resident"],
                                viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + challenge.get_absolute_url())
    assert page.get_by_role("heading", name="Ce que disent les données du territoire").count()
    page.get_by_role("link", name="Proposer une idée").click()
    page.get_by_label("Titre de l'idée").fill("Cabine de téléconsultation en mairie")
    page.get_by_label("Description").fill("Une cabine accompagnée par un·e infirmier·e.")
    page.get_by_role("button", name="Proposer l'idée").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Cabine de téléconsultation en mairie").count()

    # She forms a team around it, then hands in the team's work with a file.
    page.get_by_text("Former une équipe autour de cette idée").click()
    page.get_by_label("Nom de l'équipe").fill("Les Cabines")
    page.get_by_label("Mon rôle dans l'équipe").select_option("patient_partner")
    page.get_by_role("button", name="Créer l'équipe").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Équipe « Les Cabines »").count()
    page.get_by_role("link", name="rendre ou mettre à jour le travail de l'équipe").click()
    page.get_by_label("Description du rendu").fill("Prototype et plan avec la MSP.")
    page.get_by_label("Liens").fill("https://example.org/cabine")
    page.set_input_files("input[type=file]", files=[
        {"name": "pitch.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Rendre le travail").click()
    page.wait_for_load_state()
    assert "Le rendu est enregistré." in page.content()
    submission = Submission.objects.get()
    assert submission.files.get().name == "pitch.pdf"

    # The juror scores it: a note outside the scale is refused, then a valid one is kept.
    juror = logged_in_context(browser, live_server, people["juror"]).new_page()
    juror.goto(live_server.url + submission.get_absolute_url())
    field = juror.get_by_label("Impact (poids 3), note de 0 à 10")
    field.fill("12")
    juror.get_by_role("button", name="Enregistrer mes notes").click()
    juror.wait_for_load_state()
    assert "la note est un entier de 0 à 10" in juror.content()
    juror.get_by_label("Impact (poids 3), note de 0 à 10").fill("9")
    juror.get_by_role("button", name="Enregistrer mes notes").click()
    juror.wait_for_load_state()
    assert "Vos notes sont enregistrées." in juror.content()

    # The lab publishes the results; the team sees its rank.
    staff = logged_in_context(browser, live_server, people["staff"]).new_page()
    staff.goto(live_server.url + event.get_absolute_url())
    staff.get_by_role("button", name="Publier les résultats").click()
    staff.wait_for_load_state()
    page.goto(live_server.url + event.get_absolute_url())
    results = page.locator("#resultats + .fr-table").inner_text()
    assert "Les Cabines" in results
    assert "90,0 %" in results or "90.0 %" in results
    assert "1" in results.split("Les Cabines")[0]
    context.close()
