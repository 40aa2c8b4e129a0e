"""Contributions worked by hand, receipts, the monthly report for funders and the territory view."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.transport import exports, selectors, services
from maillage.transport.models import Contribution, RideRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("km", "rate", "minimum", "expected"), [
    ("23.4", "0.35", "3.00", "8.19"),    # 23.4 × 0.35 = 8.19
    ("5.0", "0.35", "3.00", "3.00"),     # 1.75 < minimum
    ("8.6", "0.35", "3.00", "3.01"),     # 3.01 > minimum, just
    ("10.1", "0.32", "0.00", "3.23"),    # 3.232 → 3.23
    ("10.9", "0.35", "0.00", "3.82"),    # 3.815 → 3.82 (half up, not banker's)
    ("0.0", "0.40", "2.50", "2.50"),
])
def test_contribution_is_rate_times_km_with_a_minimum_rounded_half_up(km, rate, minimum,
                                                                      expected):
    assert services.contribution_amount(Decimal(km), Decimal(rate), Decimal(minimum)) == \
        Decimal(expected)


def _done_ride(coordinator, association, driver, make_ride, day, hour, kms):
    ride = make_ride(hour=hour, return_trip=len(kms) == 2)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    if plan.state != "published":
        services.day_plan_publish(actor=coordinator, plan=plan)
    for leg, km in zip(ride.legs.order_by("direction"), kms, strict=True):
        leg.refresh_from_db()
        if leg.plan and leg.plan.state != "published":
            services.day_plan_publish(actor=coordinator, plan=leg.plan)
        services.leg_respond(actor=leg.volunteer.user, leg=leg, accept=True)
        services.leg_pickup(actor=leg.volunteer.user, leg=leg)
        services.leg_drop(actor=leg.volunteer.user, leg=leg, km=Decimal(km))
    ride.refresh_from_db()
    return ride


@pytest.fixture
def month_of_rides(coordinator, association, driver, make_ride, day, member, facility,
                   make_user):
    """Two rides done by Jeanne (82, Badaroux), one by Pierre (67, Mende), one unserved."""
    from maillage.transport.models import Member

    first = _done_ride(coordinator, association, driver, make_ride, day, 9, ["12.0", "12.0"])
    pierre = Member.objects.create(
        association=association, first_name="Pierre", last_name="Vidal",
        birth_date=day.replace(year=day.year - 67) - timedelta(days=1),
        address="2 av. du Gévaudan", commune_id="48095",
        membership_paid_until=day + timedelta(days=100))
    ride = services.ride_request_create(
        actor=coordinator, member=pierre, appointment_at=first.appointment_at + timedelta(
            hours=5), destination_address="Cabinet du Dr X",
        destination_commune=first.destination_commune, return_trip=False, by_phone=True)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    leg = ride.legs.get()
    services.leg_respond(actor=driver.user, leg=leg, accept=True)
    services.leg_drop(actor=driver.user, leg=leg, km=Decimal("4.0"))
    unserved = services.ride_request_create(
        actor=coordinator, member=pierre, appointment_at=first.appointment_at + timedelta(
            hours=2), facility=first.destination_facility, return_trip=False, wheelchair=True)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    unserved.refresh_from_db()
    assert unserved.status == RideRequest.Status.UNSERVED
    return first


def test_the_month_report_for_funders(coordinator, association, month_of_rides, day):
    report = selectors.month_report(actor=coordinator, association=association, year=day.year,
                                    month=day.month)
    assert report.rides_done == 2 and report.trips_done == 3
    assert report.km == Decimal("28.0")
    # 12 km × 0.35 = 4.20 twice, 4 km → minimum 3.00
    assert report.contributions == Decimal("11.40")
    assert report.beneficiaries == 2
    assert dict(report.by_commune) == {"Badaroux": 1, "Mende": 1}
    assert dict(report.by_age_band) == {"60-69 ans": 1, "80-89 ans": 1}
    assert dict(report.by_destination_type) == {"autre adresse": 1,
                                                "établissement de santé": 1}
    assert report.unmet_total == 1
    assert report.unmet == [("aucun véhicule équipé pour un fauteuil roulant", 1)]


def test_the_csv_and_pdf_hold_aggregates_only(coordinator, association, month_of_rides, day,
                                              client, member):
    report = selectors.month_report(actor=coordinator, association=association, year=day.year,
                                    month=day.month)
    text = exports.month_report_csv(report)
    assert "synthese,kilometres,28.0" in text
    for private in ("Jeanne", "Martin", "0466000000", "Lilas", "Vidal", "Gévaudan"):
        assert private not in text
    assert exports.month_report_pdf(report).startswith(b"%PDF")
    client.force_login(coordinator)
    url = f"/transport-solidaire/associations/{association.pk}/rapport/?mois=" \
          f"{day.year}-{day.month:02d}"
    page = client.get(url).content.decode()
    assert "<svg" in page and "28,0" in page
    assert client.get(url + "&format=pdf")["Content-Type"] == "application/pdf"
    api = client.get(f"/api/transport/associations/{association.pk}/reports/{day.year}/"
                     f"{day.month}").json()
    assert api["rides_done"] == 2 and api["unmet_total"] == 1


def test_receipts_per_ride_and_per_month(client, member, month_of_rides, day):
    client.force_login(member.user)
    ride_receipt = client.get(f"/transport-solidaire/transports/{month_of_rides.pk}/recu/")
    assert "8,40" in ride_receipt.content.decode()
    today = timezone.localdate()
    rows, total = selectors.contributions_of_member(actor=member.user, member=member,
                                                    year=today.year, month=today.month)
    assert total == Decimal("8.40") and len(rows) == 2
    page = client.get(f"/transport-solidaire/beneficiaires/{member.pk}/recus/")
    assert "8,40" in page.content.decode()


def test_a_driver_sees_the_contributions_due_to_them(driver, month_of_rides):
    due = selectors.contributions_of_driver(driver.user)
    assert sum(c.amount for c in due) == Decimal("11.40")
    assert Contribution.objects.count() == 3


def test_the_territory_view_counts_unmet_requests_by_commune(coordinator, association,
                                                             month_of_rides, day):
    rows = selectors.unmet_by_commune(actor=coordinator, association=association,
                                      since=day - timedelta(days=1))
    by_code = {r["code"]: r for r in rows}
    assert by_code["48095"]["unmet"] == 1 and by_code["48095"]["requests"] == 2
    assert by_code["48017"]["unmet"] == 0 and by_code["48017"]["mean_km"] > 0
