from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def day():
    """A day a week ahead: rides are booked some days before."""
    return timezone.localdate() + timedelta(days=7)


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def association(geography):
    from maillage.accounts.models import Organisation
    from maillage.transport.models import TransportSettings

    org = Organisation.objects.create(name="Roule Solidaire Lozère",
                                      kind=Organisation.Kind.ASSOCIATION, commune_id="48095")
    settings = TransportSettings.objects.create(association=org, rate_per_km=Decimal("0.35"),
                                                minimum_per_ride=Decimal("3.00"))
    settings.served_communes.set(["48095", "48017", "48099"])
    return org


@pytest.fixture
def other_association(geography):
    from maillage.accounts.models import Organisation
    from maillage.transport.models import TransportSettings

    org = Organisation.objects.create(name="Entraide Aveyron",
                                      kind=Organisation.Kind.ASSOCIATION, commune_id="12208")
    TransportSettings.objects.create(association=org)
    return org


def _coordinator(make_user, with_totp, org, email):
    from maillage.accounts.models import Role, RoleAssignment

    user = make_user(email, first_name="Claire")
    RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, organisation=org)
    with_totp(user)
    return user


@pytest.fixture
def coordinator(make_user, with_totp, association):
    return _coordinator(make_user, with_totp, association, "claire@asso.example.org")


@pytest.fixture
def other_coordinator(make_user, with_totp, other_association):
    return _coordinator(make_user, with_totp, other_association, "paul@aveyron.example.org")


@pytest.fixture
def beneficiary(make_user):
    return make_user("jeanne@example.org", first_name="Jeanne")


@pytest.fixture
def other_citizen(make_user):
    return make_user("voisin@example.org", first_name="Marc")


@pytest.fixture
def member(association, beneficiary):
    from maillage.transport.models import Member

    return Member.objects.create(
        association=association, user=beneficiary, first_name="Jeanne", last_name="Martin",
        birth_date=timezone.localdate().replace(year=timezone.localdate().year - 82),
        phone="0466000000", address="3 rue des Lilas", commune_id="48017", is_isolated=True,
        membership_paid_until=timezone.localdate() + timedelta(days=300))


def _driver(make_user, association, email, name, commune, day, seats=3, wheelchair=0):
    from maillage.transport.models import AvailabilitySlot, Vehicle, Volunteer

    user = make_user(email, first_name=name)
    volunteer = Volunteer.objects.create(association=association, user=user,
                                         home_commune_id=commune, max_trip_km=150)
    Vehicle.objects.create(volunteer=volunteer, label="Clio", seats=seats,
                           wheelchair_places=wheelchair)
    AvailabilitySlot.objects.create(volunteer=volunteer, weekday=day.weekday(),
                                    start=time(8), end=time(18))
    return volunteer


@pytest.fixture
def driver(make_user, association, day):
    return _driver(make_user, association, "louis@example.org", "Louis", "48095", day)


@pytest.fixture
def other_driver(make_user, association, day):
    return _driver(make_user, association, "nadia@example.org", "Nadia", "48099", day)


@pytest.fixture
def facility(geography):
    from maillage.healthcare.models import Facility, SupplySource

    source = SupplySource.objects.create(
        name="FINESS test", kind="finess", file_name="finess.csv", origin="test", version="t",
        licence="Licence Ouverte", attribution="test", sha256="0" * 64, rows=1)
    return Facility.objects.create(finess="480000017", name="Centre hospitalier de Mende",
                                   category_code="355", kind="hopital", commune_id="48095",
                                   latitude=44.51, longitude=3.50, source=source)


@pytest.fixture
def make_ride(member, facility, day):
    from maillage.transport import services

    def make(actor=None, hour=10, minute=0, **extra):
        extra.setdefault("reason", "cardiologie")
        return services.ride_request_create(
            actor=actor or member.user, member=member, appointment_at=at(day, hour, minute),
            facility=facility, **extra)

    return make
