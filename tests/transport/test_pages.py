"""The pages: a beneficiary requests, a coordinator plans and publishes, a driver completes."""

from __future__ import annotations

import pytest

from maillage.transport.models import DayPlan, DestinationAccess, Leg, RideRequest

pytestmark = pytest.mark.django_db


def test_the_index_is_public_and_links_to_login(client, geography):
    response = client.get("/transport-solidaire/")
    assert response.status_code == 200
    assert "Transport solidaire" in response.content.decode()


def test_a_beneficiary_requests_a_ride_on_the_form(client, member, facility, day):
    client.force_login(member.user)
    page = client.get("/transport-solidaire/demander/")
    assert page.status_code == 200
    response = client.post("/transport-solidaire/demander/", {
        "member": member.pk, "appointment_date": day.isoformat(), "appointment_time": "10:30",
        "appointment_minutes": 45, "facility": facility.pk, "return_trip": "on",
        "reason": "cardiologue"})
    ride = RideRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == ride.get_absolute_url()
    assert ride.legs.count() == 2 and ride.requested_by == member.user


def test_form_errors_are_shown_on_their_field_and_nothing_is_stored(client, member, day):
    client.force_login(member.user)
    response = client.post("/transport-solidaire/demander/", {
        "member": member.pk, "appointment_date": day.isoformat(), "appointment_time": "10:30",
        "appointment_minutes": 45, "destination_address": "1 place du Foirail",
        "destination_commune": "Saint-Affrique", "pickup_commune": "Saint-Affrique"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "hors de la zone desservie" in body and "fr-input-group--error" in body
    assert not RideRequest.objects.exists()


def test_the_whole_journey_through_the_pages(client, coordinator, association, driver, member,
                                             make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    client.force_login(coordinator)
    assert client.get(f"/transport-solidaire/associations/{association.pk}/").status_code == 200
    response = client.post(f"/transport-solidaire/associations/{association.pk}/planifier/",
                           {"day": day.isoformat()})
    plan = DayPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    page = client.get(plan.get_absolute_url())
    assert "Louis" in page.content.decode() or str(driver) in page.content.decode()
    client.post(f"/transport-solidaire/plannings/{plan.pk}/publier/")
    plan.refresh_from_db()
    assert plan.state == DayPlan.State.PUBLISHED

    client.force_login(member.user)
    body = client.get(ride.get_absolute_url()).content.decode()
    assert "Louis" in body  # the driver's first name
    leg = Leg.objects.get(ride=ride)
    assert leg.pickup_at.astimezone().strftime("%H:%M") in body

    client.force_login(driver.user)
    day_page = client.get(f"/transport-solidaire/ma-tournee/?jour={day.isoformat()}")
    assert "Centre hospitalier de Mende" in day_page.content.decode()
    # Without a date, the page opens on the driver's next day with a trip (a week ahead).
    assert "Centre hospitalier de Mende" in client.get(
        "/transport-solidaire/ma-tournee/").content.decode()
    base = f"/transport-solidaire/trajets/{leg.pk}"
    client.post(f"{base}/accepter/")
    client.post(f"{base}/prise-en-charge/")
    client.post(f"{base}/depose/", {"km": "12.5"})
    ride.refresh_from_db()
    assert ride.status == RideRequest.Status.DONE

    client.force_login(member.user)
    receipt = client.get(f"/transport-solidaire/transports/{ride.pk}/recu/").content.decode()
    assert "4,38" in receipt or "4.38" in receipt  # 12.5 km × 0.35 €
    log = client.get("/transport-solidaire/consultations/").content.decode()
    assert "louis@example.org" in log or "Louis" in log
    assert DestinationAccess.objects.filter(ride=ride, role="driver").exists()


def test_a_coordinator_without_totp_is_sent_to_set_it_up(client, make_user, association):
    from maillage.accounts.models import Role, RoleAssignment

    user = make_user("nototp@example.org")
    RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, organisation=association)
    client.force_login(user)
    response = client.get(f"/transport-solidaire/associations/{association.pk}/")
    assert response.status_code == 302


def test_coordinator_pages_render(client, coordinator, association, driver, member, make_ride,
                                  day):
    make_ride(hour=10)
    client.force_login(coordinator)
    base = f"/transport-solidaire/associations/{association.pk}"
    for url in (f"{base}/reglages/", f"{base}/beneficiaires/nouveau/",
                f"{base}/benevoles/nouveau/", f"{base}/rapport/", f"{base}/territoire/",
                f"/transport-solidaire/benevoles/{driver.pk}/",
                f"/transport-solidaire/beneficiaires/{member.pk}/recus/"):
        assert client.get(url).status_code == 200, url


def test_the_coordinator_registers_a_member_checking_eligibility(client, coordinator,
                                                                 association):
    from maillage.transport.models import Member, TransportSettings

    TransportSettings.objects.filter(association=association).update(minimum_age=60)
    client.force_login(coordinator)
    url = f"/transport-solidaire/associations/{association.pk}/beneficiaires/nouveau/"
    data = {"first_name": "Paul", "last_name": "Roux", "birth_date": "1990-01-01",
            "address": "1 rue", "commune": "Mende", "fee_paid": "on"}
    body = client.post(url, data).content.decode()
    assert "60 ans et plus" in body and not Member.objects.exists()
    data["birth_date"] = "1940-01-01"
    assert client.post(url, data).status_code == 302
    assert Member.objects.get().membership_paid_until is not None


def test_a_driver_declares_a_vehicle_and_slots(client, driver):
    client.force_login(driver.user)
    url = f"/transport-solidaire/benevoles/{driver.pk}/"
    client.post(url, {"form": "vehicle", "label": "Kangoo", "seats": 4,
                      "wheelchair_places": 1})
    client.post(url, {"form": "slot", "weekday": 2, "start": "14:00", "end": "17:00"})
    response = client.post(url, {"form": "slot", "weekday": 2, "start": "16:00",
                                 "end": "18:00"})
    assert "chevauche" in response.content.decode()
    assert driver.vehicles.filter(wheelchair_places=1).exists()
    assert driver.slots.filter(weekday=2).count() == 1


def test_the_driver_sets_a_zone_and_an_unknown_commune_is_named(client, driver):
    client.force_login(driver.user)
    url = f"/transport-solidaire/benevoles/{driver.pk}/"
    bad = client.post(url, {"form": "settings", "zone_codes": "48095, 99999",
                            "max_trip_km": 60, "active": "on"})
    assert "99999" in bad.content.decode() and not driver.zone.exists()
    client.post(url, {"form": "settings", "zone_codes": "48095, 48017", "max_trip_km": 60,
                      "active": "on"})
    assert set(driver.zone.values_list("pk", flat=True)) == {"48095", "48017"}


def test_the_plan_page_logs_that_the_coordinator_saw_the_destinations(
        client, coordinator, association, driver, make_ride, day, member):
    ride = make_ride(hour=10, return_trip=False)
    client.force_login(coordinator)
    client.post(f"/transport-solidaire/associations/{association.pk}/planifier/",
                {"day": day.isoformat()})
    plan = DayPlan.objects.get()
    assert client.get(plan.get_absolute_url()).status_code == 200
    entry = DestinationAccess.objects.get(ride=ride)
    assert (entry.role, entry.channel, entry.member_id) == ("coordinator", "plan", member.pk)
