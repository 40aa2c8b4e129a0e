"""An independent check of a plan against every constraint of its problem.

It shares no code with the planner beyond the data classes: it recomputes
loads, travel, ride times and durations from the problem's float matrices, so
that a plan is only published when it is right, whoever produced it.
"""

from __future__ import annotations

from collections import Counter

from .model import Plan, Problem, Request, Route, Stop, StopKind, Vehicle

__all__ = ["verify_plan"]


def verify_plan(problem: Problem, plan: Plan, *, tol: float = 1e-6) -> list[str]:
    """Every constraint the plan violates, as readable sentences (empty when valid).

    Checked: each request served once or listed unserved; stops start and end
    at the vehicle's points; pickup before drop on the same vehicle; travel
    times between consecutive stops; time windows and driver availability;
    maximum ride time; route duration and distance; seats and wheelchair places;
    locked requests on their vehicle (an unserved locked request is a
    violation); the reported loads and totals. Times are compared with ``tol``.

    Examples
    --------
    >>> import numpy as np
    >>> from maillage.engines.routing import (
    ...     Location, PlanningParams, Problem, Request, Vehicle, plan_rides)
    >>> points = (Location("home"), Location("alice"), Location("clinic"))
    >>> minutes = np.array([[0, 10, 20], [10, 0, 15], [20, 15, 0]], dtype=float)
    >>> ride = Request("r1", pickup=1, drop=2, max_ride_time=30)
    >>> problem = Problem(points, minutes, (ride,), (Vehicle("v1", 0, 0, seats=3),))
    >>> verify_plan(problem, plan_rides(problem, PlanningParams(solution_limit=50)))
    []
    """
    errors: list[str] = []
    requests = {r.id: r for r in problem.requests}
    vehicles = {v.id: v for v in problem.vehicles}

    where_served: dict[str, str] = {}
    used = Counter(route.vehicle_id for route in plan.routes)
    errors += [f"vehicle {vid!r} has {n} routes" for vid, n in used.items() if n > 1]
    total_cost = 0.0
    for route in plan.routes:
        v = vehicles.get(route.vehicle_id)
        if v is None:
            errors.append(f"route of unknown vehicle {route.vehicle_id!r}")
            continue
        route_errors, route_cost, picked = _check_route(problem, v, route, requests, tol)
        errors += route_errors
        total_cost += route_cost
        for rid in picked:
            if rid in where_served:
                errors.append(f"request {rid!r} served twice")
            where_served[rid] = v.id

    unserved = [u.request_id for u in plan.unserved]
    for rid, n in Counter(unserved).items():
        if n > 1:
            errors.append(f"request {rid!r} listed unserved {n} times")
        if rid in where_served:
            errors.append(f"request {rid!r} listed unserved but served by {where_served[rid]!r}")
        if rid not in requests:
            errors.append(f"unknown request {rid!r} listed unserved")
    for rid in requests:
        if rid not in where_served and rid not in unserved:
            errors.append(f"request {rid!r} neither served nor listed unserved")
    if sorted(plan.served) != sorted(where_served):
        errors.append("the served list does not match the routes")
    for lock in problem.locks:
        on = where_served.get(lock.request_id)
        if on is None:
            errors.append(f"locked request {lock.request_id!r} is unserved")
        elif on != lock.vehicle_id:
            errors.append(f"locked request {lock.request_id!r} moved to {on!r}")
    if abs(plan.cost - total_cost) > tol * max(1.0, total_cost):
        errors.append(f"reported cost {plan.cost:.6f} differs from recomputed {total_cost:.6f}")
    return errors


