"""Roles are scoped to a territory: nobody acts outside their own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.accounts.models import RoleAssignment
from maillage.accounts.services import role_assign, role_revoke
from maillage.territories.selectors import TerritoryRef
from maillage.territories.services import territory_import_start

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def lozere_admin(make_user, grant):
    admin = make_user(email="admin48@example.org")
    grant(admin, "administrator", "departement", "48")
    return admin


def test_an_administrator_assigns_roles_inside_their_territory(lozere_admin, make_user):
    person = make_user()
    assignment = role_assign(actor=lozere_admin, user=person, role="analyst",
                             territory=TerritoryRef("commune", "48095"))
    assert assignment.granted_by == lozere_admin
    again = role_assign(actor=lozere_admin, user=person, role="analyst",
                        territory=TerritoryRef("commune", "48095"))
    assert again.pk == assignment.pk  # idempotent


def test_an_administrator_of_one_territory_cannot_act_in_another(lozere_admin, make_user):
    person = make_user()
    with pytest.raises(PermissionDenied):
        role_assign(actor=lozere_admin, user=person, role="analyst",
                    territory=TerritoryRef("commune", "12208"))  # Aveyron
    with pytest.raises(PermissionDenied):
        role_assign(actor=lozere_admin, user=person, role="analyst",
                    territory=TerritoryRef("region", "76"))  # wider than theirs
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_a_person_without_an_administrator_role_assigns_nothing(make_user, grant):
    analyst = make_user(email="analyst@example.org")
    grant(analyst, "analyst", "region", "76")
    with pytest.raises(PermissionDenied):
        role_assign(actor=analyst, user=make_user(), role="moderator",
                    territory=TerritoryRef("departement", "48"))


def test_unknown_roles_and_territories_are_named(lozere_admin, make_user):
    with pytest.raises(ValidationError, match="Rôle inconnu"):
        role_assign(actor=lozere_admin, user=make_user(), role="king",
                    territory=TerritoryRef("departement", "48"))
    with pytest.raises(ValidationError, match="Territoire inconnu"):
        role_assign(actor=lozere_admin, user=make_user(email="x@example.org"), role="analyst",
                    territory=TerritoryRef("commune", "48999"))


def test_revoking_follows_the_same_rule(lozere_admin, make_user, grant):
    person = make_user()
    inside = grant(person, "moderator", "commune", "48095")
    outside = grant(person, "moderator", "commune", "12208")
    role_revoke(actor=lozere_admin, assignment=inside)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=lozere_admin, assignment=outside)
    assert list(RoleAssignment.objects.filter(user=person)) == [outside]


def test_the_database_refuses_a_duplicate_role(make_user, grant):
    from django.db import IntegrityError, transaction

    person = make_user()
    grant(person, "analyst", "region", "76")
    with pytest.raises(IntegrityError), transaction.atomic():
        grant(person, "analyst", "region", "76")


def test_importing_a_region_needs_an_administrator_of_it(lozere_admin, make_user, grant):
    with pytest.raises(PermissionDenied):
        territory_import_start(actor=lozere_admin, region="76")  # only a département
    regional = make_user(email="admin76@example.org")
    grant(regional, "administrator", "region", "76")
    with pytest.raises(PermissionDenied):
        territory_import_start(actor=regional, region="84")
    with pytest.raises(ValidationError, match="mal formé"):
        territory_import_start(actor=regional, region="7;6")
