"""Describing and editing initiatives: who may, and what bad input does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.initiatives import services
from maillage.initiatives.models import Initiative

pytestmark = pytest.mark.django_db


def test_a_verified_person_describes_an_initiative_and_becomes_its_owner(people,
                                                                          make_initiative):
    initiative = make_initiative(results="Trajets assurés ; 1 250 ; trajets ; 2024\n"
                                         "Bénévoles ; 38")
    assert initiative.owners.get() == people["owner"]
    figures = list(initiative.results.values_list("label", "value", "unit", "year"))
    assert figures == [("Trajets assurés", Decimal("1250.00"), "trajets", 2024),
                       ("Bénévoles", Decimal("38.00"), "", None)]


def test_an_unverified_person_cannot_describe_one(people, make_initiative):
    with pytest.raises(PermissionDenied):
        make_initiative(actor=people["unverified"])
    assert not Initiative.objects.exists()


def test_bad_input_names_every_field_and_stores_nothing(people, make_initiative):
    with pytest.raises(ValidationError) as caught:
        make_initiative(title="", kind="fusée", commune="99999",
                        results="Patients ; beaucoup\nligne sans valeur")
    errors = caught.value.message_dict
    assert set(errors) >= {"title", "kind", "commune", "results"}
    assert "Ligne 1" in errors["results"][0] and "beaucoup" in errors["results"][0]
    assert "Ligne 2" in errors["results"][1]
    assert not Initiative.objects.exists()


def test_a_start_date_in_the_future_is_refused(people, make_initiative):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as caught:
        make_initiative(started_on=timezone.localdate() + timedelta(days=3))
    assert "started_on" in caught.value.message_dict


def test_only_owners_edit(people, make_initiative):
    initiative = make_initiative()
    for intruder in ("other", "moderator", "resident"):
        with pytest.raises(PermissionDenied):
            services.initiative_update(actor=people[intruder], initiative=initiative,
                                       lessons="Nous aurions dû…")
    services.initiative_update(actor=people["owner"], initiative=initiative,
                               lessons="Recruter les bénévoles avant d'ouvrir.",
                               results="Trajets ; 12")
    initiative.refresh_from_db()
    assert initiative.lessons == "Recruter les bénévoles avant d'ouvrir."
    assert initiative.results.get().value == 12


def test_an_owner_shares_the_editing(people, make_initiative):
    initiative = make_initiative()
    with pytest.raises(ValidationError):
        services.initiative_owner_add(actor=people["owner"], initiative=initiative,
                                      email="nobody@example.org")
    with pytest.raises(PermissionDenied):
        services.initiative_owner_add(actor=people["other"], initiative=initiative,
                                      email="other@example.org")
    services.initiative_owner_add(actor=people["owner"], initiative=initiative,
                                  email="OTHER@example.org")
    services.initiative_update(actor=people["other"], initiative=initiative, contact="06")


def test_a_bad_edit_leaves_the_initiative_unchanged(people, make_initiative):
    initiative = make_initiative(results="Trajets ; 10")
    with pytest.raises(ValidationError):
        services.initiative_update(actor=people["owner"], initiative=initiative,
                                   lessons="ok", results="Trajets ; dix")
    initiative.refresh_from_db()
    assert initiative.lessons == ""
    assert initiative.results.get().value == 10


def test_followers_of_the_commune_hear_of_a_new_initiative(people, make_initiative):
    from maillage.participation.models import Notification
    from maillage.participation.services import follow
    from maillage.territories.models import Commune

    follow(actor=people["resident"], target=Commune.objects.get(pk="48095"))
    make_initiative()
    assert Notification.objects.filter(user=people["resident"],
                                       title__contains="Nouvelle initiative").exists()


def test_a_moderator_hides_an_initiative_with_a_reason(people, make_initiative):
    from maillage.initiatives import selectors
    from maillage.participation.selectors import moderation_history

    initiative = make_initiative()
    with pytest.raises(PermissionDenied):
        services.initiative_hide(actor=people["far_moderator"], initiative=initiative,
                                 reason="x")
    with pytest.raises(ValidationError):
        services.initiative_hide(actor=people["moderator"], initiative=initiative, reason="")
    services.initiative_hide(actor=people["moderator"], initiative=initiative,
                             reason="Publicité commerciale.")
    assert selectors.initiative_list(viewer=people["other"]) == []
    assert selectors.initiative_get(viewer=people["other"], pk=initiative.pk) is None
    assert selectors.initiative_get(viewer=people["owner"], pk=initiative.pk) is not None
    assert moderation_history(initiative)[0].reason == "Publicité commerciale."
    services.initiative_restore(actor=people["moderator"], initiative=initiative, reason="ok")
    assert selectors.initiative_list(viewer=people["other"]) == [initiative]


def test_the_directory_filters_by_territory_type_theme_and_population(people,
                                                                       make_initiative):
    from maillage.initiatives import selectors
    from maillage.territories.selectors import TerritoryRef

    transport = make_initiative()
    msp = make_initiative(title="MSP de Saint-Affrique", kind="msp", theme="medecin_traitant",
                          population="tous", commune="12208", run_by="SISA")
    viewer = people["anonymous"]
    assert selectors.initiative_list(viewer=viewer, territory=TerritoryRef(
        "departement", "12")) == [msp]
    assert selectors.initiative_list(viewer=viewer, territory=TerritoryRef(
        "region", "76"), kind="transport_solidaire") == [transport]
    assert selectors.initiative_list(viewer=viewer, theme="medecin_traitant") == [msp]
    assert selectors.initiative_list(viewer=viewer, population="personnes_agees") == [
        transport]
    assert selectors.initiative_list(viewer=viewer, query="gévaudan") == [transport]
