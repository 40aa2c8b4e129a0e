"""Organisers and moderators whose role is held in an organisation (a CPTS, a commune, the
Région) act over that organisation's territory, and nowhere else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from maillage.participation import services
from maillage.territories.selectors import TerritoryRef

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation_role(make_user, with_totp):
    from maillage.accounts.models import Organisation, RoleAssignment

    def give(role: str, *, email: str, **where: str):
        organisation = Organisation.objects.create(name=f"Org {email}", kind="cpts", **where)
        user = make_user(email=email)
        RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
        with_totp(user)
        return user

    return give


def test_a_cpts_analyst_opens_a_process_over_its_departement_only(people, organisation_role):
    cpts = organisation_role("analyst", email="cpts@example.org", departement_id="48")
    process = services.process_create(actor=cpts, title="Besoins de santé en Lozère",
                                      territory=TerritoryRef("departement", "48"),
                                      organiser_name="CPTS Cœur de Lozère")
    assert cpts.has_perm("participation.change_process", process)
    with pytest.raises(PermissionDenied):
        services.process_create(actor=cpts, title="Ailleurs",
                                territory=TerritoryRef("departement", "12"),
                                organiser_name="CPTS Cœur de Lozère")


def test_a_communes_organiser_acts_over_the_commune_not_the_departement(
        people, organisation_role):
    mairie = organisation_role("analyst", email="mairie@example.org", commune_id="48095",
                               departement_id="48", region_id="76")
    assert mairie.has_perm("participation.add_process", TerritoryRef("commune", "48095"))
    assert not mairie.has_perm("participation.add_process", TerritoryRef("departement", "48"))


def test_an_organisation_placed_nowhere_organises_nothing(people, organisation_role):
    nowhere = organisation_role("analyst", email="nowhere@example.org")
    assert not nowhere.has_perm("participation.add_process", TerritoryRef("commune", "48095"))


def test_a_moderator_of_an_organisation_moderates_its_territory(people, organisation_role):
    from maillage.participation.models import Signalement

    moderator = organisation_role("moderator", email="mod-org@example.org", departement_id="48")
    signalement = services.signalement_create(actor=people["resident"], commune_code="48095",
                                              category="distance")
    loaded = Signalement.objects.select_related("commune").get(pk=signalement.pk)
    assert moderator.has_perm("participation.moderate_content", loaded)
    assert moderator.has_perm("participation.moderate_content",
                              Signalement.objects.get(pk=signalement.pk))
    assert moderator.has_perm("participation.view_signalement_author", loaded)
    aveyron = organisation_role("moderator", email="mod-12@example.org", departement_id="12")
    assert not aveyron.has_perm("participation.moderate_content", loaded)
