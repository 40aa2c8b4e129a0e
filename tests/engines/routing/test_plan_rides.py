"""Hand-made problems whose best plan is worked out in the docstrings.

Points lie on a line and travel time = distance = |x_i - x_j| minutes, so
every cost below is a sum of gaps that can be checked by hand.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from maillage.engines.routing import (
    Lock,
    PlanningParams,
    Request,
    StopKind,
    UnservedReason,
    Vehicle,
    plan_rides,
    verify_plan,
)

from .conftest import TINY, line_problem

XS = {"home1": 0.0, "a": 1.0, "b": 2.0, "c": 3.0, "home2": 3.5, "clinic": 10.0}
P = {name: i for i, name in enumerate(XS)}
APPOINTMENT = (30.0, 40.0)  # too tight for one car to reach the clinic twice


def to_clinic(rid: str, where: str, **kwargs: object) -> Request:
    return Request(rid, P[where], P["clinic"], drop_window=APPOINTMENT, **kwargs)  # type: ignore[arg-type]


def vehicle_of(plan, rid: str) -> str | None:
    route = plan.route_of(rid)
    return None if route is None else route.vehicle_id


def test_capacity_forces_a_split() -> None:
    """Two seats per car, three passengers: v1 takes a and b (0-1-2-10-0 = 20),
    v2 takes c (3.5-3-10-3.5 = 14); any other split costs 36 or more, and one
    car taking all three (20) would need three seats."""
    requests = [to_clinic("A", "a"), to_clinic("B", "b"), to_clinic("C", "c")]
    vehicles = [
        Vehicle("v1", P["home1"], P["home1"], seats=2),
        Vehicle("v2", P["home2"], P["home2"], seats=2),
    ]
    problem = line_problem(XS, requests, vehicles)
    plan = plan_rides(problem, TINY)

    assert verify_plan(problem, plan) == []
    assert {rid: vehicle_of(plan, rid) for rid in "ABC"} == {"A": "v1", "B": "v1", "C": "v2"}
    assert plan.cost == pytest.approx(34.0)
    assert max(s.seats_load for r in plan.routes for s in r.stops) == 2


def test_one_car_takes_everyone_when_it_has_the_seats() -> None:
    """The same rides with three seats in v1: 0-1-2-3-10-0 = 20 serves all."""
    requests = [to_clinic("A", "a"), to_clinic("B", "b"), to_clinic("C", "c")]
    vehicles = [
        Vehicle("v1", P["home1"], P["home1"], seats=3),
        Vehicle("v2", P["home2"], P["home2"], seats=2),
    ]
    problem = line_problem(XS, requests, vehicles)
    plan = plan_rides(problem, TINY)

    assert verify_plan(problem, plan) == []
    assert [r.vehicle_id for r in plan.routes] == ["v1"]
    assert plan.cost == pytest.approx(20.0)


def test_wheelchair_rides_only_in_the_wheelchair_vehicle() -> None:
    """v1 (no wheelchair place) is next door; the van lives at x = 20 and has a
    wheelchair place but no seat. W must ride in the van (20-1-10-20 = 38), N
    in v1 (0-1-10-0 = 20): 58, against 20 if v1 could take both."""
    xs = {**XS, "home2": 20.0}
    requests = [
        to_clinic("W", "a", seats=0, wheelchair=True),
        to_clinic("N", "a"),
    ]
    vehicles = [
        Vehicle("v1", P["home1"], P["home1"], seats=3),
        Vehicle("van", P["home2"], P["home2"], seats=0, wheelchair_places=1),
    ]
    problem = line_problem(xs, requests, vehicles)
    plan = plan_rides(problem, TINY)

    assert verify_plan(problem, plan) == []
    assert (vehicle_of(plan, "W"), vehicle_of(plan, "N")) == ("van", "v1")
    assert plan.cost == pytest.approx(58.0)
    van = plan.route_of("W")
    assert van is not None
    assert [s.wheelchair_load for s in van.stops] == [0, 1, 0, 0]


def test_impossible_requests_are_reported_with_their_reason() -> None:
    """Each impossible request fails for one reason; the feasible one is served."""
    requests = [
        to_clinic("ok", "a"),
        to_clinic("chair", "b", seats=0, wheelchair=True),
        to_clinic("group", "b", seats=4),
        Request("late", P["a"], P["clinic"], drop_window=(0.0, 5.0)),  # clinic is 10 min away
        Request("long", P["a"], P["clinic"], max_ride_time=5.0),  # direct trip is 9 min
    ]
    vehicles = [
        Vehicle("v1", P["home1"], P["home1"], seats=3),
        Vehicle("v2", P["home2"], P["home2"], seats=2),
    ]
    problem = line_problem(XS, requests, vehicles)
    plan = plan_rides(problem, TINY)

    assert verify_plan(problem, plan) == []
    assert plan.served == ("ok",)
    assert {u.request_id: u.reason for u in plan.unserved} == {
        "chair": UnservedReason.WHEELCHAIR,
        "group": UnservedReason.CAPACITY,
        "late": UnservedReason.TIME_WINDOW,
        "long": UnservedReason.MAX_RIDE_TIME,
    }
    assert all(u.detail for u in plan.unserved)


def test_a_request_that_does_not_fit_is_dropped_not_failed() -> None:
    """One car with one seat, two passengers for the same appointment: each
    alone is feasible, together they are not, so one is left with NO_ROOM."""
    requests = [to_clinic("A", "a"), to_clinic("B", "a")]
    vehicles = [Vehicle("v1", P["home1"], P["home1"], seats=1)]
    problem = line_problem(XS, requests, vehicles)
    plan = plan_rides(problem, TINY)

    assert verify_plan(problem, plan) == []
    assert len(plan.served) == 1
    assert [u.reason for u in plan.unserved] == [UnservedReason.NO_ROOM]


def test_a_locked_request_stays_on_its_vehicle() -> None:
    """Freely, v2 takes A and C (3.5-1-3-10-3.5 = 18). With A locked on v1,
    v1 takes both (0-1-3-10-0 = 20) rather than A alone (20) plus C on v2 (14)."""
    requests = [to_clinic("A", "a"), to_clinic("C", "c")]
    vehicles = [
        Vehicle("v1", P["home1"], P["home1"], seats=3),
        Vehicle("v2", P["home2"], P["home2"], seats=3),
    ]
    free = line_problem(XS, requests, vehicles)
    free_plan = plan_rides(free, TINY)
    assert (vehicle_of(free_plan, "A"), free_plan.cost) == ("v2", pytest.approx(18.0))

    locked = line_problem(XS, requests, vehicles, locks=(Lock("A", "v1"),))
    plan = plan_rides(locked, TINY)

    assert verify_plan(locked, plan) == []
    assert (vehicle_of(plan, "A"), vehicle_of(plan, "C")) == ("v1", "v1")
    assert plan.cost == pytest.approx(20.0)


def test_an_impossible_lock_is_reported_and_flagged_by_the_verifier() -> None:
    """A wheelchair ride locked on a car without a wheelchair place is left
    unserved with LOCK_INFEASIBLE, and the plan must not be published."""
    requests = [to_clinic("W", "a", seats=0, wheelchair=True)]
    vehicles = [
        Vehicle("v1", P["home1"], P["home1"], seats=3),
        Vehicle("van", P["home2"], P["home2"], seats=1, wheelchair_places=1),
    ]
    problem = line_problem(XS, requests, vehicles, locks=(Lock("W", "v1"),))
    plan = plan_rides(problem, TINY)

    assert [u.reason for u in plan.unserved] == [UnservedReason.LOCK_INFEASIBLE]
    assert verify_plan(problem, plan) == ["locked request 'W' is unserved"]


RIDE_XS = {"depot": 0.0, "a": 1.0, "b": 2.0, "da": 10.0, "db": 11.0, "far": 100.0}
R = {name: i for i, name in enumerate(RIDE_XS)}


def ride_problem(max_ride_a: float | None):
    service = {"pickup_service": 5.0, "drop_service": 5.0}
    requests = [
        Request("A", R["a"], R["da"], max_ride_time=max_ride_a, **service),
        Request("B", R["b"], R["db"], **service),
    ]
    vehicles = [
        Vehicle("v1", R["depot"], R["depot"], seats=3),
        Vehicle("v2", R["far"], R["far"], seats=3),  # 200 min round trip: unused
    ]
    return line_problem(RIDE_XS, requests, vehicles)


def test_without_a_ride_limit_the_shortest_tour_is_chosen() -> None:
    """0-1-2-10-11-0 = 22, A riding 1 + 5 (B boards) + 8 = 14 minutes."""
    problem = ride_problem(None)
    plan = plan_rides(problem, TINY)
    assert verify_plan(problem, plan) == []
    assert plan.cost == pytest.approx(22.0)


def test_max_ride_time_is_respected() -> None:
    """With A's ride limited to 10 minutes, B must board first:
    0-2-1-10-11-0 = 24 and A rides 9 minutes."""
    problem = ride_problem(10.0)
    plan = plan_rides(problem, TINY)

    assert verify_plan(problem, plan) == []
    assert plan.cost == pytest.approx(24.0)
    (route,) = plan.routes
    assert [(s.kind, s.request_id) for s in route.stops[1:-1]] == [
        (StopKind.PICKUP, "B"),
        (StopKind.PICKUP, "A"),
        (StopKind.DROP, "A"),
        (StopKind.DROP, "B"),
    ]
    by_stop = {(s.kind, s.request_id): s for s in route.stops}
    ride = by_stop[StopKind.DROP, "A"].start - by_stop[StopKind.PICKUP, "A"].departure
    assert ride <= 10.0


def test_the_driver_waits_at_home_rather_than_with_passengers() -> None:
    """Appointment at 60, clinic 9 min from a, a 1 min from home: leave at 50,
    board at 51, drop at 60, home at 70; no waiting anywhere."""
    problem = line_problem(
        XS,
        [Request("A", P["a"], P["clinic"], drop_window=(60.0, 60.0))],
        [Vehicle("v1", P["home1"], P["home1"], seats=3)],
    )
    plan = plan_rides(problem, TINY)
    (route,) = plan.routes
    assert [s.start for s in route.stops] == [50.0, 51.0, 60.0, 70.0]
    assert all(s.arrival == s.start for s in route.stops)


def test_the_same_inputs_give_the_same_plan() -> None:
    """With a solution limit the search does not depend on the machine's speed."""
    problem = ride_problem(10.0)
    params = PlanningParams(time_limit_s=20, solution_limit=40)
    assert plan_rides(problem, params) == plan_rides(problem, params)


