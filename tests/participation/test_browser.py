"""Playwright journeys: a resident files a signalement on a phone; answers a consultation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser_session import logged_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_resident_files_a_signalement_from_a_phone(live_server, people, browser):
    from maillage.participation.models import Signalement

    context = logged_in_context(browser, live_server, people["neighbour"], viewport=PHONE,
                                geolocation={"latitude": 44.5, "longitude": 3.6},
                                permissions=["geolocation"])
    page = context.new_page()
    page.goto(live_server.url + "/participation/signalements/nouveau/")
    page.get_by_role("button", name="Me localiser").click()
    commune = page.get_by_label("Commune concernée")
    page.wait_for_function("document.getElementById('id_commune').value.includes('48017')")
    assert commune.input_value() == "Badaroux (48017)"
    # DSFR draws its own radios and checkboxes: a person taps the label.
    page.get_by_text("Pas de moyen de transport", exact=True).click()
    page.get_by_label("Décrivez la situation (facultatif)").fill("Plus de bus le jeudi.")
    page.locator("label[for=id_anonymous]").click()
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url("**/participation/signalements/*/")
    assert page.locator("h1").inner_text() == "Pas de moyen de transport"
    created = Signalement.objects.get()
    assert (created.commune_id, created.anonymous) == ("48017", True)
    context.close()


def test_a_resident_answers_a_consultation_and_sees_the_results(live_server, people,
                                                                 browser):
    from django.utils import timezone

    from maillage.participation import services
    from maillage.participation.models import Phase, PhaseType, Process

    now = timezone.now()
    process = Process.objects.create(
        title="Vos besoins", territory_level="departement", territory_code="48",
        territory_name="Lozère", organiser_name="CPTS", is_published=True)
    phase = Phase.objects.create(process=process, type=PhaseType.DIAGNOSTIC,
                                 starts_at=now - timedelta(days=1),
                                 ends_at=now + timedelta(days=10))
    survey = services.consultation_create(
        actor=people["organiser"], process=process, phase=phase, title="Vos difficultés",
        questions=[services.QuestionSpec("single", "Avez-vous un médecin traitant ?",
                                         choices=["Oui", "Non"]),
                   services.QuestionSpec("scale", "Satisfaction", scale_min=1, scale_max=5)])
    context = logged_in_context(browser, live_server, people["resident"], viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + survey.get_absolute_url())
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.locator(".fr-message--error").count() == 2  # both questions are required
    page.locator("fieldset", has_text="médecin traitant").get_by_text("Non", exact=True).click()
    page.locator("fieldset", has_text="Satisfaction").get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url("**/resultats/")
    assert "1 réponse" in page.locator(".fr-text--lead").inner_text()
    assert page.locator("figure svg").count() == 2
    assert "Non" in page.locator("table").first.inner_text()
    context.close()
