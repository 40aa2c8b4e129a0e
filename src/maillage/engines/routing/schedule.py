"""Timing of a fixed sequence of stops, with exact float times.

Once the order of the stops of a route is known, the start-of-service times B
must satisfy only difference constraints (travel, windows, ride times, route
duration): a simple temporal network. The least solution is found by
Bellman-Ford-style propagation of lower bounds; it exists exactly when the
sequence is feasible. The planner uses it to time the routes OR-Tools returns
and to test whether a request can be served at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Problem, Request, StopKind, Vehicle

__all__ = ["StopSpec", "schedule_sequence"]

_EPS = 1e-9  # float noise allowed on a window bound

# A stop before timing: what it is and for which request (None for START/END).
StopSpec = tuple[StopKind, Request | None]


def stop_point(vehicle: Vehicle, kind: StopKind, request: Request | None) -> int:
    if kind is StopKind.START:
        return vehicle.start
    if kind is StopKind.END:
        return vehicle.end
    assert request is not None
    return request.pickup if kind is StopKind.PICKUP else request.drop


def stop_service(kind: StopKind, request: Request | None) -> float:
    if request is None:
        return 0.0
    return request.pickup_service if kind is StopKind.PICKUP else request.drop_service


def stop_window(vehicle: Vehicle, kind: StopKind, request: Request | None) -> tuple[float, float]:
    if request is None:
        return vehicle.available
    window = request.pickup_window if kind is StopKind.PICKUP else request.drop_window
    # A stop must also fall inside the driver's availability.
    return max(window[0], vehicle.available[0]), min(window[1], vehicle.available[1])


def schedule_sequence(
    problem: Problem, vehicle: Vehicle, stops: Sequence[StopSpec]
) -> list[float] | None:
    """Start-of-service times of ``stops`` (START first, END last), or ``None``.

    The route reaches its end point as early as possible; every other stop is
    then served as late as the next one allows, so that waiting happens before
    leaving home rather than with passengers on board.
    ``None`` means no timing satisfies windows, ride times and route duration.
    """
    tt = problem.travel_time
    m = len(stops)
    points = [stop_point(vehicle, k, r) for k, r in stops]
    service = [stop_service(k, r) for k, r in stops]
    windows = [stop_window(vehicle, k, r) for k, r in stops]
    # Edges (a, b, w) read "B[b] >= B[a] + w".
    edges: list[tuple[int, int, float]] = [
        (k, k + 1, service[k] + float(tt[points[k], points[k + 1]])) for k in range(m - 1)
    ]
    pickup_at: dict[str, int] = {}
    for k, (kind, r) in enumerate(stops):
        if r is None:
            continue
        if kind is StopKind.PICKUP:
            pickup_at[r.id] = k
        elif r.max_ride_time is not None and r.id in pickup_at:
            p = pickup_at[r.id]
            edges.append((k, p, -(service[p] + r.max_ride_time)))
    if vehicle.max_route_duration is not None and m >= 2:
        edges.append((m - 1, 0, -vehicle.max_route_duration))

    b = [lo for lo, _ in windows]
    for _ in range(m + 1):
        changed = False
        for a, c, w in edges:
            if b[a] + w > b[c]:
                b[c] = b[a] + w
                changed = True
        if any(b[k] > windows[k][1] + _EPS for k in range(m)):
            return None
        if not changed:
            break
    else:
        return None  # a positive cycle: ride times or duration cannot all hold
    # Push every stop as late as its successor allows, from the end backwards:
    # the end keeps its earliest time, waiting moves before the trip (at home
    # rather than in the car), windows and durations still hold, and a drop
    # never moves further from its pickup than L since the pickup moves after.
    for k in range(m - 2, -1, -1):
        latest = min(windows[k][1], b[k + 1] - edges[k][2])
        kind, r = stops[k]
        if kind is StopKind.DROP and r is not None and r.max_ride_time is not None:
            p = pickup_at.get(r.id)
            if p is not None:
                latest = min(latest, b[p] + service[p] + r.max_ride_time)
        b[k] = max(b[k], latest)
    return b
