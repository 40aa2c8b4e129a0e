"""The planner: a pickup-and-delivery model with time windows for OR-Tools.

Model (one routing node per stop, so requests may share a point):

- arc cost = cost matrix x ``scale``, rounded; the plan's reported cost is
  recomputed with the exact floats;
- a ``time`` dimension whose transit i -> j is service(i) + travel(i, j),
  x ``scale`` and rounded *up*, with waiting allowed (slack); windows are
  rounded inwards and ride-time and duration limits down, so every integer
  solution stays feasible with the exact float times;
- pickup and drop on the same vehicle, pickup first; ride time
  B(drop) - B(pickup) <= service(pickup) + L on the time cumuls; route
  duration as the time dimension's span bound;
- ``seats`` and ``wheelchair`` capacity dimensions; vehicles without a
  wheelchair place, without enough seats, or which cannot serve a request even
  alone are excluded for it; a lock allows only its vehicle;
- each request is optional at a penalty, so impossible requests are reported
  rather than making the solve fail.
- windows are first narrowed to the bounds every feasible plan respects
  (:mod:`.tighten`), which both searches then prune with.

OR-Tools' guided local search gets ``1 - improve_share`` of the budget; its
routes are then improved by ruin and recreate (:mod:`.improve`) with the rest,
and the routes found are timed again with floats (:mod:`.schedule`); the
improved plan is kept only when every route passes that exact timing.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from .improve import Improver, build_data
from .model import (
    INF,
    Plan,
    PlanningParams,
    Problem,
    Request,
    Route,
    Stop,
    StopKind,
    Unserved,
    UnservedReason,
    Vehicle,
)
from .schedule import StopSpec, schedule_sequence, stop_point, stop_service
from .tighten import tighten_windows

__all__ = ["plan_rides"]

logger = logging.getLogger(__name__)

_EPS = 1e-9  # absorbs float noise before integer rounding


def plan_rides(
    problem: Problem, params: PlanningParams | None = None, *, initial: Plan | None = None
) -> Plan:
    """Plan the day's rides: assign requests to vehicles, order and time the stops.

    Parameters
    ----------
    problem
        Points, travel-time (and optional distance) matrix, requests, vehicles, locks.
    params
        Search budget and strategy; see :class:`PlanningParams` for determinism.
    initial
        A previous plan of (a version of) this problem to start the search
        from, so that re-planning after a change keeps what still fits;
        ignored when it no longer fits the problem.

    Returns
    -------
    Plan
        Routes of the vehicles that serve at least one request, the served and
        unserved requests (with a reason), and the exact float cost.

    Notes
    -----
    Determinism: OR-Tools' routing search runs on one thread and draws no
    random numbers, and the model is built in the order of ``problem``'s
    tuples; the operators enabled here do not use the per-neighbourhood LNS
    time limit. So the same problem and params give the same plan whenever
    the search is stopped by ``params.solution_limit`` rather than by
    ``params.time_limit_s`` (``plan.solutions_found`` tells which; it counts
    OR-Tools' solutions plus the ruin-and-recreate iterations, whose random
    draws come from ``params.seed``). With a time limit alone, a faster
    machine goes further.

    Examples
    --------
    >>> import numpy as np
    >>> from maillage.engines.routing import (
    ...     Location, PlanningParams, Problem, Request, Vehicle, plan_rides)
    >>> points = (Location("home"), Location("alice"), Location("clinic"))
    >>> minutes = np.array([[0, 10, 20], [10, 0, 15], [20, 15, 0]], dtype=float)
    >>> ride = Request("r1", pickup=1, drop=2, drop_window=(60, 90), max_ride_time=30)
    >>> car = Vehicle("v1", start=0, end=0, seats=3, available=(0, 480))
    >>> problem = Problem(points, minutes, (ride,), (car,))
    >>> plan = plan_rides(problem, PlanningParams(solution_limit=50))
    >>> plan.served, plan.cost
    (('r1',), 45.0)
    >>> [(s.kind.value, s.start) for s in plan.routes[0].stops]
    [('start', 35.0), ('pickup', 45.0), ('drop', 60.0), ('end', 80.0)]
    """
    params = params or PlanningParams()
    t0 = time.perf_counter()
    vehicle_index = {v.id: k for k, v in enumerate(problem.vehicles)}
    lock_of = {lock.request_id: vehicle_index[lock.vehicle_id] for lock in problem.locks}

    allowed: dict[str, list[int]] = {}
    unserved: dict[str, Unserved] = {}
    for r in problem.requests:
        vehicles, why = _servable_by(problem, r, lock_of.get(r.id))
        if vehicles:
            allowed[r.id] = vehicles
        else:
            assert why is not None
            unserved[r.id] = why
    # Narrower windows (implied ones only) speed up both searches.
    routable = tighten_windows(problem, [r for r in problem.requests if r.id in allowed], allowed)

    if routable and problem.vehicles:
        deadline = t0 + params.time_limit_s
        routes, dropped, status, n_solutions = _solve(
            problem, params, routable, allowed, lock_of, initial, deadline
        )
    else:
        routes, dropped, status, n_solutions = [], [], "NO_REQUEST_TO_ROUTE", 0
    for r in dropped:
        if r.id in lock_of:
            detail = "the locked vehicle could serve it alone but not with its other rides"
            unserved[r.id] = Unserved(r.id, UnservedReason.LOCK_INFEASIBLE, detail)
        else:
            detail = "servable alone but not fitted in the plan (fleet busy, or search too short)"
            unserved[r.id] = Unserved(r.id, UnservedReason.NO_ROOM, detail)

    served = {rid for route in routes for rid in route.request_ids}
    plan = Plan(
        routes=tuple(routes),
        served=tuple(r.id for r in problem.requests if r.id in served),
        unserved=tuple(unserved[r.id] for r in problem.requests if r.id in unserved),
        cost=float(sum(route.distance for route in routes)),
        total_travel_time=float(sum(route.travel_time for route in routes)),
        total_duration=float(sum(route.duration for route in routes)),
        solver_status=status,
        solutions_found=n_solutions,
        wall_time_s=time.perf_counter() - t0,
    )
    logger.info(
        "planned %s: %d served, %d unserved, cost %.2f, %s after %d solutions in %.1fs",
        problem.name or "problem",
        len(plan.served),
        len(plan.unserved),
        plan.cost,
        status,
        n_solutions,
        plan.wall_time_s,
    )
    return plan


def _servable_by(
    problem: Problem, r: Request, locked_on: int | None
) -> tuple[list[int], Unserved | None]:
    """Vehicles able to serve ``r`` alone, or why none can."""
    if locked_on is not None:
        v = problem.vehicles[locked_on]
        why = _unfit(problem, v, r)
        if why is None:
            return [locked_on], None
        return [], Unserved(r.id, UnservedReason.LOCK_INFEASIBLE, f"vehicle {v.id!r}: {why}")

    fits = [k for k, v in enumerate(problem.vehicles)
            if v.id not in r.excluded_vehicles and _unfit(problem, v, r) is None]
    if fits:
        return fits, None
    if not problem.vehicles:
        return [], Unserved(r.id, UnservedReason.NO_VEHICLE, "no driver is available")
    if all(v.id in r.excluded_vehicles for v in problem.vehicles):
        detail = "every available driver is excluded (declined it, or outside their zone)"
        return [], Unserved(r.id, UnservedReason.EXCLUDED, detail)
    if r.wheelchair and not any(v.wheelchair_places for v in problem.vehicles):
        return [], Unserved(r.id, UnservedReason.WHEELCHAIR, "no vehicle has a wheelchair place")
    suitable = [v for v in problem.vehicles if v.wheelchair_places or not r.wheelchair]
    if not any(v.seats >= r.seats for v in suitable):
        detail = f"needs {r.seats} seats, the largest suitable vehicle has fewer"
        return [], Unserved(r.id, UnservedReason.CAPACITY, detail)
    direct = float(problem.travel_time[r.pickup, r.drop])
    if r.max_ride_time is not None and direct > r.max_ride_time:
        detail = f"direct trip takes {direct:.1f} min, max ride time is {r.max_ride_time:g}"
        return [], Unserved(r.id, UnservedReason.MAX_RIDE_TIME, detail)
    detail = "no suitable vehicle can reach it within its windows and the driver's limits"
    return [], Unserved(r.id, UnservedReason.TIME_WINDOW, detail)


def _unfit(problem: Problem, v: Vehicle, r: Request) -> str | None:
    """Why vehicle ``v`` cannot serve ``r`` even alone, or ``None``."""
    if r.wheelchair and v.wheelchair_places < 1:
        return "no wheelchair place"
    if r.seats > v.seats:
        return f"{v.seats} seats for {r.seats} passengers"
    alone: list[StopSpec] = [
        (StopKind.START, None),
        (StopKind.PICKUP, r),
        (StopKind.DROP, r),
        (StopKind.END, None),
    ]
    if schedule_sequence(problem, v, alone) is None:
        return "cannot meet the windows, ride time or duration limit"
    if v.max_route_distance is not None:
        c = problem.cost_matrix
        trip = c[v.start, r.pickup] + c[r.pickup, r.drop] + c[r.drop, v.end]
        if trip > v.max_route_distance + _EPS:
            return f"the trip is {trip:.1f} long, the driver accepts {v.max_route_distance:g}"
    return None


@dataclass(frozen=True)
class _Nodes:
    """Routing nodes: vehicle starts, vehicle ends, then pickup/drop per request."""

    n_vehicles: int
    requests: tuple[Request, ...]

    @property
    def count(self) -> int:
        return 2 * self.n_vehicles + 2 * len(self.requests)

    def pickup(self, i: int) -> int:
        return 2 * self.n_vehicles + 2 * i

    def drop(self, i: int) -> int:
        return 2 * self.n_vehicles + 2 * i + 1


def _ceil(x: float | NDArray[np.float64], scale: int) -> NDArray[np.int64]:
    return np.ceil(np.asarray(x, dtype=np.float64) * scale - _EPS).astype(np.int64)


def _floor(x: float, scale: int) -> int:
    return math.floor(x * scale + _EPS)


def _constant(value: int) -> Callable[[int, int], int]:
    return lambda _pickup_alternative, _drop_alternative: value


def _solve(
    problem: Problem,
    params: PlanningParams,
    routable: list[Request],
    allowed: dict[str, list[int]],
    lock_of: dict[str, int],
    initial: Plan | None,
    deadline: float,
) -> tuple[list[Route], list[Request], str, int]:
    S = params.scale
    vehicles = problem.vehicles
    nodes = _Nodes(len(vehicles), tuple(routable))
    n_v = len(vehicles)
    point = np.empty(nodes.count, dtype=np.int64)
    service = np.zeros(nodes.count)
    seats = np.zeros(nodes.count, dtype=np.int64)
    chairs = np.zeros(nodes.count, dtype=np.int64)
    for k, v in enumerate(vehicles):
        point[k], point[n_v + k] = v.start, v.end
    for i, r in enumerate(routable):
        p, d = nodes.pickup(i), nodes.drop(i)
        point[p], point[d] = r.pickup, r.drop
        service[p], service[d] = r.pickup_service, r.drop_service
        seats[p], seats[d] = r.seats, -r.seats
        chairs[p], chairs[d] = int(r.wheelchair), -int(r.wheelchair)

    cost_f = problem.cost_matrix[np.ix_(point, point)]
    time_f = problem.travel_time[np.ix_(point, point)] + service[:, None]
    np.fill_diagonal(time_f, 0.0)
    cost_int = np.rint(cost_f * S).astype(np.int64)
    time_int = _ceil(time_f, S)

    finite = [b for r in routable for w in (r.pickup_window, r.drop_window) for b in w if b < INF]
    finite += [b for v in vehicles for b in v.available if b < INF]
    horizon_f = max(finite, default=0.0) + float(service.sum()) + nodes.count * float(time_f.max())
    horizon = int(_ceil(horizon_f, S)) + 1

    manager = pywrapcp.RoutingIndexManager(
        nodes.count, n_v, list(range(n_v)), list(range(n_v, 2 * n_v))
    )
    routing = pywrapcp.RoutingModel(manager)
    cost_cb = routing.RegisterTransitMatrix(cost_int.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)

    time_cb = routing.RegisterTransitMatrix(time_int.tolist())
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitVector(seats.tolist()),
        0,
        [v.seats for v in vehicles],
        True,
        "seats",
    )
    if chairs.any():
        routing.AddDimensionWithVehicleCapacity(
            routing.RegisterUnaryTransitVector(chairs.tolist()),
            0,
            [v.wheelchair_places for v in vehicles],
            True,
            "wheelchair",
        )
    if any(v.max_route_distance is not None for v in vehicles):
        dist_cb = routing.RegisterTransitMatrix(_ceil(cost_f, S).tolist())
        longest = int(_ceil(cost_f.max(axis=1).sum(), S)) + 1  # no route is longer
        caps = [
            longest
            if v.max_route_distance is None
            else min(_floor(v.max_route_distance, S), longest)
            for v in vehicles
        ]
        routing.AddDimensionWithVehicleCapacity(dist_cb, 0, caps, True, "distance")

    def window_int(lo: float, hi: float) -> tuple[int, int]:
        return int(_ceil(lo, S)), horizon if hi == INF else min(_floor(hi, S), horizon)

    for k, v in enumerate(vehicles):
        lo, hi = window_int(*v.available)
        time_dim.CumulVar(routing.Start(k)).SetRange(lo, hi)
        time_dim.CumulVar(routing.End(k)).SetRange(lo, hi)
        if v.max_route_duration is not None:
            time_dim.SetSpanUpperBoundForVehicle(_floor(v.max_route_duration, S), k)

    max_cost = float(problem.cost_matrix.max()) or 1.0
    penalty = params.unserved_penalty if params.unserved_penalty is not None else 10 * max_cost
    solver = routing.solver()
    # Python callables handed to OR-Tools are kept alive until the solve ends.
    limit_functions: list[Callable[[int, int], int]] = []
    pen_of: dict[str, int] = {}
    for i, r in enumerate(routable):
        p = manager.NodeToIndex(nodes.pickup(i))
        d = manager.NodeToIndex(nodes.drop(i))
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
        for index, window in ((p, r.pickup_window), (d, r.drop_window)):
            time_dim.CumulVar(index).SetRange(*window_int(*window))
        if r.max_ride_time is not None:
            limit = _floor(r.pickup_service + r.max_ride_time, S)
            # The limit function lets the local-search filters reject moves
            # early; alone it was not enforced (verify_plan caught ride times
            # of 55 > 30 on a5-40), so the hard constraint stays.
            limit_functions.append(_constant(limit))
            time_dim.SetPickupToDeliveryLimitFunctionForPair(limit_functions[-1], i)
            solver.Add(time_dim.CumulVar(d) - time_dim.CumulVar(p) <= limit)
        forbidden = sorted(set(range(n_v)) - set(allowed[r.id]))
        if forbidden:
            # SetAllowedVehiclesForIndex would say the same, but its Python
            # binding rejects every argument in OR-Tools 9.15.
            routing.VehicleVar(p).RemoveValues(forbidden)
            routing.VehicleVar(d).RemoveValues(forbidden)
        weight = params.lock_penalty_factor if r.id in lock_of else 1.0
        pen = round(penalty * weight * S)
        pen_of[r.id] = pen
        routing.AddDisjunction([p], pen)
        routing.AddDisjunction([d], pen)
    for k in range(n_v):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(k)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(k)))

    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, params.first_solution
    )
    search.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, params.metaheuristic
    )
    # The budget (time and solutions) is shared between OR-Tools' search and
    # the ruin-and-recreate phase that follows it (see improve.py).
    share = params.improve_share
    search.time_limit.FromMilliseconds(max(1, int(params.time_limit_s * (1 - share) * 1000)))
    improve_iterations = None
    if params.solution_limit is not None:
        search.solution_limit = max(1, round(params.solution_limit * (1 - share)))
        improve_iterations = params.solution_limit - search.solution_limit
    search.log_search = params.log_search

    n_solutions = 0

    def count_solution() -> None:
        nonlocal n_solutions
        n_solutions += 1

    routing.AddAtSolutionCallback(count_solution)
    hint = None
    if initial is not None:
        routing.CloseModelWithParameters(search)
        index_of = {}
        for i, r in enumerate(routable):
            index_of[r.id, StopKind.PICKUP] = manager.NodeToIndex(nodes.pickup(i))
            index_of[r.id, StopKind.DROP] = manager.NodeToIndex(nodes.drop(i))
        hint = routing.ReadAssignmentFromRoutes(
            _hint_routes(initial, vehicles, allowed, index_of), True
        )
        if hint is None:
            logger.info("the initial plan does not fit the problem any more; starting afresh")
    if hint is not None:
        solution = routing.SolveFromAssignmentWithParameters(hint, search)
    else:
        solution = routing.SolveWithParameters(search)
    status = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    if status == "ROUTING_INVALID":
        raise ValueError(f"OR-Tools rejected the model or the search parameters {params}")
    sequences: list[list[int]] = [[] for _ in vehicles]
    cumuls: list[list[float]] = [[] for _ in vehicles]
    if solution is None:
        logger.warning("OR-Tools found no solution (%s)", status)
    else:
        for k in range(n_v):
            index = routing.Start(k)
            while True:
                cumuls[k].append(solution.Min(time_dim.CumulVar(index)) / S)
                if routing.IsEnd(index):
                    break
                if index != routing.Start(k):
                    sequences[k].append(manager.IndexToNode(index) - 2 * n_v)
                index = solution.Value(routing.NextVar(index))
    found = sequences
    if improve_iterations != 0 and share > 0:
        improver = Improver(
            build_data(problem, routable),
            [frozenset(allowed[r.id]) for r in routable],
            [2 * pen_of[r.id] / S for r in routable],
            seed=params.seed,
        )
        better = improver.run(sequences, deadline=deadline, max_iterations=improve_iterations)
        n_solutions += improver.iterations
        logger.info(
            "ruin and recreate: %d iterations, %d new best plans",
            improver.iterations,
            improver.improvements,
        )
        logger.debug("ruin and recreate: new best plans (s, iteration, value) %s",
                     [(round(t, 1), i, round(v, 2)) for t, i, v in improver.history])
        if all(_specs_fit(problem, vehicles[k], _specs(routable, seq))
               for k, seq in enumerate(better)):
            found = better
        else:  # cannot happen when improve.py agrees with schedule.py
            logger.error("the improved plan does not fit the exact timing; keeping OR-Tools'")

    routes: list[Route] = []
    visited: set[str] = set()
    for k, v in enumerate(vehicles):
        if not found[k]:
            continue
        specs = _specs(routable, found[k])
        visited.update(r.id for kind, r in specs if r is not None)
        fallback = cumuls[k] if found is sequences else []
        routes.append(_timed_route(problem, v, specs, fallback))
    dropped = [r for r in routable if r.id not in visited]
    return routes, dropped, status, n_solutions


def _specs(routable: list[Request], seq: list[int]) -> list[StopSpec]:
    """Stops of a route given as improve.py nodes (2 i pickup, 2 i + 1 drop of request i)."""
    inner: list[StopSpec] = [
        (StopKind.DROP if x % 2 else StopKind.PICKUP, routable[x // 2]) for x in seq
    ]
    return [(StopKind.START, None), *inner, (StopKind.END, None)]


def _specs_fit(problem: Problem, v: Vehicle, specs: list[StopSpec]) -> bool:
    if len(specs) == 2:
        return True
    if schedule_sequence(problem, v, specs) is None:
        return False
    if v.max_route_distance is None:
        return True
    c = problem.cost_matrix
    points = [stop_point(v, kind, r) for kind, r in specs]
    distance = sum(float(c[a, b]) for a, b in itertools.pairwise(points))
    return distance <= v.max_route_distance + _EPS


def _hint_routes(
    initial: Plan,
    vehicles: tuple[Vehicle, ...],
    allowed: dict[str, list[int]],
    index_of: dict[tuple[str, StopKind], int],
) -> list[list[int]]:
    """The previous plan's stop orders as routing indices, one list per vehicle.

    Requests gone from the problem, or no longer allowed on their vehicle, are
    left out; OR-Tools then tries to insert them where it can.
    """
    by_vehicle = {route.vehicle_id: route for route in initial.routes}
    routes: list[list[int]] = []
    for k, v in enumerate(vehicles):
        route = by_vehicle.get(v.id)
        keep = set() if route is None else set(route.request_ids)
        keep = {rid for rid in keep if k in allowed.get(rid, ())}
        stops = [] if route is None else route.stops
        routes.append([index_of[s.request_id, s.kind] for s in stops if s.request_id in keep])
    return routes


def _timed_route(
    problem: Problem, v: Vehicle, specs: list[StopSpec], fallback: list[float]
) -> Route:
    starts = schedule_sequence(problem, v, specs)
    if starts is None:
        # Cannot happen when the integer model is conservative; keep the
        # solver's own times so that the verifier reports what is wrong.
        logger.error("route of %s has no exact float timing; using the solver's", v.id)
        starts = fallback
    tt, cost = problem.travel_time, problem.cost_matrix
    stops: list[Stop] = []
    seats = chairs = 0
    distance = travel = 0.0
    prev_point, prev_departure = None, 0.0
    for (kind, r), b in zip(specs, starts, strict=True):
        here = stop_point(v, kind, r)
        arrival = b
        if prev_point is not None:
            arrival = prev_departure + float(tt[prev_point, here])
            distance += float(cost[prev_point, here])
            travel += float(tt[prev_point, here])
        if r is not None:
            sign = 1 if kind is StopKind.PICKUP else -1
            seats += sign * r.seats
            chairs += sign * int(r.wheelchair)
        departure = b + stop_service(kind, r)
        stops.append(
            Stop(kind, here, None if r is None else r.id, arrival, b, departure, seats, chairs)
        )
        prev_point, prev_departure = here, departure
    return Route(v.id, tuple(stops), distance, travel)
