"""The API covers what the pages do: volunteers and zones, mandates, receipts, territory."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maillage.transport import services
from maillage.transport.models import Mandate, Volunteer

pytestmark = pytest.mark.django_db


def _send(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


def test_a_coordinator_registers_a_volunteer_and_the_driver_sets_their_zone(
        client, coordinator, association, make_user, driver, other_driver):
    make_user("rose@example.org", first_name="Rose")
    client.force_login(coordinator)
    url = f"/api/transport/associations/{association.pk}/volunteers"
    unknown = _send(client, "post", url, {"user_email": "nobody@example.org",
                                          "home_commune": "48095"})
    assert unknown.status_code == 400 and "user_email" in unknown.json()["errors"]
    bad_zone = _send(client, "post", url, {"user_email": "rose@example.org",
                                           "home_commune": "48095", "zone": ["99999"]})
    assert bad_zone.status_code == 400 and "99999" in bad_zone.json()["errors"]["zone"][0]
    assert not Volunteer.objects.filter(user__email="rose@example.org").exists()
    created = _send(client, "post", url, {"user_email": "rose@example.org",
                                          "home_commune": "48095", "zone": ["48095", "48017"]})
    assert created.status_code == 201 and created.json()["zone"] == ["48017", "48095"]

    client.force_login(driver.user)
    mine = _send(client, "patch", f"/api/transport/volunteers/{driver.pk}",
                 {"zone": ["48099"], "max_trip_km": 40})
    assert mine.status_code == 200
    assert (mine.json()["zone"], mine.json()["max_trip_km"]) == (["48099"], 40)
    theirs = _send(client, "patch", f"/api/transport/volunteers/{other_driver.pk}",
                   {"active": False})
    assert theirs.status_code == 403


def test_a_beneficiary_mandates_a_relative_through_the_api(client, member, make_user,
                                                          other_citizen):
    relative = make_user("fille@example.org")
    client.force_login(member.user)
    url = f"/api/transport/members/{member.pk}/mandates"
    bad = _send(client, "post", url, {"user_email": "fille@example.org", "relation": "x"})
    assert bad.status_code == 400 and "relation" in bad.json()["errors"]
    ok = _send(client, "post", url, {"user_email": "fille@example.org", "relation": "relative"})
    assert ok.status_code == 201
    assert Mandate.objects.filter(member=member, user=relative).exists()
    client.force_login(other_citizen)
    assert _send(client, "post", url, {"user_email": "voisin@example.org",
                                       "relation": "relative"}).status_code == 403


def test_receipts_contributions_and_territory_through_the_api(
        client, coordinator, association, driver, member, other_citizen, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    leg = ride.legs.get()
    services.leg_drop(actor=driver.user, leg=leg, km=Decimal("20"))
    leg.refresh_from_db()

    client.force_login(member.user)
    receipt = client.get(f"/api/transport/rides/{ride.pk}/receipt").json()
    assert receipt["total"] == "7.00"  # 20 km × 0.35
    month = leg.dropped_at.astimezone().strftime("%Y/%m").replace("/0", "/")
    monthly = client.get(f"/api/transport/members/{member.pk}/receipts/{month}")
    assert monthly.status_code == 200 and monthly.json()["total"] == "7.00"

    client.force_login(driver.user)
    [due] = client.get("/api/transport/driver/contributions").json()
    assert (due["ride"], due["amount"]) == (ride.pk, "7.00")

    client.force_login(other_citizen)
    assert client.get(f"/api/transport/rides/{ride.pk}/receipt").status_code == 403
    assert client.get(f"/api/transport/members/{member.pk}/receipts/{month}").status_code == 403
    assert client.get(f"/api/transport/associations/{association.pk}/territory"
                      ).status_code == 403

    client.force_login(coordinator)
    rows = client.get(f"/api/transport/associations/{association.pk}/territory",
                      {"since": day.replace(day=1).isoformat()}).json()
    assert rows[0]["code"] == "48017" and rows[0]["requests"] == 1
