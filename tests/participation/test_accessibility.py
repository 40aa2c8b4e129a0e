"""axe-core (WCAG 2.1 A/AA rules) finds no serious or critical violation on participation's
pages, on a desktop and on a phone, for a visitor and for a resident."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def demo_urls() -> list[str]:
    from maillage.participation.models import (
        Action,
        Committee,
        Consultation,
        Meeting,
        PriorityVote,
        Process,
        Proposal,
        Question,
        Signalement,
    )

    urls = ["/participation/signalements/?region=76", "/participation/concertations/",
            "/participation/charte/", "/participation/signalements/nouveau/",
            "/participation/notifications/",
            Signalement.objects.filter(anonymous=False).first().get_absolute_url()]
    for model in (Process, Consultation, PriorityVote, Action, Committee, Meeting):
        urls += [o.get_absolute_url() for o in model.objects.order_by("pk")]
    urls.append(Proposal.objects.order_by("pk").first().get_absolute_url())
    urls += [f"/participation/questionnaires/{c.pk}/resultats/"
             for c in Consultation.objects.order_by("pk")]
    urls += [f"/participation/votes/{v.pk}/resultats/" for v in PriorityVote.objects.all()]
    question = Question.objects.filter(kind="text").first()
    urls.append(f"/participation/questionnaires/{question.consultation_id}/questions/"
                f"{question.pk}/textes/")
    return urls


def serious_violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
           })""")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in {"serious", "critical"}]


def test_participation_pages_have_no_serious_accessibility_violation(live_server, people,
                                                                    browser):
    from django.test import Client

    if not AXE.exists():
        pytest.fail("axe-core missing: run `npm install` (make test does)")
    axe_source = AXE.read_text()
    call_command("participation_demo", stdout=None)
    client = Client()
    client.force_login(people["resident"])
    found: dict[str, list[str]] = {}
    for name, viewport in (("phone", PHONE), ("desktop", {"width": 1280, "height": 900})):
        context = browser.new_context(locale="fr-FR", viewport=viewport)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        page = context.new_page()
        for url in demo_urls():
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            problems = serious_violations(page, axe_source)
            # Usable on a phone: nothing wider than the screen forces a sideways scroll.
            if viewport is PHONE:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"] + 1:
                    problems.append(f"page is {width}px wide")
            if problems:
                found[f"{name} {url}"] = problems
        context.close()
    assert not found, "\n".join(f"{url}: {p}" for url, problems in found.items()
                                for p in problems)
