"""Data model of the dial-a-ride planner: problem, parameters and plan.

Times are floats in minutes from an origin the caller chooses (midnight of the
day planned, for instance); distances are in the caller's unit (km for
geographic problems). Points are positions in the caller's travel-time matrix,
so several requests may share a point (a hospital, a health centre).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "INF",
    "Location",
    "Lock",
    "Plan",
    "PlanningParams",
    "Problem",
    "Request",
    "Route",
    "Stop",
    "StopKind",
    "Unserved",
    "UnservedReason",
    "Vehicle",
    "euclidean_matrix",
    "great_circle_matrices",
]

INF = math.inf
EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius

Window = tuple[float, float]


@dataclass(frozen=True)
class Location:
    """A point of the problem.

    ``x`` and ``y`` are longitude and latitude in degrees for geographic points,
    plane coordinates for benchmark instances; the planner itself only uses the
    travel-time matrix, the coordinates are for matrix helpers and maps.
    """

    id: str
    x: float = math.nan
    y: float = math.nan


@dataclass(frozen=True)
class Request:
    """A ride request: take someone from ``pickup`` to ``drop``.

    Parameters
    ----------
    id
        Unique identifier (the ride request's primary key in the app).
    pickup, drop
        Indices of the points in the problem's matrices.
    pickup_window, drop_window
        Earliest and latest start of service at the point, minutes.
    seats
        Seated places used (the passenger and companions); a wheelchair user
        travelling alone uses ``seats=0, wheelchair=True``.
    wheelchair
        Needs one wheelchair place: only vehicles with wheelchair places may serve it.
    pickup_service, drop_service
        Time spent at the point (boarding, alighting), minutes.
    max_ride_time
        Upper bound on B(drop) - (B(pickup) + pickup_service), where B is the
        start of service; ``None`` means unbounded.
    excluded_vehicles
        Ids of vehicles that must not serve this request (a driver who declined
        it, a driver whose zone does not cover the passenger's commune).
    """

    id: str
    pickup: int
    drop: int
    pickup_window: Window = (0.0, INF)
    drop_window: Window = (0.0, INF)
    seats: int = 1
    wheelchair: bool = False
    pickup_service: float = 0.0
    drop_service: float = 0.0
    max_ride_time: float | None = None
    excluded_vehicles: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "pickup_window", _as_window(self.pickup_window))
        object.__setattr__(self, "drop_window", _as_window(self.drop_window))
        object.__setattr__(self, "excluded_vehicles", frozenset(self.excluded_vehicles))


@dataclass(frozen=True)
class Vehicle:
    """A driver with a vehicle for the day.

    Parameters
    ----------
    id
        Unique identifier.
    start, end
        Points where the route starts and ends (usually the driver's home).
    seats, wheelchair_places
        Capacity in seated places and in wheelchair places.
    available
        The driver's availability: the route leaves ``start`` no earlier than
        ``available[0]`` and reaches ``end`` no later than ``available[1]``.
    max_route_duration
        Longest working time accepted, waiting included (B(end) - B(start)).
    max_route_distance
        Longest distance accepted (the longest trip the driver accepts).
    """

    id: str
    start: int
    end: int
    seats: int
    wheelchair_places: int = 0
    available: Window = (0.0, INF)
    max_route_duration: float | None = None
    max_route_distance: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "available", _as_window(self.available))


@dataclass(frozen=True)
class Lock:
    """A request a coordinator has fixed on a vehicle; re-planning keeps it there."""

    request_id: str
    vehicle_id: str


@dataclass(frozen=True, eq=False)
class Problem:
    """A day of rides to plan.

    ``travel_time[i, j]`` is the driving time from point ``i`` to point ``j`` in
    minutes; ``distance[i, j]`` the distance whose sum the planner minimises
    (``None``: use the travel time, as Cordeau's instances do).
    """

    locations: tuple[Location, ...]
    travel_time: NDArray[np.float64]
    requests: tuple[Request, ...]
    vehicles: tuple[Vehicle, ...]
    distance: NDArray[np.float64] | None = None
    locks: tuple[Lock, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def cost_matrix(self) -> NDArray[np.float64]:
        """The matrix whose sum along routes is the plan's cost."""
        return self.travel_time if self.distance is None else self.distance

    def request(self, request_id: str) -> Request:
        """The request with this id (``KeyError`` when unknown)."""
        for r in self.requests:
            if r.id == request_id:
                return r
        raise KeyError(request_id)


FirstSolution = Literal[
    "AUTOMATIC",
    "PARALLEL_CHEAPEST_INSERTION",
    "LOCAL_CHEAPEST_INSERTION",
    "SEQUENTIAL_CHEAPEST_INSERTION",
    "GLOBAL_CHEAPEST_ARC",
    "PATH_CHEAPEST_ARC",
    "SAVINGS",
]
Metaheuristic = Literal[
    "AUTOMATIC", "GREEDY_DESCENT", "GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH"
]


@dataclass(frozen=True)
class PlanningParams:
    """How hard and how the solver searches.

    Parameters
    ----------
    time_limit_s
        Wall-clock budget of the search.
    solution_limit
        Budget counted in solutions the search visits. OR-Tools' routing search
        is single-threaded and has no random source, so with the same inputs,
        the same OR-Tools version and a solution limit reached before the time
        limit, the plan is identical on every machine. A time limit alone stops
        the search wherever the machine's speed has brought it.
    first_solution, metaheuristic
        Names of OR-Tools' ``FirstSolutionStrategy`` and ``LocalSearchMetaheuristic``.
    unserved_penalty
        Cost of leaving a request unserved, in cost units; ``None`` chooses a
        value larger than any insertion can cost, so that a request is dropped
        only when it cannot be fitted.
    lock_penalty_factor
        A locked request costs this many times ``unserved_penalty`` when left
        unserved (it is kept optional so that an impossible lock is reported
        rather than making the whole plan fail).
    scale
        Times and costs are multiplied by ``scale`` and made integers for
        OR-Tools; travel times are rounded up so that the integer plan is
        feasible with the exact float times.
    log_search
        Let OR-Tools log its search to stderr.
    improve_share
        Share of the budget (``time_limit_s`` and ``solution_limit``) given to
        the ruin-and-recreate phase that improves OR-Tools' plan (see
        :mod:`.improve`); with a solution limit, that phase runs
        ``solution_limit - round(solution_limit * (1 - improve_share))``
        iterations. ``0`` leaves OR-Tools alone.
    seed
        Seed of the ruin-and-recreate phase's random draws.
    """

    time_limit_s: float = 5.0
    solution_limit: int | None = None
    first_solution: FirstSolution = "LOCAL_CHEAPEST_INSERTION"
    metaheuristic: Metaheuristic = "GUIDED_LOCAL_SEARCH"
    unserved_penalty: float | None = None
    lock_penalty_factor: float = 100.0
    scale: int = 1000
    log_search: bool = False
    improve_share: float = 0.7
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.improve_share < 1:
            raise ValueError(f"improve_share must be in [0, 1), got {self.improve_share}")
        if not self.time_limit_s > 0:
            raise ValueError(f"time_limit_s must be positive, got {self.time_limit_s}")
        if self.solution_limit is not None and self.solution_limit < 1:
            raise ValueError(f"solution_limit must be >= 1, got {self.solution_limit}")
        if self.scale < 1:
            raise ValueError(f"scale must be >= 1, got {self.scale}")
        if self.unserved_penalty is not None and self.unserved_penalty <= 0:
            raise ValueError(f"unserved_penalty must be positive, got {self.unserved_penalty}")


class StopKind(enum.StrEnum):
    START = "start"
    PICKUP = "pickup"
    DROP = "drop"
    END = "end"


class UnservedReason(enum.StrEnum):
    """Why a request is not in the plan."""

    NO_VEHICLE = "no_vehicle"  # the problem has no vehicle at all
    EXCLUDED = "excluded"  # every vehicle is excluded for it (declined, outside their zone)
    WHEELCHAIR = "wheelchair"  # no vehicle has a wheelchair place
    CAPACITY = "capacity"  # needs more places than any suitable vehicle has
    MAX_RIDE_TIME = "max_ride_time"  # the direct trip already exceeds it
    TIME_WINDOW = "time_window"  # no suitable vehicle can serve it even alone
    LOCK_INFEASIBLE = "lock_infeasible"  # the locked vehicle cannot serve it
    NO_ROOM = "no_room"  # servable alone, but not fitted in the plan found


@dataclass(frozen=True)
class Stop:
    """A stop on a route.

    ``start`` is the start of service B; ``arrival`` <= ``start`` (the driver
    may wait); ``departure = start + service``. Loads are after the stop.
    """

    kind: StopKind
    location: int
    request_id: str | None
    arrival: float
    start: float
    departure: float
    seats_load: int
    wheelchair_load: int


@dataclass(frozen=True)
class Route:
    """The ordered stops of one vehicle, from its start to its end point."""

    vehicle_id: str
    stops: tuple[Stop, ...]
    distance: float
    travel_time: float

    @property
    def duration(self) -> float:
        """Working time from leaving the start point to reaching the end point."""
        return self.stops[-1].start - self.stops[0].start

    @property
    def request_ids(self) -> tuple[str, ...]:
        return tuple(s.request_id for s in self.stops if s.kind is StopKind.PICKUP)


@dataclass(frozen=True)
class Unserved:
    request_id: str
    reason: UnservedReason
    detail: str = ""


@dataclass(frozen=True)
class Plan:
    """The planner's answer.

    ``routes`` holds one route per vehicle that serves at least one request;
    ``cost`` is the sum of the cost matrix along the routes, computed with
    the exact floats (``total_distance`` equals it).
    """

    routes: tuple[Route, ...]
    served: tuple[str, ...]
    unserved: tuple[Unserved, ...]
    cost: float
    total_travel_time: float
    total_duration: float
    solver_status: str
    solutions_found: int
    wall_time_s: float = field(compare=False, default=0.0)

    @property
    def total_distance(self) -> float:
        return self.cost

    def route_of(self, request_id: str) -> Route | None:
        """The route serving this request, ``None`` when unserved."""
        for route in self.routes:
            if request_id in route.request_ids:
                return route
        return None


def euclidean_matrix(locations: tuple[Location, ...] | list[Location]) -> NDArray[np.float64]:
    """Plane distances between the locations' (x, y) coordinates, not rounded.

    Examples
    --------
    >>> euclidean_matrix([Location("a", 0, 0), Location("b", 3, 4)])[0, 1]
    np.float64(5.0)
    """
    xy = np.array([(loc.x, loc.y) for loc in locations], dtype=np.float64)
    diff = xy[:, None, :] - xy[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))


def great_circle_matrices(
    locations: tuple[Location, ...] | list[Location],
    *,
    detour: float = 1.3,
    speed_kmh: float = 60.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Road travel times (minutes) and distances (km) estimated from coordinates.

    Road distance = great-circle (haversine) distance x ``detour``; time =
    road distance / ``speed_kmh``. ``x`` is the longitude, ``y`` the latitude,
    in degrees. The defaults are a rough rural figure: calibrate them on real
    trips (or pass a matrix from a router) before relying on the plan.

    Examples
    --------
    >>> paris, lyon = Location("paris", 2.3522, 48.8566), Location("lyon", 4.8357, 45.7640)
    >>> minutes, km = great_circle_matrices([paris, lyon], detour=1.0)
    >>> round(float(km[0, 1]))
    391
    """
    if detour < 1 or speed_kmh <= 0:
        raise ValueError(f"need detour >= 1 and speed_kmh > 0, got {detour}, {speed_kmh}")
    lon = np.radians([loc.x for loc in locations])
    lat = np.radians([loc.y for loc in locations])
    dlat = lat[None, :] - lat[:, None]
    dlon = lon[None, :] - lon[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * detour
    return km / speed_kmh * 60.0, km


def _as_window(window: Window) -> Window:
    lo, hi = window
    return float(lo), float(hi)


def _check_window(what: str, window: Window) -> None:
    lo, hi = window
    if math.isnan(lo) or math.isnan(hi) or lo > hi or lo == INF or lo < 0:
        raise ValueError(f"{what}: invalid window {window} (need 0 <= earliest <= latest)")


def _validate(problem: Problem) -> None:
    n = len(problem.locations)
    for name, matrix in (("travel_time", problem.travel_time), ("distance", problem.distance)):
        if matrix is None:
            continue
        if matrix.shape != (n, n):
            raise ValueError(f"{name} matrix has shape {matrix.shape}, expected ({n}, {n})")
        if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
            raise ValueError(f"{name} matrix must be finite and non-negative")
    ids = [r.id for r in problem.requests]
    if len(set(ids)) != len(ids):
        raise ValueError("request ids must be unique")
    vids = [v.id for v in problem.vehicles]
    if len(set(vids)) != len(vids):
        raise ValueError("vehicle ids must be unique")
    for r in problem.requests:
        where = f"request {r.id!r}"
        for point in (r.pickup, r.drop):
            if not 0 <= point < n:
                raise ValueError(f"{where}: point {point} outside the {n} locations")
        _check_window(f"{where} pickup_window", r.pickup_window)
        _check_window(f"{where} drop_window", r.drop_window)
        if r.seats < 0 or (r.seats == 0 and not r.wheelchair):
            raise ValueError(f"{where}: seats must be >= 1, or 0 with a wheelchair")
        if r.pickup_service < 0 or r.drop_service < 0:
            raise ValueError(f"{where}: service times must be >= 0")
        if r.max_ride_time is not None and r.max_ride_time < 0:
            raise ValueError(f"{where}: max_ride_time must be >= 0")
    for v in problem.vehicles:
        where = f"vehicle {v.id!r}"
        for point in (v.start, v.end):
            if not 0 <= point < n:
                raise ValueError(f"{where}: point {point} outside the {n} locations")
        _check_window(f"{where} available", v.available)
        if v.seats < 0 or v.wheelchair_places < 0:
            raise ValueError(f"{where}: capacities must be >= 0")
    locked: set[str] = set()
    for lock in problem.locks:
        if lock.request_id not in ids:
            raise ValueError(f"lock on unknown request {lock.request_id!r}")
        if lock.vehicle_id not in vids:
            raise ValueError(f"lock of {lock.request_id!r} on unknown vehicle {lock.vehicle_id!r}")
        if lock.request_id in locked:
            raise ValueError(f"request {lock.request_id!r} locked twice")
        if lock.vehicle_id in problem.request(lock.request_id).excluded_vehicles:
            raise ValueError(f"request {lock.request_id!r} locked on an excluded vehicle")
        locked.add(lock.request_id)
