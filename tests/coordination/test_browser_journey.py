"""A coordinator enrols a demo patient from a template and sees a rupture after the clock moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logged_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value,
                               "url": live_server.url}])


def test_a_coordinator_enrols_a_patient_and_sees_a_rupture_alert(live_server, network,
                                                                 templates, page):
    from maillage.coordination import services
    from maillage.coordination.models import Pathway

    logged_in(page, live_server, network["coordinator"])
    page.goto(f"{live_server.url}/cooperation/reseaux/{network['cpts'].pk}/")
    page.get_by_role("link", name="Inscrire un patient").click()
    page.locator("#id_family_name").fill("Démo")
    page.locator("#id_given_name").fill("Denise")
    page.locator("#id_commune_code").fill("48095")
    page.locator("#id_template").select_option(label="Insuffisance cardiaque")
    start = timezone.localdate()
    page.locator("#id_start_date").fill(start.isoformat())
    # DSFR draws radios and checkboxes on their labels: a person clicks the label.
    page.locator("label[for=id_consent_method_0]").click()
    page.locator("label[for=id_consent_confirmed]").click()
    page.get_by_role("button", name="Inscrire").click()
    page.wait_for_url("**/cooperation/parcours/**")
    assert "Denise Démo" in page.locator("h1").inner_text()

    page.get_by_role("button", name="Créer le plan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Consultation de suivi du médecin traitant").count() >= 1

    # Move the clock: six weeks later nothing was done.
    pathway = Pathway.objects.get()
    services.alerts_detect(today=start + timedelta(days=45))
    page.reload()
    alerts = page.locator("text=activité en retard")
    assert alerts.count() >= 1
    assert page.get_by_text("équipe sans médecin traitant").count() == 1
    assert pathway.alerts.filter(status="open").exists()
