"""A coordinator gives a leg to a driver by hand: a driver who cannot drive that day is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from maillage.transport import services


def test_a_leg_cannot_be_given_to_a_driver_absent_that_day(
        coordinator, association, driver, other_driver, make_ride, day):
    """The error names the driver and the day; the leg keeps its driver and stays unlocked."""
    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    leg = ride.legs.get()
    before = leg.volunteer_id
    absent = other_driver if before == driver.pk else driver
    services.availability_exception_add(actor=absent.user, volunteer=absent, on=day)

    with pytest.raises(ValidationError) as error:
        services.leg_move(actor=coordinator, leg=leg, volunteer=absent)

    assert "volunteer" in error.value.message_dict
    assert day.strftime("%d/%m/%Y") in error.value.message_dict["volunteer"][0]
    leg.refresh_from_db()
    assert leg.volunteer_id == before and not leg.locked


def test_a_leg_cannot_be_given_to_a_driver_without_a_vehicle(
        coordinator, association, driver, other_driver, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    leg = ride.legs.get()
    carless = other_driver if leg.volunteer_id == driver.pk else driver
    carless.vehicles.all().delete()

    with pytest.raises(ValidationError, match="aucun véhicule"):
        services.leg_move(actor=coordinator, leg=leg, volunteer=carless)
    leg.refresh_from_db()
    assert leg.volunteer_id != carless.pk and not leg.locked


def test_the_api_answers_400_on_the_volunteer_field(
        coordinator, association, driver, other_driver, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    leg = ride.legs.get()
    absent = other_driver if leg.volunteer_id == driver.pk else driver
    services.availability_exception_add(actor=absent.user, volunteer=absent, on=day)
    client = Client()
    client.force_login(coordinator)

    response = client.post(f"/api/transport/legs/{leg.pk}/move",
                           {"volunteer": absent.pk}, content_type="application/json")

    assert response.status_code == 400
    assert "volunteer" in response.json()["errors"]
    leg.refresh_from_db()
    assert not leg.locked


def test_the_plan_page_shows_the_error(coordinator, association, driver, other_driver,
                                       make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    leg = ride.legs.get()
    absent = other_driver if leg.volunteer_id == driver.pk else driver
    services.availability_exception_add(actor=absent.user, volunteer=absent, on=day)
    client = Client()
    client.force_login(coordinator)

    response = client.post(reverse("transport:leg_move", args=[leg.pk]),
                           {"volunteer": absent.pk}, follow=True)

    assert "aucune disponibilité" in response.content.decode()