def _check_route(
    problem: Problem,
    v: Vehicle,
    route: Route,
    requests: dict[str, Request],
    tol: float,
) -> tuple[list[str], float, list[str]]:
    errors: list[str] = []
    tt, cost = problem.travel_time, problem.cost_matrix
    name = f"vehicle {v.id!r}"
    stops = route.stops
    if len(stops) < 2 or stops[0].kind is not StopKind.START or stops[-1].kind is not StopKind.END:
        return [f"{name}: a route must run from a START stop to an END stop"], 0.0, []
    if stops[0].location != v.start or stops[-1].location != v.end:
        errors.append(f"{name}: route does not start and end at the vehicle's points")

    picked_at: dict[str, int] = {}
    dropped: set[str] = set()
    seats = chairs = 0
    distance = travel = 0.0
    for k, stop in enumerate(stops):
        label = (
            stop.kind.value if stop.request_id is None else f"{stop.kind.value} {stop.request_id}"
        )
        at = f"{name} stop {k} ({label})"
        r = requests.get(stop.request_id) if stop.request_id is not None else None
        if stop.kind in (StopKind.PICKUP, StopKind.DROP):
            if r is None:
                errors.append(f"{at}: unknown request")
                continue
            expected = r.pickup if stop.kind is StopKind.PICKUP else r.drop
            if stop.location != expected:
                errors.append(f"{at}: at point {stop.location}, request says {expected}")
        elif 0 < k < len(stops) - 1:
            errors.append(f"{at}: START/END in the middle of a route")

        # Time: start of service after arrival, arrival after the previous departure.
        service = 0.0
        window = v.available
        if r is not None:
            pickup = stop.kind is StopKind.PICKUP
            service = r.pickup_service if pickup else r.drop_service
            window = r.pickup_window if pickup else r.drop_window
        if k > 0:
            prev = stops[k - 1]
            leg = float(tt[prev.location, stop.location])
            distance += float(cost[prev.location, stop.location])
            travel += leg
            if prev.start + _service_of(prev, requests) + leg > stop.start + tol:
                errors.append(
                    f"{at}: starts at {stop.start:.3f}, cannot arrive before "
                    f"{prev.start + _service_of(prev, requests) + leg:.3f}"
                )
        if stop.arrival > stop.start + tol:
            errors.append(f"{at}: service starts before arrival")
        if abs(stop.departure - (stop.start + service)) > tol:
            errors.append(f"{at}: departure is not start + service time")
        if not window[0] - tol <= stop.start <= window[1] + tol:
            errors.append(f"{at}: starts at {stop.start:.3f}, outside window {window}")
        if not v.available[0] - tol <= stop.start <= v.available[1] + tol:
            errors.append(f"{at}: outside the driver's availability {v.available}")

        if r is not None and stop.kind is StopKind.PICKUP:
            if r.id in picked_at:
                errors.append(f"{at}: picked up twice")
            picked_at[r.id] = k
            seats += r.seats
            chairs += int(r.wheelchair)
            if r.wheelchair and v.wheelchair_places < 1:
                errors.append(f"{at}: needs a wheelchair place, vehicle has none")
            if v.id in r.excluded_vehicles:
                errors.append(f"{at}: vehicle {v.id!r} is excluded for this request")
        elif r is not None and stop.kind is StopKind.DROP:
            if r.id not in picked_at:
                errors.append(f"{at}: dropped before being picked up on this vehicle")
            elif r.id in dropped:
                errors.append(f"{at}: dropped twice")
            else:
                p = stops[picked_at[r.id]]
                ride = stop.start - (p.start + r.pickup_service)
                if r.max_ride_time is not None and ride > r.max_ride_time + tol:
                    errors.append(f"{at}: ride time {ride:.3f} > {r.max_ride_time:g}")
            dropped.add(r.id)
            seats -= r.seats
            chairs -= int(r.wheelchair)
        if seats > v.seats:
            errors.append(f"{at}: {seats} seats used, vehicle has {v.seats}")
        if chairs > v.wheelchair_places:
            errors.append(f"{at}: {chairs} wheelchairs, vehicle has {v.wheelchair_places}")
        if (stop.seats_load, stop.wheelchair_load) != (seats, chairs):
            errors.append(f"{at}: reported load differs from the recomputed one")

    for rid in picked_at.keys() - dropped:
        errors.append(f"{name}: request {rid!r} picked up but never dropped")
    duration = stops[-1].start - stops[0].start
    if v.max_route_duration is not None and duration > v.max_route_duration + tol:
        errors.append(f"{name}: route lasts {duration:.3f} > {v.max_route_duration:g}")
    if v.max_route_distance is not None and distance > v.max_route_distance + tol:
        errors.append(f"{name}: route is {distance:.3f} long > {v.max_route_distance:g}")
    if abs(route.distance - distance) > tol * max(1.0, distance):
        errors.append(f"{name}: reported distance {route.distance:.6f} != {distance:.6f}")
    if abs(route.travel_time - travel) > tol * max(1.0, travel):
        errors.append(f"{name}: reported travel time {route.travel_time:.6f} != {travel:.6f}")
    return errors, distance, list(picked_at)


def _service_of(stop: Stop, requests: dict[str, Request]) -> float:
    r = requests.get(stop.request_id) if stop.request_id is not None else None
    if r is None:
        return 0.0
    return r.pickup_service if stop.kind is StopKind.PICKUP else r.drop_service
