"""The planner's cost equals a brute-force optimum on small random problems.

The brute force tries every assignment of requests to vehicles and every order of each
vehicle's stops (pickup before drop), and keeps the cheapest whose exact timing exists
(windows, ride times, route duration, capacity); it shares no search with OR-Tools.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from maillage.engines.routing import (
    Location,
    PlanningParams,
    Problem,
    Request,
    StopKind,
    Vehicle,
    euclidean_matrix,
    plan_rides,
    verify_plan,
)
from maillage.engines.routing.schedule import schedule_sequence


def _orders(requests: list[Request]):
    """Every sequence of pickups and drops with each pickup before its drop."""
    stops = [(StopKind.PICKUP, r) for r in requests] + [(StopKind.DROP, r) for r in requests]
    for order in itertools.permutations(stops):
        seen: set[str] = set()
        ok = True
        for kind, r in order:
            if kind is StopKind.PICKUP:
                seen.add(r.id)
            elif r.id not in seen:
                ok = False
                break
        if ok:
            yield list(order)


def _best_route(problem: Problem, v: Vehicle, requests: list[Request]) -> float:
    if not requests:
        return 0.0
    c = problem.cost_matrix
    best = math.inf
    for order in _orders(requests):
        load, fits = 0, True
        for kind, r in order:
            load += r.seats if kind is StopKind.PICKUP else -r.seats
            fits &= load <= v.seats
        if not fits:
            continue
        specs = [(StopKind.START, None), *order, (StopKind.END, None)]
        if schedule_sequence(problem, v, specs) is None:
            continue
        points = [v.start] + [r.pickup if k is StopKind.PICKUP else r.drop for k, r in order]
        points.append(v.end)
        best = min(best, float(sum(c[a, b] for a, b in itertools.pairwise(points))))
    return best


def brute_force_cost(problem: Problem) -> float:
    best = math.inf
    requests, vehicles = list(problem.requests), list(problem.vehicles)
    for assignment in itertools.product(range(len(vehicles)), repeat=len(requests)):
        total = 0.0
        for k, v in enumerate(vehicles):
            mine = [r for r, a in zip(requests, assignment, strict=True) if a == k]
            if any(v.id in r.excluded_vehicles for r in mine):
                total = math.inf
                break
            total += _best_route(problem, v, mine)
            if total >= best:
                break
        best = min(best, total)
    return best


def random_problem(seed: int, n: int = 4, excluded: bool = False) -> Problem:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 20, size=(2 * n + 1, 2))
    locations = tuple(Location(str(i), float(x), float(y)) for i, (x, y) in enumerate(xy))
    tt = euclidean_matrix(locations)
    requests = []
    for i in range(n):
        p, d = 1 + i, 1 + n + i
        appointment = float(rng.uniform(40, 120))
        requests.append(Request(
            f"r{i}", p, d, drop_window=(appointment - 25, appointment),
            max_ride_time=float(tt[p, d]) * 1.6 + 5, pickup_service=1.0, drop_service=1.0,
            excluded_vehicles=frozenset({"v1"}) if excluded and i == 0 else frozenset()))
    vehicles = (Vehicle("v0", 0, 0, seats=2, available=(0, 300)),
                Vehicle("v1", 0, 0, seats=2, available=(0, 300)))
    return Problem(locations, tt, tuple(requests), vehicles)


@pytest.mark.parametrize(("seed", "excluded"), [(s, s % 2 == 1) for s in range(6)])
def test_the_plan_is_as_cheap_as_the_brute_force_optimum(seed: int, excluded: bool) -> None:
    problem = random_problem(seed, excluded=excluded)
    optimum = brute_force_cost(problem)
    assert optimum < math.inf  # the generator makes every request servable

    plan = plan_rides(problem, PlanningParams(time_limit_s=20, solution_limit=400))

    assert verify_plan(problem, plan) == []
    assert plan.unserved == ()
    # Integer costs inside OR-Tools are the float costs x 1000, rounded: 1e-3 per arc at most.
    assert plan.cost == pytest.approx(optimum, abs=0.02)
    if excluded:
        assert plan.route_of("r0").vehicle_id == "v0"


def test_a_request_every_vehicle_is_excluded_for_is_unserved_with_its_reason() -> None:
    problem = random_problem(0)
    first = problem.requests[0]
    blocked = Request(first.id, first.pickup, first.drop, drop_window=first.drop_window,
                      excluded_vehicles=frozenset({"v0", "v1"}))
    problem = Problem(problem.locations, problem.travel_time,
                      (blocked, *problem.requests[1:]), problem.vehicles)

    plan = plan_rides(problem, PlanningParams(time_limit_s=20, solution_limit=200))

    assert [(u.request_id, u.reason.value) for u in plan.unserved] == [("r0", "excluded")]
    assert verify_plan(problem, plan) == []


def test_the_verifier_flags_an_excluded_vehicle() -> None:
    problem = random_problem(1)
    plan = plan_rides(problem, PlanningParams(time_limit_s=20, solution_limit=200))
    vid = plan.route_of("r0").vehicle_id
    first = problem.requests[0]
    changed = Problem(problem.locations, problem.travel_time,
                      (Request(first.id, first.pickup, first.drop, drop_window=first.drop_window,
                               max_ride_time=first.max_ride_time, pickup_service=1.0,
                               drop_service=1.0, excluded_vehicles=frozenset({vid})),
                       *problem.requests[1:]), problem.vehicles)
    assert any("excluded" in e for e in verify_plan(changed, plan))
