"""Who sees, simulates, exports and deletes a population: members of its organisation only."""

from __future__ import annotations

import pytest

from maillage.financing.models import Population
from maillage.financing.rules import can
from tests.financing.conftest import good_rows, make_csv

pytestmark = pytest.mark.django_db

PAGES = ["/financement/populations/{pk}/", "/financement/populations/{pk}/export.csv",
         "/financement/populations/{pk}/export.pdf"]


@pytest.mark.parametrize("page", PAGES)
def test_a_member_opens_simulates_and_exports(client, population, member, page):
    client.force_login(member)
    assert client.get(page.format(pk=population.pk)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_a_non_member_gets_not_found(client, population, outsider, page):
    client.force_login(outsider)
    assert client.get(page.format(pk=population.pk)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, population, page):
    response = client.get(page.format(pk=population.pk))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_a_superuser_outside_the_organisation_does_not_see_it(client, population, make_user):
    boss = make_user(email="root@example.org", is_superuser=True, is_staff=True)
    client.force_login(boss)
    assert client.get(f"/financement/populations/{population.pk}/").status_code == 404
    assert not can(boss, "financing.view_population", population)


@pytest.mark.parametrize(("role", "can_delete"), [
    ("coordinator", True), ("analyst", True), ("administrator", True),
    ("health_professional", False),
])
def test_rules_by_role(member_of, organisation, population, role, can_delete):
    user = member_of(organisation, role=role, email=f"{role}@example.org")
    assert user.has_perm("financing.view_population", population)
    assert user.has_perm("financing.simulate_population", population)
    assert user.has_perm("financing.export_population", population)
    assert user.has_perm("financing.delete_population", population) is can_delete


def test_a_citizen_role_in_the_organisation_is_not_membership(make_user, organisation,
                                                              population):
    from maillage.accounts.models import RoleAssignment

    user = make_user(email="citizen@example.org")
    RoleAssignment.objects.create(user=user, role="citizen", organisation=organisation)
    assert not user.has_perm("financing.view_population", population)


def test_a_health_professional_deletes_what_they_deposited(member_of, organisation):
    from maillage.financing import services

    doctor = member_of(organisation, role="health_professional", email="doc@example.org")
    mine, _ = services.population_upload(actor=doctor, organisation=organisation, name="m",
                                         content=make_csv(good_rows(2)))
    assert doctor.has_perm("financing.delete_population", mine)


def test_members_delete_and_non_members_cannot(client, population, member, outsider):
    client.force_login(outsider)
    url = f"/financement/populations/{population.pk}/supprimer/"
    assert client.post(url).status_code == 404
    assert Population.objects.filter(pk=population.pk).exists()
    client.force_login(member)
    assert client.post(url).status_code == 302
    assert not Population.objects.filter(pk=population.pk).exists()


def test_the_list_shows_only_my_organisations_populations(client, population, member,
                                                          outsider):
    client.force_login(outsider)
    assert "Patientèle 2024" not in client.get("/financement/").content.decode()
    client.force_login(member)
    assert "Patientèle 2024" in client.get("/financement/").content.decode()
