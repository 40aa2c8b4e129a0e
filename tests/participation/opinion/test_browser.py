"""Playwright journey on a phone: vote on five statements, add one, see the map with groups."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.participation.test_browser import PHONE, logged_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_votes_proposes_and_sees_the_map(live_server, people, browser):
    from django.utils import timezone

    from maillage.participation.models import Phase, PhaseType, Process, StatementVote
    from maillage.participation.services import opinion

    now = timezone.now()
    process = Process.objects.create(
        title="Accès aux soins à Mende", territory_level="departement", territory_code="48",
        territory_name="Lozère", organiser_name="CPTS", is_published=True)
    phase = Phase.objects.create(process=process, type=PhaseType.DIAGNOSTIC,
                                 starts_at=now - timedelta(days=1),
                                 ends_at=now + timedelta(days=10))
    conversation = opinion.conversation_create(
        actor=people["organiser"], process=process, phase=phase,
        title="Comment améliorer l'accès aux soins à Mende ?",
        statements=[f"Affirmation numéro {i}" for i in range(8)])
    statements = list(conversation.statements.order_by("pk"))
    StatementVote.objects.bulk_create([
        StatementVote(conversation=conversation, statement=s, participant=f"p{p}",
                      value=(1 if p < 10 else -1) if i else 1)
        for p in range(20) for i, s in enumerate(statements)])

    context = logged_in_context(browser, live_server, people["resident"], viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + conversation.get_absolute_url())
    for turn in range(5):
        page.get_by_role("button", name="Pas d'accord" if turn % 2 else "D'accord",
                         exact=True).click()
        page.wait_for_load_state()
    assert StatementVote.objects.filter(participant=f"u{people['resident'].pk}").count() == 5
    page.get_by_label("Votre affirmation").fill("Un cabinet médical éphémère l'été.")
    page.get_by_role("button", name="Proposer").click()
    page.wait_for_load_state()
    assert "relue par un modérateur" in page.content()
    page.get_by_role("link", name="Voir la carte d'opinion").click()
    page.wait_for_url("**/carte/")
    assert page.locator("svg[role=img]").count() == 1
    assert page.get_by_role("heading", name="Les groupes", exact=True).is_visible()
    assert page.locator("h3", has_text="Groupe A").count() == 1
    context.close()
