"""The API does what the pages do: JSON errors by field, CSRF on writes, same rights."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from maillage.transport.models import DayPlan, RideRequest

pytestmark = pytest.mark.django_db


def _json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_beneficiary_requests_follows_and_cancels_a_ride(client, member, facility, day):
    client.force_login(member.user)
    answer = _json(client, "/api/transport/rides", {
        "member": member.pk, "appointment_at": f"{day.isoformat()}T10:00:00+01:00",
        "facility": facility.pk, "reason": "ophtalmologie"})
    assert answer.status_code == 201, answer.content
    ride = answer.json()
    assert ride["status"] == "requested" and len(ride["legs"]) == 2
    assert [r["id"] for r in client.get("/api/transport/rides").json()] == [ride["id"]]
    cancelled = client.post(f"/api/transport/rides/{ride['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_bad_input_gets_a_json_400_by_field_and_nothing_is_stored(client, member, day):
    client.force_login(member.user)
    answer = _json(client, "/api/transport/rides", {
        "member": member.pk, "appointment_at": "2001-01-01T10:00:00+01:00",
        "destination_address": "1 place du Foirail", "destination_commune": "12208",
        "pickup_commune": "12208"})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"appointment_at", "pickup_commune"}
    assert not RideRequest.objects.exists()
    unknown = _json(client, "/api/transport/rides", {
        "member": member.pk, "appointment_at": f"{day.isoformat()}T10:00:00+01:00",
        "facility": 999999})
    assert unknown.status_code == 400 and "facility" in unknown.json()["errors"]
    malformed = _json(client, "/api/transport/rides", {"member": "x"})
    assert malformed.status_code == 422


def test_writes_need_the_csrf_token(member, facility, day):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    answer = _json(client, "/api/transport/rides", {
        "member": member.pk, "appointment_at": f"{day.isoformat()}T10:00:00+01:00",
        "facility": facility.pk})
    assert answer.status_code in {401, 403}
    assert not RideRequest.objects.exists()


def test_someone_else_cannot_request_for_a_member(client, other_citizen, member, facility, day):
    client.force_login(other_citizen)
    answer = _json(client, "/api/transport/rides", {
        "member": member.pk, "appointment_at": f"{day.isoformat()}T10:00:00+01:00",
        "facility": facility.pk})
    assert answer.status_code == 403 and "detail" in answer.json()


def test_plan_move_publish_and_drive_through_the_api(client, coordinator, association, driver,
                                                     other_driver, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    client.force_login(coordinator)
    started = _json(client, f"/api/transport/associations/{association.pk}/plans",
                    {"day": day.isoformat()})
    assert started.status_code == 202
    plan = started.json()[0]
    assert plan["state"] == "draft" and plan["legs"][0]["volunteer"] is not None
    leg_id = plan["legs"][0]["id"]
    target = other_driver if plan["legs"][0]["volunteer"] == driver.pk else driver
    moved = _json(client, f"/api/transport/legs/{leg_id}/move", {"volunteer": target.pk})
    assert moved.status_code == 202
    leg = moved.json()["legs"][0]
    assert leg["volunteer"] == target.pk and leg["locked"]
    assert client.post(f"/api/transport/plans/{plan['id']}/publish").json()["state"] == \
        "published"

    client.force_login(target.user)
    mine = client.get(f"/api/transport/driver/legs?day={day.isoformat()}").json()
    assert [x["id"] for x in mine] == [leg_id]
    assert _json(client, f"/api/transport/legs/{leg_id}/answer",
                 {"accept": True}).json()["answer"] == "accepted"
    client.post(f"/api/transport/legs/{leg_id}/pickup")
    bad = _json(client, f"/api/transport/legs/{leg_id}/drop", {"km": -3})
    assert bad.status_code == 422
    done = _json(client, f"/api/transport/legs/{leg_id}/drop", {"km": "20.0"})
    assert Decimal(done.json()["km"]) == Decimal("20.0")
    ride.refresh_from_db()
    assert ride.status == RideRequest.Status.DONE
    assert ride.contributions.get().amount == Decimal("7.00")  # 20 km × 0.35


def test_a_driver_cannot_plan_nor_answer_for_another(client, driver, other_driver,
                                                     association, coordinator, make_ride, day):
    make_ride(hour=10, return_trip=False)
    client.force_login(driver.user)
    answer = _json(client, f"/api/transport/associations/{association.pk}/plans",
                   {"day": day.isoformat()})
    assert answer.status_code == 403
    client.force_login(coordinator)
    _json(client, f"/api/transport/associations/{association.pk}/plans", {"day": day.isoformat()})
    plan = DayPlan.objects.get()
    client.post(f"/api/transport/plans/{plan.pk}/publish")
    leg = plan.legs.get()
    stranger = other_driver if leg.volunteer_id == driver.pk else driver
    client.force_login(stranger.user)
    assert _json(client, f"/api/transport/legs/{leg.pk}/answer",
                 {"accept": True}).status_code == 403


def test_the_audit_log_is_readable_by_the_beneficiary(client, member, coordinator, make_ride):
    ride = make_ride()
    client.force_login(coordinator)
    assert client.get(f"/api/transport/rides/{ride.pk}/destination").json()["reason"] == \
        "cardiologie"
    client.force_login(member.user)
    log = client.get("/api/transport/accesses").json()
    assert [(a["role"], a["channel"]) for a in log] == [("coordinator", "api")]


def test_anonymous_gets_401(client, geography):
    assert client.get("/api/transport/rides").status_code == 401


def test_the_association_is_set_up_through_the_api(client, coordinator, association, driver,
                                                   other_driver):
    client.force_login(coordinator)
    base = f"/api/transport/associations/{association.pk}"
    settings = client.put(f"{base}/settings", {
        "rate_per_km": "0.32", "minimum_per_ride": "2.50", "minimum_age": 60,
        "served_communes": ["48095", "48017"]}, content_type="application/json")
    assert settings.status_code == 200 and settings.json()["rate_per_km"] == "0.32"
    refused = _json(client, f"{base}/members", {
        "first_name": "Yves", "last_name": "Bo", "birth_date": "2000-05-01",
        "address": "1 rue", "commune": "48095"})
    assert refused.status_code == 400 and "birth_date" in refused.json()["errors"]
    created = _json(client, f"{base}/members", {
        "first_name": "Yves", "last_name": "Bo", "birth_date": "1950-05-01",
        "address": "1 rue", "commune": "48095"})
    assert created.status_code == 201 and created.json()["membership_paid_until"]

    client.force_login(driver.user)
    vehicle = _json(client, f"/api/transport/volunteers/{driver.pk}/vehicles",
                    {"label": "Berlingo", "seats": 4, "wheelchair_places": 1})
    assert vehicle.status_code == 201
    slot = _json(client, f"/api/transport/volunteers/{driver.pk}/slots",
                 {"weekday": 0, "start": "18:00", "end": "17:00"})
    assert slot.status_code == 400 and "end" in slot.json()["errors"]
    absent = _json(client, f"/api/transport/volunteers/{driver.pk}/exceptions",
                   {"on": "2031-01-06"})
    assert absent.status_code == 201
    other = _json(client, f"/api/transport/volunteers/{other_driver.pk}/vehicles",
                  {"label": "x", "seats": 2})
    assert other.status_code == 403
