"""Initiatives created elsewhere appear here once, are refreshed, and archived when gone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from maillage.initiatives import selectors, services
from maillage.initiatives.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(people):
    from maillage.accounts.models import Organisation, RoleAssignment
    from maillage.participation.models import Action, ActionStatus, Process
    from maillage.territories.models import Commune
    from maillage.transport.models import TransportSettings

    mende = Commune.objects.get(pk="48095")
    association = Organisation.objects.create(name="Lozère Solidarité Transport",
                                              kind="association", commune=mende)
    settings = TransportSettings.objects.create(association=association)
    settings.served_communes.add(mende, Commune.objects.get(pk="48017"))
    RoleAssignment.objects.create(user=people["owner"], role="coordinator",
                                  organisation=association)
    cpts = Organisation.objects.create(name="CPTS Cœur de Lozère", kind="cpts", commune=mende)
    process = Process.objects.create(title="Santé à Mende", territory_level="commune",
                                     territory_code="48095", territory_name="Mende",
                                     organiser_name="Mairie", is_published=True)
    done = Action.objects.create(process=process, title="Permanence de téléconsultation",
                                 responsible_body="Mairie de Mende",
                                 status=ActionStatus.DONE, progress=100)
    Action.objects.create(process=process, title="Pas finie", responsible_body="Mairie",
                          status=ActionStatus.IN_PROGRESS)
    return SimpleNamespace(association=association, cpts=cpts, action=done)


def _linked(app: str) -> Initiative:
    return Initiative.objects.get(source_app=app)


def test_objects_of_other_apps_become_initiatives_once(people, sources):
    first = services.initiatives_sync(region="76", sources=["transport", "coordination",
                                                            "participation"])
    assert first.created == 3
    again = services.initiatives_sync(region="76", sources=["transport", "coordination",
                                                            "participation"])
    assert (again.created, again.updated) == (0, 0)
    transport = _linked("transport")
    assert transport.kind == "transport_solidaire"
    assert transport.source_id == str(sources.association.pk)
    assert transport.owners.get() == people["owner"]
    assert _linked("coordination").kind == "cooperation"
    action = _linked("participation")
    assert action.title == "Permanence de téléconsultation"
    assert action.run_by == "Mairie de Mende"
    assert len(selectors.initiative_list(viewer=people["anonymous"])) == 3


def test_a_refresh_takes_the_source_fields_and_keeps_the_owners_own(people, sources):
    services.initiatives_sync(sources=["transport"])
    transport = _linked("transport")
    services.initiative_update(actor=people["owner"], initiative=transport,
                               lessons="Former les bénévoles.")
    sources.association.name = "Lozère Mobilité Solidaire"
    sources.association.save()
    summary = services.initiatives_sync(sources=["transport"])
    assert summary.updated == 1
    transport.refresh_from_db()
    assert transport.title == "Lozère Mobilité Solidaire"
    assert transport.lessons == "Former les bénévoles."


def test_owners_cannot_change_what_the_source_owns(people, sources):
    from django.core.exceptions import ValidationError

    services.initiatives_sync(sources=["transport"])
    with pytest.raises(ValidationError) as caught:
        services.initiative_update(actor=people["owner"], initiative=_linked("transport"),
                                   title="Autre nom")
    assert "title" in caught.value.message_dict


def test_a_source_that_no_longer_qualifies_is_archived_then_back(people, sources):
    from maillage.participation.models import ActionStatus

    services.initiatives_sync(sources=["participation"])
    sources.action.status = ActionStatus.SUSPENDED
    sources.action.save()
    assert services.initiatives_sync(sources=["participation"]).archived == 1
    assert selectors.initiative_list(viewer=people["anonymous"]) == []
    sources.action.status = ActionStatus.DONE
    sources.action.save()
    services.initiatives_sync(sources=["participation"])
    assert selectors.initiative_list(viewer=people["anonymous"]) == [_linked("participation")]
    assert Initiative.objects.count() == 1


def test_lab_projects_in_pilot_come_through_the_labs_selector(people, monkeypatch):
    from datetime import UTC, datetime

    from maillage.labs import selectors as labs_selectors
    from maillage.territories.models import Commune

    project = SimpleNamespace(pk=7, title="Cabine de téléconsultation itinérante",
                              summary="Un essai en Lozère.",
                              pilot_commune=Commune.objects.get(pk="48095"),
                              lab=SimpleNamespace(name="Lab santé Lozère"),
                              created_at=datetime(2025, 3, 1, tzinfo=UTC),
                              created_by_id=people["owner"].pk)
    asked = {}

    class Projects:
        def filter(self, **kwargs):
            asked.update(kwargs)
            return [project]

    monkeypatch.setattr(labs_selectors, "project_list", lambda **kw: Projects())
    summary = services.initiatives_sync(sources=["labs"])
    assert summary.created == 1
    assert set(asked["stage__in"]) == {"pilot", "evaluation", "deployment"}
    linked = _linked("labs")
    assert (linked.kind, linked.source_id, linked.run_by) == ("projet_labo", "7",
                                                             "Lab santé Lozère")


def test_labs_without_a_project_selector_are_skipped(people, monkeypatch):
    from maillage.labs import selectors as labs_selectors

    monkeypatch.delattr(labs_selectors, "project_list")
    assert services.initiatives_sync(sources=["labs"]).skipped == ["labs"]


def test_msp_and_health_centres_come_from_healthcare(people):
    from maillage.healthcare.models import Facility, SupplySource

    source = SupplySource.objects.create(**_source_fields(SupplySource))
    Facility.objects.create(finess="480000017", name="MSP de Mende", category_code="603",
                            kind="msp", commune_id="48095", source=source)
    Facility.objects.create(finess="480000025", name="Pharmacie", category_code="620",
                            kind="pharmacie", commune_id="48095", source=source)
    summary = services.initiatives_sync(region="76", sources=["healthcare"])
    assert summary.created == 1
    assert _linked("healthcare").kind == "msp"


def _source_fields(model) -> dict:
    """Required fields of a supply source, filled with plain values."""
    from django.db import models

    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.has_default() or f.null or f.blank or getattr(
                f, "auto_now_add", False) or getattr(f, "auto_now", False):
            continue
        if f.choices:
            values[f.name] = f.choices[0][0]
        elif isinstance(f, models.IntegerField | models.FloatField):
            values[f.name] = 2024
        else:
            values[f.name] = "test"
    return values


def test_the_command_prints_a_summary(people, sources):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("initiatives_sync", "--region", "76", stdout=out)
    assert "créées" in out.getvalue()
    assert Initiative.objects.filter(source_app="transport").count() == 1


def test_a_cpts_without_a_commune_is_placed_where_its_network_is(people):
    from maillage.accounts.models import Organisation
    from maillage.coordination.models import NetworkMembership

    cpts = Organisation.objects.create(name="CPTS du Causse", kind="cpts")
    alone = Organisation.objects.create(name="CPTS sans réseau", kind="cpts")
    # Members by name: "Cabinet…" (no commune) comes first, then "MSP…" in Saint-Affrique.
    for name, commune in (("MSP du Causse", "12208"), ("Cabinet infirmier", None)):
        member = Organisation.objects.create(name=name, kind="msp", commune_id=commune)
        NetworkMembership.objects.create(cooperation=cpts, member=member)
    summary = services.initiatives_sync(sources=["coordination"])
    assert summary.created == 1
    linked = Initiative.objects.get(source_app="coordination")
    assert (linked.source_id, linked.commune_id) == (str(cpts.pk), "12208")
    assert not Initiative.objects.filter(source_id=str(alone.pk)).exists()
    again = services.initiatives_sync(region="76", sources=["coordination"])
    assert (again.created, again.updated, again.archived) == (0, 0, 0)
