"""The verifier catches each kind of violation in a tampered plan."""

from __future__ import annotations

from dataclasses import replace

import pytest

from maillage.engines.routing import Lock, Plan, Request, Vehicle, plan_rides, verify_plan

from .conftest import TINY, line_problem

XS = {"home1": 0.0, "a": 1.0, "b": 2.0, "home2": 3.5, "clinic": 10.0}
P = {name: i for i, name in enumerate(XS)}


@pytest.fixture
def problem():
    requests = [
        Request("A", P["a"], P["clinic"], drop_window=(30.0, 40.0), max_ride_time=15.0),
        Request("B", P["b"], P["clinic"], drop_window=(30.0, 40.0), max_ride_time=15.0),
        Request("W", P["a"], P["clinic"], seats=0, wheelchair=True, drop_window=(30.0, 40.0)),
    ]
    vehicles = [
        Vehicle("v1", P["home1"], P["home1"], seats=2, available=(0.0, 100.0)),
        Vehicle("van", P["home2"], P["home2"], seats=1, wheelchair_places=1),
    ]
    return line_problem(XS, requests, vehicles)


@pytest.fixture
def plan(problem) -> Plan:
    plan = plan_rides(problem, TINY)
    assert verify_plan(problem, plan) == []
    return plan


def edit_stop(plan: Plan, rid: str, kind: str, **changes: float) -> Plan:
    routes = []
    for route in plan.routes:
        stops = tuple(
            replace(s, **changes) if (s.request_id, s.kind.value) == (rid, kind) else s
            for s in route.stops
        )
        routes.append(replace(route, stops=stops))
    return replace(plan, routes=tuple(routes))


def test_it_flags_a_late_drop_and_the_ride_time(problem, plan) -> None:
    drop = next(
        s for r in plan.routes for s in r.stops if (s.request_id, s.kind.value) == ("A", "drop")
    )
    late = edit_stop(plan, "A", "drop", start=drop.start + 20, departure=drop.departure + 20)
    errors = verify_plan(problem, late)
    assert any("outside window" in e for e in errors)
    assert any("ride time" in e for e in errors)


def test_it_flags_an_impossible_travel_time(problem, plan) -> None:
    drop = next(
        s for r in plan.routes for s in r.stops if (s.request_id, s.kind.value) == ("A", "drop")
    )
    early = edit_stop(plan, "A", "drop", start=drop.start - 30, departure=drop.departure - 30)
    assert any("cannot arrive before" in e for e in verify_plan(problem, early))


def test_it_flags_a_wheelchair_in_a_car_without_place(problem, plan) -> None:
    swapped = tuple(
        replace(r, vehicle_id={"v1": "van", "van": "v1"}[r.vehicle_id]) for r in plan.routes
    )
    errors = verify_plan(problem, replace(plan, routes=swapped))
    assert any("needs a wheelchair place" in e for e in errors)


def test_it_flags_too_many_passengers(problem, plan) -> None:
    load = {r.vehicle_id: max(s.seats_load for s in r.stops) for r in plan.routes}
    fuller = max(load, key=load.__getitem__)
    vehicles = tuple(
        replace(v, seats=load[v.id] - 1) if v.id == fuller else v for v in problem.vehicles
    )
    smaller = replace(problem, vehicles=vehicles)
    assert any("seats used" in e for e in verify_plan(smaller, plan))


def test_it_flags_a_moved_lock(problem, plan) -> None:
    elsewhere = "van" if plan.route_of("A").vehicle_id == "v1" else "v1"
    locked = replace(problem, locks=(Lock("A", elsewhere),))
    assert verify_plan(locked, plan) == [
        f"locked request 'A' moved to {plan.route_of('A').vehicle_id!r}"
    ]


def test_it_flags_a_forgotten_request(problem, plan) -> None:
    forgotten = replace(plan, routes=plan.routes[:1], served=plan.routes[0].request_ids)
    errors = verify_plan(problem, forgotten)
    assert any("neither served nor listed unserved" in e for e in errors)
    assert any("reported cost" in e for e in errors)


def test_it_flags_a_route_too_long_for_the_driver(problem, plan) -> None:
    strict = replace(
        problem,
        vehicles=tuple(
            replace(v, max_route_duration=5.0, max_route_distance=5.0) for v in problem.vehicles
        ),
    )
    errors = verify_plan(strict, plan)
    assert any("route lasts" in e for e in errors)
    assert any("long >" in e for e in errors)
