"""Time-window tightening before the search (Cordeau 2006, section 4.1).

An outbound ride has a tight window on its drop and none on its pickup, an
inbound ride the reverse; the loose window is implied by the tight one, the
maximum ride time and the travel times, and by the drivers' availability.
Tightening it beforehand lets OR-Tools' propagation and the insertion filters
of :mod:`.improve` reject impossible places early. For a pickup p and drop d
with service s_p, s_d, ride limit L and shortest travel time t(p, d):

- B(p) >= B(d) - s_p - L and B(p) <= B(d) - s_p - t(p, d);
- B(d) >= B(p) + s_p + t(p, d) and B(d) <= B(p) + s_p + L;
- B(p) >= the earliest a suitable driver can get there from their start,
  B(d) <= the latest from which one can still reach their end in time.

Every bound holds in every feasible plan, so the feasible plans are the same:
only the search is faster. Travel times are closed under shortest paths
(Floyd-Warshall) so that the bounds stay valid when a matrix from a router
breaks the triangle inequality.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from .model import INF, Problem, Request

__all__ = ["shortest_times", "tighten_windows"]

_EPS = 1e-9


def shortest_times(matrix: NDArray[np.float64], points: list[int]) -> NDArray[np.float64]:
    """Shortest travel times between ``points`` through those points only.

    A route visits only the problem's stops, so paths through other points of
    the matrix cannot be shorter than what a route actually drives.

    Examples
    --------
    >>> m = np.array([[0, 5, 1], [5, 0, 1], [1, 1, 0]], dtype=float)
    >>> shortest_times(m, [0, 1, 2])[0, 1]
    np.float64(2.0)
    >>> shortest_times(m, [0, 1])[0, 1]
    np.float64(5.0)
    """
    d = np.array(matrix[np.ix_(points, points)], dtype=np.float64)
    for k in range(len(points)):
        np.minimum(d, d[:, k, None] + d[None, k, :], out=d)
    return d


def tighten_windows(
    problem: Problem, requests: list[Request], allowed: dict[str, list[int]]
) -> list[Request]:
    """The requests with their windows narrowed to what any feasible plan can use.

    ``allowed[r.id]`` lists the indices of the vehicles that may serve ``r``.
    A request whose bounds would cross (it cannot be served at all) is kept
    as it is, for the search to report it.
    """
    vehicles = problem.vehicles
    points = sorted(
        {r.pickup for r in requests} | {r.drop for r in requests}
        | {v.start for v in vehicles} | {v.end for v in vehicles}
    )
    where = {p: i for i, p in enumerate(points)}
    sp = shortest_times(problem.travel_time, points)
    out: list[Request] = []
    for r in requests:
        p, d = where[r.pickup], where[r.drop]
        direct = float(sp[p, d])
        s_p, s_d = r.pickup_service, r.drop_service
        ride = INF if r.max_ride_time is None else r.max_ride_time
        suitable = [vehicles[k] for k in allowed[r.id]]
        reach = min(v.available[0] + float(sp[where[v.start], p]) for v in suitable)
        back = max(v.available[1] - s_d - float(sp[d, where[v.end]]) for v in suitable)
        p_lo, p_hi = max(r.pickup_window[0], reach), r.pickup_window[1]
        d_lo, d_hi = r.drop_window[0], min(r.drop_window[1], back)
        # Two rounds reach the fixed point of these two-variable bounds; a
        # third costs nothing and guards against float ties.
        for _ in range(3):
            d_lo = max(d_lo, p_lo + s_p + direct)
            p_hi = min(p_hi, d_hi - s_p - direct)
            p_lo = max(p_lo, d_lo - s_p - ride)
            d_hi = min(d_hi, p_hi + s_p + ride)
        if p_lo > p_hi + _EPS or d_lo > d_hi + _EPS:
            out.append(r)
            continue
        # Never widen a window (float noise); keep lo <= hi for the model's check.
        pickup = (max(p_lo, r.pickup_window[0]), max(min(p_hi, r.pickup_window[1]), p_lo))
        drop = (max(d_lo, r.drop_window[0]), max(min(d_hi, r.drop_window[1]), d_lo))
        out.append(dataclasses.replace(r, pickup_window=pickup, drop_window=drop))
    return out
