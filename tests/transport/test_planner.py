"""The coordinator plans a day: the engine's plan is checked, stored, adjusted and published."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maillage.engines.routing import PlanningParams, plan_rides, verify_plan
from maillage.transport import selectors, services
from maillage.transport.models import DayPlan, Leg, RideRequest
from maillage.transport.planning import build_day_problem

pytestmark = pytest.mark.django_db


def test_a_small_day_is_planned_feasibly_and_every_leg_gets_a_driver(
        coordinator, association, driver, other_driver, make_ride, day):
    rides = [make_ride(hour=9), make_ride(hour=11, return_trip=False), make_ride(hour=14)]

    plan = services.day_plan_start(actor=coordinator, association=association, day=day)

    plan.refresh_from_db()
    assert plan.state == DayPlan.State.DRAFT
    assert plan.progress.state == "succeeded"
    assert plan.summary["served"] == 5 and plan.summary["unserved"] == 0
    legs = Leg.objects.filter(ride__in=rides)
    assert all(leg.volunteer_id is not None and leg.pickup_at for leg in legs)
    outbound = legs.get(ride=rides[0], direction="outbound")
    # arrives between 45 and 10 minutes before the 9:00 appointment
    assert (rides[0].appointment_at - outbound.drop_at).total_seconds() / 60 >= 10 - 1e-6
    day_problem = build_day_problem(association.pk, day)
    again = plan_rides(day_problem.problem, PlanningParams(solution_limit=500))
    assert verify_plan(day_problem.problem, again) == []


def test_a_moved_and_locked_leg_stays_with_its_driver_after_replanning(
        coordinator, association, driver, other_driver, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    leg = ride.legs.get()
    target = other_driver if leg.volunteer_id == driver.pk else driver

    services.leg_move(actor=coordinator, leg=leg, volunteer=target)
    make_ride(hour=15, return_trip=False)  # a late request
    services.day_plan_start(actor=coordinator, association=association, day=day)

    leg.refresh_from_db()
    assert leg.volunteer_id == target.pk and leg.locked
    plan.refresh_from_db()
    assert plan.summary["unserved"] == 0


def test_an_unserved_request_shows_its_reason(coordinator, association, driver, make_ride,
                                               day, member):
    ride = make_ride(hour=10, wheelchair=True, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)

    ride.refresh_from_db()
    assert ride.status == RideRequest.Status.UNSERVED
    assert ride.unserved_reason == "wheelchair"
    status = selectors.ride_status(selectors.ride_get(actor=member.user, pk=ride.pk))
    assert "fauteuil" in status.unserved_reason


def test_a_driver_absent_that_day_gets_no_ride(coordinator, association, driver, make_ride,
                                               day):
    services.availability_exception_add(actor=driver.user, volunteer=driver, on=day)
    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    ride.refresh_from_db()
    assert ride.unserved_reason == "no_vehicle"


def test_a_stale_run_does_not_overwrite_a_newer_one(coordinator, association, driver,
                                                    make_ride, day):
    make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    DayPlan.objects.filter(pk=plan.pk).update(run_token="00000000-0000-0000-0000-000000000001")
    state = DayPlan.objects.get(pk=plan.pk).state
    services.day_plan_execute(plan, token="00000000-0000-0000-0000-000000000002")
    plan.refresh_from_db()
    assert str(plan.run_token) == "00000000-0000-0000-0000-000000000001"
    # The stale run did not even mark the plan as running (it would stay "en cours" for ever).
    assert plan.state == state != DayPlan.State.RUNNING


def test_only_the_association_coordinator_plans(other_coordinator, driver, association, day):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.day_plan_start(actor=other_coordinator, association=association, day=day)
    with pytest.raises(PermissionDenied):
        services.day_plan_start(actor=driver.user, association=association, day=day)


def test_publish_then_driver_accepts_completes_and_the_contribution_follows(
        coordinator, association, driver, make_ride, day, member):
    ride = make_ride(hour=10)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    ride.refresh_from_db()
    assert ride.status == RideRequest.Status.PLANNED
    legs = list(ride.legs.order_by("direction"))  # outbound, return
    for leg in legs:
        services.leg_respond(actor=driver.user, leg=leg, accept=True)
    ride.refresh_from_db()
    assert ride.status == RideRequest.Status.CONFIRMED

    services.leg_pickup(actor=driver.user, leg=legs[0])
    services.leg_drop(actor=driver.user, leg=legs[0], km=Decimal("23.4"))
    services.leg_drop(actor=driver.user, leg=legs[1], km=Decimal("5"))

    ride.refresh_from_db()
    assert ride.status == RideRequest.Status.DONE
    amounts = sorted(c.amount for c in ride.contributions.all())
    # 5 km × 0.35 = 1.75 < minimum 3.00 ; 23.4 km × 0.35 = 8.19
    assert amounts == [Decimal("3.00"), Decimal("8.19")]


def test_a_declined_leg_goes_back_to_planning(coordinator, association, driver, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    leg = ride.legs.get()
    services.leg_respond(actor=driver.user, leg=leg, accept=False)
    leg.refresh_from_db()
    ride.refresh_from_db()
    plan.refresh_from_db()
    assert leg.volunteer_id is None and ride.status == RideRequest.Status.REQUESTED


def test_a_late_request_on_a_published_day_is_planned_around_accepted_legs(
        coordinator, association, driver, other_driver, make_ride, day, member):
    first = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    leg = first.legs.get()
    services.leg_respond(actor=leg.volunteer.user, leg=leg, accept=True)
    late = make_ride(hour=10, minute=15, return_trip=False)

    services.day_plan_start(actor=coordinator, association=association, day=day)

    plan.refresh_from_db()
    kept = first.legs.get()
    assert plan.state == DayPlan.State.PUBLISHED
    # Same driver, still accepted; the times may shift within the ride's windows.
    assert (kept.volunteer_id, kept.answer) == (leg.volunteer_id, "accepted")
    minutes_early = (first.appointment_at - kept.drop_at).total_seconds() / 60
    assert 10 - 1e-6 <= minutes_early <= 45 + 1e-6
    late.refresh_from_db()
    assert late.status == RideRequest.Status.PLANNED
    status = selectors.ride_status(selectors.ride_get(actor=member.user, pk=late.pk))
    assert status.legs[0]["driver_first_name"] in {"Louis", "Nadia"}


def test_a_second_coordinator_cannot_start_the_same_day_while_it_runs(
        coordinator, association, driver, day, make_user, with_totp):
    import uuid

    from django.core.exceptions import ValidationError

    from maillage.accounts.models import Role, RoleAssignment

    second = make_user("second@asso.example.org")
    RoleAssignment.objects.create(user=second, role=Role.COORDINATOR, organisation=association)
    DayPlan.objects.create(association=association, date=day, state=DayPlan.State.RUNNING,
                           run_token=uuid.uuid4())
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.day_plan_start(actor=second, association=association, day=day)


def test_the_plan_is_checked_independently_before_it_is_stored(
        coordinator, association, driver, make_ride, day, monkeypatch):
    from maillage.transport import services as module

    ride = make_ride(hour=10, return_trip=False)
    monkeypatch.setattr(module, "verify_plan", lambda problem, plan: ["ride time exceeded"])
    services.day_plan_start(actor=coordinator, association=association, day=day)
    plan = DayPlan.objects.select_related("progress").get()
    assert plan.progress.state == "failed"
    assert plan.state == DayPlan.State.FAILED and "ride time exceeded" in plan.error
    assert ride.legs.get().volunteer_id is None


def test_travel_times_come_from_the_configured_source(association, driver, make_ride, day,
                                                      settings, tmp_path):
    """An origin–destination matrix (as for the access analyses) replaces the default model."""
    matrix = tmp_path / "od.csv"
    matrix.write_text("origin,destination,minutes\n48017,48095,40\n48095,48017,41\n")
    settings.MAILLAGE_TRAVEL_TIMES = f"od:{matrix}"
    ride = make_ride(hour=11, return_trip=False)

    day_problem = build_day_problem(association.pk, day)

    request = day_problem.problem.request(str(ride.legs.get().pk))
    assert day_problem.problem.travel_time[request.pickup, request.drop] == 40.0
    assert day_problem.travel_model.startswith("od")
    plan = plan_rides(day_problem.problem, PlanningParams(solution_limit=200))
    assert plan.served and verify_plan(day_problem.problem, plan) == []


def test_a_driver_who_declined_is_not_proposed_the_leg_again(coordinator, association, driver,
                                                             make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    services.leg_respond(actor=driver.user, leg=ride.legs.get(), accept=False)

    services.day_plan_start(actor=coordinator, association=association, day=day)

    leg = ride.legs.get()
    ride.refresh_from_db()
    assert leg.volunteer_id is None
    assert ride.status == RideRequest.Status.UNSERVED and ride.unserved_reason == "declined"


def test_a_declined_leg_is_replanned_to_another_driver(coordinator, association, driver,
                                                      other_driver, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)
    leg = ride.legs.get()
    first = leg.volunteer
    services.leg_respond(actor=first.user, leg=leg, accept=False)

    services.day_plan_start(actor=coordinator, association=association, day=day)

    leg.refresh_from_db()
    assert leg.volunteer_id not in {None, first.pk}
    assert leg.answer == Leg.DriverAnswer.PENDING


def test_a_driver_is_only_given_passengers_of_their_zone(coordinator, association, driver,
                                                        other_driver, make_ride, day):
    """The passenger lives in 48017: only a driver whose zone holds it (or who has no zone)
    is proposed the leg; with no such driver, the leg stays unserved with that reason."""
    driver.zone.set(["48095"])
    other_driver.zone.set(["48017"])
    ride = make_ride(hour=10, return_trip=False)

    services.day_plan_start(actor=coordinator, association=association, day=day)

    assert ride.legs.get().volunteer_id == other_driver.pk
    other_driver.zone.set(["48099"])
    services.day_plan_start(actor=coordinator, association=association, day=day)
    ride.refresh_from_db()
    assert ride.legs.get().volunteer_id is None and ride.unserved_reason == "excluded"


def test_a_coordinator_lock_overrides_the_zone(coordinator, association, driver, make_ride, day):
    driver.zone.set(["48095"])
    ride = make_ride(hour=10, return_trip=False)
    services.day_plan_start(actor=coordinator, association=association, day=day)
    leg = ride.legs.get()
    assert leg.volunteer_id is None

    services.leg_move(actor=coordinator, leg=leg, volunteer=driver)
    services.day_plan_start(actor=coordinator, association=association, day=day)

    leg.refresh_from_db()
    assert leg.volunteer_id == driver.pk and leg.locked and leg.pickup_at is not None


def test_the_longest_trip_accepted_bounds_each_trip_not_the_day(coordinator, association,
                                                               driver, make_ride, day):
    ride = make_ride(hour=10)  # there and back: two trips of the same length
    leg = ride.legs.get(direction="outbound")
    request = build_day_problem(association.pk, day).problem.request(str(leg.pk))
    trip_km = float(build_day_problem(association.pk, day).problem.cost_matrix[
        request.pickup, request.drop])
    assert trip_km > 3
    driver.max_trip_km = int(trip_km) + 1  # each trip fits, the two together do not
    driver.save()
    services.day_plan_start(actor=coordinator, association=association, day=day)
    assert all(leg.volunteer_id == driver.pk for leg in ride.legs.all())

    driver.max_trip_km = max(1, int(trip_km) - 1)
    driver.save()
    services.day_plan_start(actor=coordinator, association=association, day=day)
    ride.refresh_from_db()
    assert all(leg.volunteer_id is None for leg in ride.legs.all())
    assert ride.unserved_reason == "excluded"
