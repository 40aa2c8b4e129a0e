"""Members, volunteers, ride requests: eligibility, clear errors, nothing half-written."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.accounts import personal_data
from maillage.transport import services
from maillage.transport.models import (
    AvailabilitySlot,
    Leg,
    Member,
    RideRequest,
    TransportSettings,
)

from .conftest import at

pytestmark = pytest.mark.django_db


def _errors(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


def test_eligibility_rules_are_checked_field_by_field(coordinator, association):
    services.transport_settings_update(actor=coordinator, association=association,
                                       minimum_age=65, require_isolation=True,
                                       require_no_vehicle=True, require_low_income=True)
    with pytest.raises(ValidationError) as refused:
        services.member_register(
            actor=coordinator, association=association, first_name="Léa", last_name="Brun",
            birth_date=timezone.localdate().replace(year=timezone.localdate().year - 40),
            address="1 rue", commune_id="48095", has_vehicle=True)
    assert _errors(refused) == {"birth_date", "is_isolated", "has_vehicle", "low_income"}
    assert not Member.objects.exists()
    member = services.member_register(
        actor=coordinator, association=association, first_name="Léa", last_name="Brun",
        birth_date=timezone.localdate().replace(year=timezone.localdate().year - 70),
        address="1 rue", commune_id="48095", is_isolated=True, low_income=True)
    assert member.membership_paid_until == timezone.localdate() + timedelta(days=365)


def test_settings_are_validated_and_only_by_the_coordinator(coordinator, other_coordinator,
                                                            association):
    with pytest.raises(PermissionDenied):
        services.transport_settings_update(actor=other_coordinator, association=association,
                                           rate_per_km="0.40")
    with pytest.raises(ValidationError) as refused:
        services.transport_settings_update(actor=coordinator, association=association,
                                           rate_per_km="-1")
    assert "rate_per_km" in _errors(refused)
    with pytest.raises(ValidationError):
        services.transport_settings_update(actor=coordinator, association=association,
                                           served_communes=["99999"])
    assert TransportSettings.objects.get(association=association).rate_per_km == \
        Decimal("0.35")


def test_a_ride_in_the_past_or_without_destination_is_refused(member, day):
    with pytest.raises(ValidationError) as refused:
        services.ride_request_create(actor=member.user, member=member,
                                     appointment_at=timezone.now() - timedelta(hours=1))
    assert _errors(refused) == {"appointment_at", "destination"}
    assert not RideRequest.objects.exists() and not Leg.objects.exists()


def test_an_expired_membership_blocks_new_requests(member, make_ride):
    Member.objects.filter(pk=member.pk).update(
        membership_paid_until=timezone.localdate() - timedelta(days=1))
    member.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        make_ride()
    assert "member" in _errors(refused)


def test_the_coordinator_renews_a_membership(coordinator, member):
    before = member.membership_paid_until
    services.membership_renew(actor=coordinator, member=member)
    assert member.membership_paid_until == before + timedelta(days=365)


def test_a_pickup_outside_the_served_zone_is_refused(member, facility, day):
    from maillage.territories.models import Commune

    with pytest.raises(ValidationError) as refused:
        services.ride_request_create(actor=member.user, member=member,
                                     appointment_at=at(day, 10), facility=facility,
                                     pickup_address="gare",
                                     pickup_commune=Commune.objects.get(pk="12208"))
    assert "hors de la zone" in refused.value.message_dict["pickup_commune"][0]


def test_availability_input_is_checked(driver, other_driver, day):
    with pytest.raises(ValidationError):
        services.availability_slot_add(actor=driver.user, volunteer=driver, weekday=1,
                                       start=time(12), end=time(10))
    with pytest.raises(ValidationError):
        services.availability_exception_add(actor=driver.user, volunteer=driver, on=day,
                                            start=time(9))
    with pytest.raises(PermissionDenied):
        services.vehicle_add(actor=other_driver.user, volunteer=driver, label="x", seats=2)
    with pytest.raises(ValidationError):
        services.vehicle_add(actor=driver.user, volunteer=driver, label="x", seats=0)
    assert AvailabilitySlot.objects.filter(volunteer=driver).count() == 1


def test_an_exception_with_hours_replaces_the_weekly_slots(coordinator, association, driver,
                                                           make_ride, day):
    services.availability_exception_add(actor=driver.user, volunteer=driver, on=day,
                                        start=time(14), end=time(18))
    morning = make_ride(hour=9, return_trip=False)
    afternoon = make_ride(hour=16, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    assert morning.legs.get().volunteer_id is None
    assert afternoon.legs.get().volunteer_id == driver.pk


def test_cancelling_frees_the_driver_and_a_started_ride_cannot_be_cancelled(
        coordinator, association, driver, make_ride, day, member):
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    other = make_ride(hour=14, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    services.ride_request_cancel(actor=member.user, ride=other)
    assert other.legs.get().volunteer_id is None

    leg = ride.legs.get()
    services.leg_respond(actor=driver.user, leg=leg, accept=True)
    services.leg_pickup(actor=driver.user, leg=leg)
    with pytest.raises(ValidationError):
        services.ride_request_cancel(actor=member.user, ride=ride)


def test_a_driver_of_two_associations_is_not_booked_twice(
        coordinator, association, other_association, other_coordinator, driver, make_ride,
        day, facility, make_user):
    from maillage.transport.models import Vehicle, Volunteer

    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    busy = ride.legs.get()
    assert busy.volunteer_id == driver.pk

    twin = Volunteer.objects.create(association=other_association, user=driver.user,
                                    home_commune_id="48095", max_trip_km=300)
    Vehicle.objects.create(volunteer=twin, label="Clio", seats=3)
    AvailabilitySlot.objects.create(volunteer=twin, weekday=day.weekday(), start=time(8),
                                    end=time(18))
    services.transport_settings_update(actor=other_coordinator,
                                       association=other_association)
    elsewhere = Member.objects.create(
        association=other_association, first_name="Rémi", last_name="Sol", address="1 rue",
        commune_id="48095", membership_paid_until=day + timedelta(days=30))
    same_time = services.ride_request_create(actor=other_coordinator, member=elsewhere,
                                             appointment_at=at(day, 10), facility=facility,
                                             return_trip=False)
    later = services.ride_request_create(actor=other_coordinator, member=elsewhere,
                                         appointment_at=at(day, 16), facility=facility,
                                         return_trip=False)
    services.day_plan_start(actor=other_coordinator, association=other_association, day=day)

    assert same_time.legs.get().volunteer_id is None
    assert later.legs.get().volunteer_id == twin.pk


def test_personal_data_export_and_erasure(member, make_ride, coordinator):
    from maillage.transport import selectors

    ride = make_ride()
    selectors.ride_destination(actor=coordinator, ride=ride)
    section = next(s for s in personal_data.sections() if s.name == "transport")
    exported = section.exporter(member.user)
    assert exported["memberships"][0]["phone"] == "0466000000"
    assert exported["rides"][0]["reason"] == "cardiologie"
    assert exported["destination_accesses"][0]["role"] == "coordinator"

    section.eraser(member.user)
    member.refresh_from_db()
    ride.refresh_from_db()
    assert member.user is None and member.phone == "" and member.last_name == "—"
    assert member.birth_date.month == 1 and member.birth_date.day == 1
    assert ride.reason == "" and ride.pickup_address == ""


def test_an_appointment_outside_the_service_hours_is_refused(member, make_ride):
    with pytest.raises(ValidationError) as refused:
        make_ride(hour=19, minute=50, appointment_minutes=30)
    assert "appointment_at" in _errors(refused)