@pytest.mark.parametrize(
    "limit", [{"max_route_distance": 19.0}, {"max_route_duration": 19.0}], ids=["km", "minutes"]
)
def test_a_driver_is_not_sent_further_than_accepted(limit: dict[str, float]) -> None:
    """v1 next door would drive 0-1-10-0 = 20 (and work 20 min); limited to 19,
    the ride goes to v2, who lives at x = 20 (20-1-10-20 = 38)."""
    xs = {**XS, "home2": 20.0}
    requests = [to_clinic("A", "a")]
    v1 = Vehicle("v1", P["home1"], P["home1"], seats=3)
    v2 = Vehicle("v2", P["home2"], P["home2"], seats=3)
    free = plan_rides(line_problem(xs, requests, [v1, v2]), TINY)
    assert (vehicle_of(free, "A"), free.cost) == ("v1", pytest.approx(20.0))

    problem = line_problem(xs, requests, [replace(v1, **limit), v2])
    plan = plan_rides(problem, TINY)
    assert verify_plan(problem, plan) == []
    assert (vehicle_of(plan, "A"), plan.cost) == ("v2", pytest.approx(38.0))


def test_without_drivers_every_request_is_unserved() -> None:
    problem = line_problem(XS, [to_clinic("A", "a")], [])
    plan = plan_rides(problem, TINY)
    assert (plan.routes, plan.cost) == ((), 0.0)
    assert [u.reason for u in plan.unserved] == [UnservedReason.NO_VEHICLE]
    assert verify_plan(problem, plan) == []
