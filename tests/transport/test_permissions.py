"""Who sees what: the permission matrix of a ride, its destination and the planner."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from maillage.transport import selectors, services
from maillage.transport.models import DestinationAccess, Mandate

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_ride(coordinator, association, driver, other_driver, make_ride, day):
    """A ride on a published plan with one driver; `other_driver` drives nothing of it."""
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    leg = ride.legs.get()
    if leg.volunteer_id != driver.pk:
        services.leg_move(actor=coordinator, leg=leg, volunteer=driver)
        services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    ride.refresh_from_db()
    return ride


@pytest.fixture
def people(member, other_citizen, driver, other_driver, coordinator, other_coordinator):
    return {
        "beneficiary": member.user, "other citizen": other_citizen,
        "driver assigned": driver.user, "other driver": other_driver.user,
        "coordinator": coordinator, "coordinator elsewhere": other_coordinator,
        "anonymous": AnonymousUser(),
    }


MATRIX = {
    # who: (status, destination, cancel)
    "beneficiary": (True, True, True),
    "other citizen": (False, False, False),
    "driver assigned": (True, True, False),
    "other driver": (False, False, False),
    "coordinator": (True, True, True),
    "coordinator elsewhere": (False, False, False),
    "anonymous": (False, False, False),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_permission_matrix_of_a_ride(who, people, published_ride):
    user = people[who]
    status, destination, cancel = MATRIX[who]
    assert user.has_perm("transport.view_riderequest", published_ride) is status
    assert user.has_perm("transport.view_destination", published_ride) is destination
    assert user.has_perm("transport.cancel_riderequest", published_ride) is cancel


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_ride_page_follows_the_matrix(who, people, published_ride, client):
    user = people[who]
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(published_ride.get_absolute_url())
    status, destination, _cancel = MATRIX[who]
    if who == "anonymous":
        assert response.status_code == 302  # to the login page
    else:
        assert response.status_code == (200 if status else 403)
    if status:
        assert ("Centre hospitalier" in response.content.decode()) is destination


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_api_follows_the_matrix(who, people, published_ride, client):
    user = people[who]
    if user.is_authenticated:
        client.force_login(user)
    status, destination, _cancel = MATRIX[who]
    expected = 401 if who == "anonymous" else (200 if status else 403)
    assert client.get(f"/api/transport/rides/{published_ride.pk}").status_code == expected
    expected = 401 if who == "anonymous" else (200 if destination else 403)
    answer = client.get(f"/api/transport/rides/{published_ride.pk}/destination")
    assert answer.status_code == expected
    assert "detail" in answer.json() or destination


def test_a_driver_does_not_see_another_drivers_passengers(published_ride, other_driver):
    legs = list(selectors.driver_legs(user=other_driver.user))
    assert legs == []
    with pytest.raises(PermissionDenied):
        selectors.ride_destination(actor=other_driver.user, ride=published_ride)


def test_the_driver_no_longer_sees_the_destination_after_the_day(published_ride, driver):
    from datetime import timedelta

    from django.utils import timezone

    type(published_ride).objects.filter(pk=published_ride.pk).update(
        appointment_at=timezone.now() - timedelta(days=2))
    published_ride.refresh_from_db()
    assert driver.user.has_perm("transport.view_riderequest", published_ride)
    assert not driver.user.has_perm("transport.view_destination", published_ride)


def test_a_driver_sees_no_destination_before_the_plan_is_published(
        coordinator, association, driver, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    assert not driver.user.has_perm("transport.view_destination", ride)


def test_each_destination_access_is_logged_and_the_beneficiary_reads_the_log(
        published_ride, coordinator, driver, member):
    selectors.ride_destination(actor=coordinator, ride=published_ride)
    selectors.ride_destination(actor=driver.user, ride=published_ride, channel="api")

    log = list(selectors.destination_accesses_for(member.user))
    assert [(a.role, a.channel) for a in log] == [("driver", "api"), ("coordinator", "page")]
    assert DestinationAccess.objects.count() == 2


def test_a_refused_access_is_not_logged_as_a_view(published_ride, other_driver):
    with pytest.raises(PermissionDenied):
        selectors.ride_destination(actor=other_driver.user, ride=published_ride)
    assert not DestinationAccess.objects.exists()


def test_a_mandated_relative_requests_and_follows_but_an_unmandated_one_cannot(
        member, other_citizen, make_ride):
    with pytest.raises(PermissionDenied):
        make_ride(actor=other_citizen)
    services.mandate_grant(actor=member.user, member=member, user=other_citizen,
                           relation=Mandate.Relation.SOCIAL_WORKER)
    ride = make_ride(actor=other_citizen)
    assert other_citizen.has_perm("transport.view_destination", ride)
    selectors.ride_destination(actor=other_citizen, ride=ride)
    assert selectors.destination_accesses_for(member.user).get().role == "mandated"


def test_only_a_coordinator_takes_a_phone_request(member, make_ride, coordinator):
    with pytest.raises(PermissionDenied):
        make_ride(by_phone=True)
    assert make_ride(actor=coordinator, by_phone=True).by_phone


def test_a_coordinator_of_another_association_cannot_manage_or_report(
        other_coordinator, association, member):
    from django.utils import timezone

    with pytest.raises(PermissionDenied):
        selectors.members_for(actor=other_coordinator, association=association)
    with pytest.raises(PermissionDenied):
        selectors.month_report(actor=other_coordinator, association=association,
                               year=timezone.localdate().year, month=1)
    with pytest.raises(PermissionDenied):
        services.membership_renew(actor=other_coordinator, member=member)


def test_a_driver_cannot_record_someone_elses_leg(published_ride, other_driver):
    leg = published_ride.legs.get()
    with pytest.raises(PermissionDenied):
        services.leg_pickup(actor=other_driver.user, leg=leg)
