"""The transport demo loads on the test territory (mini mirror: Mende, Badaroux, Mont Lozère et
Goulet), twice without duplicates, and the demo accounts' journeys work on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.accounts.models import Organisation, RoleAssignment, User
from maillage.participation.models import Notification
from maillage.transport import exports, selectors
from maillage.transport.demo import ASSOCIATION_NAME, demo_load
from maillage.transport.models import (
    AvailabilityException,
    AvailabilitySlot,
    Contribution,
    DayPlan,
    DestinationAccess,
    Leg,
    Member,
    RideRequest,
    Vehicle,
    Volunteer,
)

pytestmark = pytest.mark.django_db

COUNTED = (Organisation, User, RoleAssignment, Member, Volunteer, Vehicle, AvailabilitySlot,
           AvailabilityException, RideRequest, Leg, Contribution, DayPlan, DestinationAccess,
           Notification)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@demo.maillage.fr")


def _load() -> tuple[Organisation, list[str]]:
    from maillage.core.demo import demo_accounts_ensure

    demo_accounts_ensure("demo-password-123")
    said: list[str] = []
    association = demo_load(said.append)
    assert association is not None
    return association, said


def _planned(association: Organisation) -> DayPlan:
    return DayPlan.objects.get(association=association, date__gt=timezone.localdate())


def test_the_demo_loads_twice_without_duplicates(geography, facility):
    association, said = _load()
    first = _counts()
    again = demo_load(said.append)
    assert again == association  # the same association: its initiative stays the same
    assert _counts() == first
    assert "7 bénéficiaires, 4 chauffeurs bénévoles" in said[-1]
    assert Organisation.objects.filter(name=ASSOCIATION_NAME).count() == 1

    settings = association.transport_settings
    assert str(settings.rate_per_km) == "0.35" and settings.minimum_per_ride > 0
    assert {"48095", "48017", "48099"} <= set(settings.served_communes.values_list("pk",
                                                                                  flat=True))
    # The extra drivers are demo accounts with the others' password.
    extra = User.objects.get(email="benevole2@demo.maillage.fr")
    assert extra.check_password("demo-password-123")
    assert Vehicle.objects.filter(volunteer__association=association,
                                  wheelchair_places__gte=1).exists()
    resident = Member.objects.get(association=association, user=_user("habitante"))
    assert resident.commune_id == "48095" and resident.membership_paid_until > timezone.localdate()
    assert Member.objects.filter(association=association,
                                 membership_paid_until__isnull=True).count() == 1

    # Dates relative to today: six weeks behind, some days ahead.
    today = timezone.localdate()
    rides = RideRequest.objects.filter(association=association)
    days = [timezone.localtime(r.appointment_at).date() for r in rides]
    assert today - timedelta(days=43) <= min(days) and max(days) <= today + timedelta(days=14)
    past = rides.filter(appointment_at__date__lt=today)
    assert past.filter(status="done").count() >= 30
    assert {"wheelchair", "no_vehicle", "time_window"} <= set(
        past.filter(status="unserved").values_list("unserved_reason", flat=True))
    assert past.filter(status="cancelled").exists()
    assert rides.filter(status="cancelled", appointment_at__date__gt=today).exists()
    for leg in Leg.objects.filter(ride__in=past.filter(status="done")):
        assert leg.km is not None and leg.contribution.amount >= settings.minimum_per_ride
    # Destinations from the directory where they exist: the hospital of Mende.
    assert rides.filter(destination_facility=facility).exists()

    plan = _planned(association)
    assert plan.state == DayPlan.State.PUBLISHED and plan.summary["served"] > 0
    assert rides.filter(status="requested", appointment_at__date__gt=plan.date).exists()


def test_the_journeys_on_the_demo(geography, client, with_totp):
    association, _said = _load()
    plan = _planned(association)
    coordinator, driver, resident = (_user("coordinatrice"), _user("benevole"),
                                     _user("habitante"))
    # Without the hospital in the directory, its rides go to an address.
    assert not RideRequest.objects.filter(destination_kind="facility").exists()
    assert RideRequest.objects.filter(destination_address__startswith="Hôpital").exists()

    # The coordinator: the requests, the plan, the report for funders.
    with_totp(coordinator)
    client.force_login(coordinator)
    page = client.get(f"/transport-solidaire/associations/{association.pk}/").content.decode()
    assert "Marcelle" in page and plan.get_absolute_url() in page
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and "Jean-Pierre" in page.content.decode()
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    report = selectors.month_report(actor=coordinator, association=association,
                                    year=last_month.year, month=last_month.month)
    assert report.rides_done > 0 and report.km > 0 and report.contributions > 0
    assert report.volunteer_hours > 0 and report.by_commune and report.by_age_band
    unmet = report.unmet_total + selectors.month_report(
        actor=coordinator, association=association, year=today.year,
        month=today.month).unmet_total
    assert unmet >= 3
    csv = client.get(f"/transport-solidaire/associations/{association.pk}/rapport/",
                     {"mois": f"{last_month:%Y-%m}", "format": "csv"}).content.decode()
    assert csv == exports.month_report_csv(report)
    html = client.get(f"/transport-solidaire/associations/{association.pk}/rapport/",
                      {"mois": f"{last_month:%Y-%m}"}).content.decode()
    for member in Member.objects.filter(association=association):
        for shown in (csv, html):
            assert member.last_name not in shown
            assert not member.phone or member.phone not in shown

    # The demo volunteer: his day, his own rides only, a proposal he accepts.
    client.force_login(driver)
    legs = list(selectors.driver_legs(user=driver, day=plan.date))
    assert legs and all(leg.volunteer.user_id == driver.pk for leg in legs)
    hers = RideRequest.objects.get(member__user=resident, legs__plan=plan,
                                   legs__direction="outbound")
    outbound = hers.legs.get(direction="outbound")
    assert outbound.volunteer.user_id == driver.pk and outbound.locked
    page = client.get("/transport-solidaire/ma-tournee/", {"jour": plan.date.isoformat()})
    assert "Habitante" in page.content.decode()
    others = RideRequest.objects.filter(association=association).exclude(
        legs__volunteer__user=driver)
    assert others.exists()
    assert not selectors.rides_visible_to(driver).filter(pk__in=others).exists()
    assert client.get(others.first().get_absolute_url()).status_code == 403
    client.post(f"/transport-solidaire/trajets/{outbound.pk}/accepter/")
    outbound.refresh_from_db()
    assert outbound.answer == Leg.DriverAnswer.ACCEPTED

    # The resident: her rides, her driver's first name, a receipt, who read her destination.
    client.force_login(resident)
    page = client.get("/transport-solidaire/").content.decode()
    assert hers.get_absolute_url() in page
    status = selectors.ride_status(hers)
    assert status.legs[0]["driver_first_name"] and status.legs[0]["pickup_at"]
    done = RideRequest.objects.filter(member__user=resident, status="done").first()
    receipt = client.get(f"/transport-solidaire/transports/{done.pk}/recu/")
    total = sum(c.amount for c in done.contributions.all())
    assert total > 0 and receipt.status_code == 200
    assert f"{total:.2f} €".replace(".", ",") in receipt.content.decode()
    trail = client.get("/transport-solidaire/consultations/").content.decode()
    assert DestinationAccess.objects.filter(ride=hers, role="coordinator").exists()
    assert "coordinateur·rice" in trail and "chauffeur" in trail
    assert client.get(others.exclude(member__user=resident).first().get_absolute_url()
                      ).status_code == 403


def test_without_mende_nothing_is_loaded(db):
    from maillage.core.demo import demo_accounts_ensure

    demo_accounts_ensure("demo-password-123")
    said: list[str] = []
    assert demo_load(said.append) is None
    assert "Mende (48095) n'est pas chargée" in said[0]
    assert not RideRequest.objects.exists() and not Organisation.objects.exists()


def test_without_the_demo_accounts_nothing_is_loaded(geography):
    said: list[str] = []
    assert demo_load(said.append) is None
    assert "comptes de démonstration absents" in said[0]
    assert not Organisation.objects.filter(name=ASSOCIATION_NAME).exists()
