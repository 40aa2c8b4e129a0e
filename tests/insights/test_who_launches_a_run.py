"""Analysts of a région, or of a CPTS, département or EPCI inside it, launch runs over it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from maillage.insights import services
from maillage.insights.models import AccessRun
from maillage.territories.selectors import TerritoryRef

pytestmark = pytest.mark.django_db


def test_an_analyst_of_a_departement_launches_a_run_over_its_region(gp_counts, make_user, grant):
    analyst = make_user(email="lozere@example.org")
    grant(analyst, "analyst", "departement", "48")

    assert analyst.has_perm("insights.add_accessrun", TerritoryRef("region", "76"))
    assert not analyst.has_perm("insights.add_accessrun", TerritoryRef("region", "84"))
    run = services.access_run_start(actor=analyst, region="76", profession="generaliste")
    assert run.state == AccessRun.State.SUCCEEDED


def test_an_analyst_of_a_cpts_launches_a_run_over_the_region_of_its_organisation(
        gp_counts, make_user):
    from maillage.accounts.models import Organisation, RoleAssignment

    cpts = Organisation.objects.create(name="CPTS Cœur de Lozère", kind="cpts",
                                       departement_id="48")
    analyst = make_user(email="cpts@example.org")
    RoleAssignment.objects.create(user=analyst, role="analyst", organisation=cpts)

    assert analyst.has_perm("insights.add_accessrun", TerritoryRef("region", "76"))
    assert not analyst.has_perm("insights.add_accessrun", TerritoryRef("region", "84"))


def test_other_roles_inside_the_region_may_not(gp_counts, make_user, grant):
    citizen = make_user(email="habitant@example.org")
    grant(citizen, "citizen", "departement", "48")
    moderator = make_user(email="moderation@example.org")
    grant(moderator, "moderator", "region", "76")
    for person in (citizen, moderator):
        with pytest.raises(PermissionDenied):
            services.access_run_start(actor=person, region="76", profession="generaliste")
    assert not AccessRun.objects.exists()


def test_the_launch_form_shows_for_a_departement_analyst(gp_counts, make_user, grant, with_totp,
                                                        client):
    analyst = make_user(email="lozere@example.org")
    grant(analyst, "analyst", "departement", "48")
    with_totp(analyst)
    client.force_login(analyst)

    page = client.get("/acces/?region=76").content.decode()
    assert "Lancer un nouveau calcul" in page
