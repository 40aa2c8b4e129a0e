"""The demo initiatives load, twice in a row, on the demo territory (mini mirror: Lozère and
Saint-Affrique only, so the initiatives of other communes are skipped and said)."""

from __future__ import annotations

import pytest

from maillage.initiatives import models
from maillage.initiatives.models import Initiative, InitiativeFollow, Reaction
from maillage.participation.models import Notification

pytestmark = pytest.mark.django_db


def test_the_demo_loads_and_reloads_without_duplicates(geography, client):
    from maillage.core.demo import demo_accounts_ensure
    from maillage.initiatives.demo import demo_load

    demo_accounts_ensure("demo-password-123")
    said: list[str] = []
    first = demo_load(said.append)
    notifications = Notification.objects.count()
    second = demo_load(said.append)

    # Mende, Badaroux, Mont Lozère et Goulet, Saint-Affrique are in the mini mirror.
    assert sorted(i.commune_id for i in second) == ["12208", "48017", "48095", "48099"]
    assert Initiative.objects.count() == 4 and all(i.is_demo for i in Initiative.objects.all())
    assert not Initiative.objects.filter(pk__in=[i.pk for i in first]).exists()
    # MSP 2 + bus 1 + transport 2 (one waiting) + CPTS 1.
    assert models.Testimony.objects.filter(status="published").count() == 5
    assert models.Testimony.objects.filter(status="pending").count() == 1
    assert Reaction.objects.count() == 5 and InitiativeFollow.objects.count() == 2
    assert Notification.objects.count() == notifications
    msp = Initiative.objects.get(kind="msp")
    assert msp.owners.get().email == "medecin@demo.maillage.fr"
    assert msp.results.count() == 3
    assert msp.results.first().label.startswith("Patients ayant déclaré")
    assert "4 initiatives de démonstration" in said[-2]
    assert "Équipe mobile santé mentale des jeunes (démo)" in said[-1]

    page = client.get(msp.get_absolute_url()).content.decode()
    assert "Exemple fictif de démonstration" in page
    exported = client.get("/initiatives/export.json").json()
    assert {r["exemple_fictif"] for r in exported["initiatives"]} == {True}


def test_without_the_demo_accounts_nothing_is_loaded(geography):
    from maillage.initiatives.demo import demo_load

    said: list[str] = []
    assert demo_load(said.append) == []
    assert not Initiative.objects.exists()
    assert "comptes de démonstration absents" in said[0]


def test_the_other_apps_demo_content_comes_in_once(geography):
    from django.core.management import call_command

    from maillage.core.demo import demo_accounts_ensure
    from maillage.initiatives.demo import demo_load

    demo_accounts_ensure("demo-password-123")
    call_command("coordination", "demo", verbosity=0)
    said: list[str] = []
    demo_load(said.append)
    demo_load(said.append)
    linked = Initiative.objects.get(source_app="coordination")
    # The demo CPTS has no commune of its own: it sits with its members in Mende.
    assert (linked.title, linked.kind, linked.commune_id) == ("CPTS Cœur de Lozère",
                                                              "cooperation", "48095")
    assert not linked.is_demo and Initiative.objects.filter(is_demo=True).count() == 4
    assert "1 reprises des autres applications (0 nouvelles" in said[-2]
