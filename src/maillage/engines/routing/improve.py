"""Ruin-and-recreate improvement of a plan (adaptive large neighbourhood search).

OR-Tools' guided local search moves one pickup-drop pair at a time; on the
larger dial-a-ride instances it stalls a few per cent above the best-known
costs. This phase starts from its routes and repeats, until its budget runs
out:

- *ruin*: take ``q`` requests out of their routes — at random, the most
  related ones (close pickups, close drops, close times; Shaw's removal), or
  those whose removal saves the most (worst removal);
- *recreate*: put them back at their cheapest feasible place, greedily (in a
  random order) or by regret (the request that would lose the most by
  waiting goes first);
- accept the result by simulated annealing (a worse plan is accepted with a
  probability that falls as the search goes), and keep the best plan seen.

Ruin and recreate operators are drawn with adaptive weights (a pair that
found new best or accepted plans is drawn more often). Every route is checked
with exact float times (:func:`route_times`, the same least-time propagation as
:func:`.schedule.schedule_sequence`): windows, driver availability, ride
times, route duration and distance, seats and wheelchair places, allowed
vehicles (exclusions and locks). Requests OR-Tools left out stay in the pool
and are re-tried at every recreate; a request is only left out when no
feasible place exists, at a penalty.

Random draws come from ``random.Random(seed)``: with an iteration budget
rather than a deadline, the result is the same on every machine.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from dataclasses import dataclass, field

import numpy as np

from .model import INF, Problem, Request

__all__ = ["Improver", "build_data", "feasible", "route_cost", "route_times"]

_EPS = 1e-9  # same float tolerance on a window bound as schedule.py
# Starting temperature: a plan worse by this share of the cost is accepted
# with probability 1/2; the temperature then falls geometrically to _T_END of
# it. Measured at 30 s on a8-96, a7-70, a6-60, a5-50 with two seeds each
# (mean gap): 1 % falling to 1 % of it 1.0 %, 0.5 % to 1 % 1.4 %, 2 % to
# 1 % 1.5 %, the former 0.1 % to 0.2 % 1.6 % (max 3.7 % on a8-96).
_T0 = 0.01
_T_END = 0.01


@dataclass
class _Data:
    """Problem data flattened to Python lists, indexed by node.

    Node ``2 i`` is the pickup of request ``i``, ``2 i + 1`` its drop; node
    ``2 R + 2 k`` the start and ``2 R + 2 k + 1`` the end of vehicle ``k``.
    """

    travel: list[list[float]]
    cost: list[list[float]]
    service: list[float]
    lo: list[float]
    hi: list[float]
    seats: list[int]
    chairs: list[int]
    max_ride: list[float]  # per request: service(pickup) + L, INF when unbounded
    avail: list[tuple[float, float]]  # per vehicle
    cap_seats: list[int]
    cap_chairs: list[int]
    max_duration: list[float]
    max_distance: list[float]
    n_requests: int


def build_data(problem: Problem, requests: list[Request]) -> _Data:
    n_r, vehicles = len(requests), problem.vehicles
    points: list[int] = []
    service: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    seats: list[int] = []
    chairs: list[int] = []
    for r in requests:
        points += [r.pickup, r.drop]
        service += [r.pickup_service, r.drop_service]
        lo += [r.pickup_window[0], r.drop_window[0]]
        hi += [r.pickup_window[1], r.drop_window[1]]
        seats += [r.seats, -r.seats]
        chairs += [int(r.wheelchair), -int(r.wheelchair)]
    for v in vehicles:
        points += [v.start, v.end]
        service += [0.0, 0.0]
        lo += [v.available[0]] * 2
        hi += [v.available[1]] * 2
        seats += [0, 0]
        chairs += [0, 0]
    tt = problem.travel_time[points][:, points].tolist()
    cost = problem.cost_matrix[points][:, points].tolist()
    return _Data(
        travel=tt,
        cost=cost,
        service=service,
        lo=lo,
        hi=hi,
        seats=seats,
        chairs=chairs,
        max_ride=[
            INF if r.max_ride_time is None else r.pickup_service + r.max_ride_time
            for r in requests
        ],
        avail=[v.available for v in vehicles],
        cap_seats=[v.seats for v in vehicles],
        cap_chairs=[v.wheelchair_places for v in vehicles],
        max_duration=[
            INF if v.max_route_duration is None else v.max_route_duration for v in vehicles
        ],
        max_distance=[
            INF if v.max_route_distance is None else v.max_route_distance for v in vehicles
        ],
        n_requests=n_r,
    )


def route_times(data: _Data, k: int, seq: list[int]) -> list[float] | None:
    """Least start-of-service times of vehicle ``k`` visiting ``seq``, or ``None``.

    Positions: 0 is the vehicle's start, ``1 .. len(seq)`` the stops, the last
    one its end. Lower bounds are pushed along the route (travel and service),
    then back from each drop to its pickup (ride time) and from the end to the
    start (duration), until nothing moves; the sequence is infeasible as soon
    as a bound passes a window's end. Capacity and distance are checked too.
    """
    n_r = data.n_requests
    nodes = [2 * n_r + 2 * k, *seq, 2 * n_r + 2 * k + 1]
    m = len(nodes)
    a_lo, a_hi = data.avail[k]
    lo, hi, service, travel = data.lo, data.hi, data.service, data.travel
    seats, chairs = data.seats, data.chairs
    cap_s, cap_c = data.cap_seats[k], data.cap_chairs[k]
    load_s = load_c = 0
    b = [0.0] * m
    top = [0.0] * m
    back: list[tuple[int, int, float]] = []  # (drop position, pickup position, limit)
    pickup_pos: dict[int, int] = {}
    for pos, x in enumerate(nodes):
        b[pos] = lo[x] if lo[x] > a_lo else a_lo
        top[pos] = hi[x] if hi[x] < a_hi else a_hi
        if 0 < pos < m - 1:
            load_s += seats[x]
            load_c += chairs[x]
            if load_s > cap_s or load_c > cap_c:
                return None
            if x % 2 == 0:
                pickup_pos[x] = pos
            else:
                limit = data.max_ride[x // 2]
                if limit < INF:
                    back.append((pos, pickup_pos[x - 1], limit))
    duration = data.max_duration[k]
    if duration < INF:
        back.append((m - 1, 0, duration))
    start = 0
    for _ in range(m + 1):
        for pos in range(start + 1, m):
            t = b[pos - 1] + service[nodes[pos - 1]] + travel[nodes[pos - 1]][nodes[pos]]
            if t > b[pos]:
                if t > top[pos] + _EPS:
                    return None
                b[pos] = t
        start = m
        for later, earlier, limit in back:
            t = b[later] - limit
            if t > b[earlier]:
                if t > top[earlier] + _EPS:
                    return None
                b[earlier] = t
                if earlier < start:
                    start = earlier
        if start == m:
            return b
    return None  # a positive cycle: ride times or duration cannot all hold


def route_cost(data: _Data, k: int, seq: list[int]) -> float:
    n_r = data.n_requests
    cost = data.cost
    prev = 2 * n_r + 2 * k
    total = 0.0
    for x in seq:
        total += cost[prev][x]
        prev = x
    return total + cost[prev][2 * n_r + 2 * k + 1]


def feasible(data: _Data, k: int, seq: list[int]) -> bool:
    if route_times(data, k, seq) is None:
        return False
    return data.max_distance[k] == INF or route_cost(data, k, seq) <= data.max_distance[k] + _EPS


@dataclass
class _Timing:
    """A feasible route's nodes (start and end included), least start times, latest
    bounds (windows and availability) and edges (drop position, pickup position,
    limit) of its ride times and duration."""

    nodes: list[int]
    times: list[float]
    top: list[float]
    back: list[tuple[int, int, float]]
    back_at: list[int]  # the edges' later positions, ascending


def _is_metric(travel: list[list[float]]) -> bool:
    """Whether no detour through a third node is shorter than the direct trip."""
    t = np.asarray(travel, dtype=np.float64)
    closed = t.copy()
    for z in range(len(t)):
        np.minimum(closed, closed[:, z, None] + closed[None, z, :], out=closed)
    return bool(np.all(t <= closed + 1e-9))


@dataclass
class _Insertion:
    delta: float
    vehicle: int
    pickup_after: int  # position (0 = the start) after which the pickup goes
    drop_after: int  # position, in the route before insertion, after which the drop goes


@dataclass
class Improver:
    """Ruin and recreate on routes given as request-index sequences.

    ``routes[k]`` lists the nodes visited by vehicle ``k`` (``2 i`` pickup,
    ``2 i + 1`` drop of request ``i``); ``allowed[i]`` the vehicles request
    ``i`` may use; ``penalty[i]`` the cost of leaving it out.
    """

    data: _Data
    allowed: list[frozenset[int]]
    penalty: list[float]
    seed: int = 0
    rng: random.Random = field(init=False)
    weights: list[float] = field(init=False)
    iterations: int = field(init=False, default=0)
    improvements: int = field(init=False, default=0)
    # (seconds since the start, iteration, value) of every new best plan.
    history: list[tuple[float, int, float]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._insertions: dict[tuple[int, int, tuple[int, ...]], _Insertion | None] = {}
        self._bounds: dict[tuple[int, tuple[int, ...]], tuple] = {}
        self._timings: dict[tuple[int, tuple[int, ...]], _Timing] = {}
        # With the triangle inequality, inserting stops never lets a stop of
        # the route start earlier, so an insertion can be timed from the
        # route's own least times (see _fits); otherwise it is timed afresh.
        self._metric = _is_metric(self.data.travel)
        self.weights = [1.0] * (len(_RUINS) * len(_RECREATES))
        # Relatedness of requests (Shaw): distance between pickups and between
        # drops, plus the difference of their windows' starts (in minutes).
        d = self.data
        n_r = d.n_requests
        self.related: list[list[int]] = []
        for i in range(n_r):
            scores = []
            for j in range(n_r):
                if j == i:
                    continue
                s = (d.cost[2 * i][2 * j] + d.cost[2 * i + 1][2 * j + 1]
                     + 0.5 * (abs(d.lo[2 * i] - d.lo[2 * j])
                              + abs(d.lo[2 * i + 1] - d.lo[2 * j + 1])))
                scores.append((s, j))
            scores.sort()
            self.related.append([j for _, j in scores])

    # -- evaluation -------------------------------------------------------

    def best_insertion(self, i: int, k: int, seq: list[int]) -> _Insertion | None:
        """Cheapest feasible place of request ``i`` in route ``k`` (``seq``), memoised."""
        key = (i, k, tuple(seq))
        try:
            return self._insertions[key]
        except KeyError:
            pass
        if len(self._insertions) > 200_000:
            self._insertions.clear()
            self._bounds.clear()
            self._timings.clear()
        found = self._best_insertion(i, k, seq, key[2])
        self._insertions[key] = found
        return found

    def _route_bounds(
        self, k: int, seq: list[int], frozen: tuple[int, ...]
    ) -> tuple[list[int], list[float], list[float], list[int], list[int]]:
        """Nodes, earliest and latest times, loads after each position of route ``k``."""
        key = (k, frozen)
        found = self._bounds.get(key)
        if found is not None:
            return found
        d = self.data
        n_r = d.n_requests
        nodes = [2 * n_r + 2 * k, *seq, 2 * n_r + 2 * k + 1]
        m = len(nodes)
        travel, service, lo, hi = d.travel, d.service, d.lo, d.hi
        a_lo, a_hi = d.avail[k]
        # Earliest times (windows and travel only) and latest times (windows
        # only): bounds that every feasible timing respects.
        early = [0.0] * m
        late = [0.0] * m
        load = [0] * m
        chairs = [0] * m
        for pos, x in enumerate(nodes):
            e = lo[x] if lo[x] > a_lo else a_lo
            if pos:
                y = nodes[pos - 1]
                t = early[pos - 1] + service[y] + travel[y][x]
                if t > e:
                    e = t
                load[pos] = load[pos - 1] + d.seats[x]
                chairs[pos] = chairs[pos - 1] + d.chairs[x]
            early[pos] = e
        for pos in range(m - 1, -1, -1):
            x = nodes[pos]
            t = hi[x] if hi[x] < a_hi else a_hi
            if pos < m - 1:
                y = nodes[pos + 1]
                u = late[pos + 1] - service[x] - travel[x][y]
                if u < t:
                    t = u
            late[pos] = t
        found = (nodes, early, late, load, chairs)
        self._bounds[key] = found
        return found

    def _timing(self, k: int, seq: list[int], frozen: tuple[int, ...]) -> _Timing:
        """Least times, latest bounds and ride/duration edges of route ``k`` as it is."""
        key = (k, frozen)
        found = self._timings.get(key)
        if found is not None:
            return found
        d = self.data
        times = route_times(d, k, seq)
        assert times is not None, "the search only keeps feasible routes"
        n_r = d.n_requests
        nodes = [2 * n_r + 2 * k, *seq, 2 * n_r + 2 * k + 1]
        a_hi = d.avail[k][1]
        top = [d.hi[x] if d.hi[x] < a_hi else a_hi for x in nodes]
        back: list[tuple[int, int, float]] = []
        pickup_pos: dict[int, int] = {}
        for pos in range(1, len(nodes) - 1):
            x = nodes[pos]
            if x % 2 == 0:
                pickup_pos[x] = pos
            elif d.max_ride[x // 2] < INF:
                back.append((pos, pickup_pos[x - 1], d.max_ride[x // 2]))
        if d.max_duration[k] < INF:
            back.append((len(nodes) - 1, 0, d.max_duration[k]))
        found = _Timing(nodes, times, top, back, [x for x, _, _ in back])
        self._timings[key] = found
        return found

    def _fits(
        self, i: int, k: int, seq: list[int], frozen: tuple[int, ...], a: int, b: int
    ) -> bool:
        """Exact timing check of request ``i`` inserted in route ``k`` after positions
        ``a`` (pickup) and ``b`` (drop) of the route as it is; capacities are checked by
        the caller. Same propagation as :func:`route_times`, started from the route's
        least times: they are lower bounds of the new ones (triangle inequality), and
        nothing before the pickup needs pushing unless a ride or duration edge says so."""
        d = self.data
        base = self._timing(k, seq, frozen)
        p, q = 2 * i, 2 * i + 1
        a_lo, a_hi = d.avail[k]
        nodes, times, top = base.nodes, base.times, base.top
        a1, b1 = a + 1, b + 1
        nodes = [*nodes[:a1], p, *nodes[a1:b1], q, *nodes[b1:]]
        bt = [*times[:a1], max(d.lo[p], a_lo), *times[a1:b1], max(d.lo[q], a_lo), *times[b1:]]
        top = [*top[:a1], min(d.hi[p], a_hi), *top[a1:b1], min(d.hi[q], a_hi), *top[b1:]]
        # Only the ride-time and duration edges of stops after the pickup can be
        # violated: the others held in the old timing and their ends did not move.
        # (Until a stop before the pickup is pushed: then every edge counts.)
        keep = base.back[bisect.bisect_right(base.back_at, a):]
        back = [(x + 1 + (x > b), y + (y > a) + (y > b), lim) for x, y, lim in keep]
        own = [(b + 2, a1, d.max_ride[i])] if d.max_ride[i] < INF else []
        back += own
        every = len(keep) == len(base.back)
        service, travel = d.service, d.travel
        m = len(nodes)
        start, moved = a, b + 2
        for _ in range(m + 1):
            prev = nodes[start]
            t_prev = bt[start]
            for pos in range(start + 1, m):
                x = nodes[pos]
                t = t_prev + service[prev] + travel[prev][x]
                if t > bt[pos]:
                    if t > top[pos] + _EPS:
                        return False
                    bt[pos] = t
                elif pos > moved:
                    break  # beyond every raised stop, the old times hold
                else:
                    t = bt[pos]
                prev, t_prev = x, t
            start = m
            for later, earlier, limit in back:
                t = bt[later] - limit
                if t > bt[earlier]:
                    if t > top[earlier] + _EPS:
                        return False
                    bt[earlier] = t
                    if earlier < start:
                        start = earlier
                    if earlier > moved:
                        moved = earlier
            if start == m:
                return True
            if start <= a and not every:
                back = [(x + (x > a) + (x > b), y + (y > a) + (y > b), lim)
                        for x, y, lim in base.back] + own
                every = True
        return False

    def _best_insertion(
        self, i: int, k: int, seq: list[int], frozen: tuple[int, ...]
    ) -> _Insertion | None:
        d = self.data
        p, q = 2 * i, 2 * i + 1
        nodes, early, late, load, chairs = self._route_bounds(k, seq, frozen)
        m = len(nodes)
        travel, cost, service, lo, hi = d.travel, d.cost, d.service, d.lo, d.hi
        a_lo, a_hi = d.avail[k]
        s_p, s_q = service[p], service[q]
        lo_p = max(lo[p], a_lo)
        hi_p = min(hi[p], a_hi)
        lo_q = max(lo[q], a_lo)
        hi_q = min(hi[q], a_hi)
        cap_s, cap_c = d.cap_seats[k] - d.seats[p], d.cap_chairs[k] - d.chairs[p]
        ride = d.max_ride[i]
        # Positions are in time order: ``late`` never decreases along the route,
        # so the pickup cannot go before the first position whose successor may
        # start after lo_p + s_p; with the triangle inequality the earliest
        # arrival from position a grows with a, so the scans stop at the first
        # position too late for the window. Windows of an hour in a day's
        # route leave a few positions to try instead of all of them.
        metric = self._metric
        first = max(0, bisect.bisect_left(late, lo_p + s_p - _EPS) - 1) if metric else 0
        # Drop places, independently of the pickup: earliest service there.
        drop_ok: list[float | None] = [None] * (m - 1)
        drop_delta = [0.0] * (m - 1)
        last_drop = first
        for b in range(first, m - 1):
            x, y = nodes[b], nodes[b + 1]
            t = early[b] + service[x] + travel[x][q]
            if t < lo_q:
                t = lo_q
            if t > hi_q + _EPS:
                if metric:
                    break
                continue
            last_drop = b + 1
            if t + s_q + travel[q][y] > late[b + 1] + _EPS:
                continue
            drop_ok[b] = t
            drop_delta[b] = cost[x][q] + cost[q][y] - cost[x][y]
        if not metric:
            last_drop = m - 1
        candidates: list[tuple[float, int, int]] = []
        for a in range(first, m - 1):
            if load[a] > cap_s or chairs[a] > cap_c:
                continue
            x, y = nodes[a], nodes[a + 1]
            t = early[a] + service[x] + travel[x][p]
            if t < lo_p:
                t = lo_p
            if t > hi_p + _EPS:
                if metric:
                    break
                continue
            # Latest possible start at the pickup, for the ride-time bound.
            latest_p = min(hi_p, late[a + 1] - s_p - travel[p][y])
            # Drop right after the pickup.
            u = t + s_p + travel[p][q]
            if u < lo_q:
                u = lo_q
            if u <= hi_q + _EPS and u + s_q + travel[q][y] <= late[a + 1] + _EPS:
                delta = cost[x][p] + cost[p][q] + cost[q][y] - cost[x][y]
                candidates.append((delta, a, a))
            if t + s_p + travel[p][y] > late[a + 1] + _EPS:
                continue
            pick_delta = cost[x][p] + cost[p][y] - cost[x][y]
            for b in range(a + 1, last_drop):
                if load[b] > cap_s or chairs[b] > cap_c:
                    break
                t_q = drop_ok[b]
                if t_q is None:
                    continue
                if t_q - latest_p > ride + _EPS:
                    break  # later drops are later still
                candidates.append((pick_delta + drop_delta[b], a, b))
        if not candidates:
            return None
        candidates.sort()
        limit = d.max_distance[k]
        for delta, a, b in candidates:
            if self._metric:
                if not self._fits(i, k, seq, frozen, a, b):
                    continue
                if limit < INF:
                    new = [*seq[:a], p, *seq[a:b], q, *seq[b:]]
                    if route_cost(d, k, new) > limit + _EPS:
                        continue
                return _Insertion(delta, k, a, b)
            new = [*seq[:a], p, *seq[a:b], q, *seq[b:]]
            if route_times(d, k, new) is None:
                continue
            if limit < INF and route_cost(d, k, new) > limit + _EPS:
                continue
            return _Insertion(delta, k, a, b)
        return None

    # -- the search -------------------------------------------------------

    def run(
        self,
        routes: list[list[int]],
        *,
        deadline: float,
        max_iterations: int | None,
    ) -> list[list[int]]:
        """Improve ``routes`` until ``deadline`` (``perf_counter``) or the iteration limit."""
        d = self.data
        n_r = d.n_requests
        n_v = len(routes)
        if n_r == 0 or n_v == 0:
            return routes
        current = [list(seq) for seq in routes]
        costs = [route_cost(d, k, seq) for k, seq in enumerate(current)]
        placed = {x // 2 for seq in current for x in seq}
        pool = [i for i in range(n_r) if i not in placed]
        # Start with what can be added of the requests left out.
        pool = self._recreate(current, costs, pool, 0)
        value = sum(costs) + sum(self.penalty[i] for i in pool)
        best, best_value = [list(s) for s in current], value
        cur_pool = pool
        start_value = value
        t_start = time.perf_counter()
        budget_s = max(deadline - t_start, 1e-6)
        reserve = min(0.5, 0.05 * budget_s)
        # The temperature falls geometrically from _T0's to _T_END of it at the end.
        t0 = _T0 * max(start_value, 1.0) / math.log(2)
        it = 0
        while True:
            if max_iterations is not None and it >= max_iterations:
                break
            now = time.perf_counter()
            # Stop when one more iteration (twice the mean length so far, as
            # regret recreates of many requests run longer) would overrun, with
            # a reserve for timing the routes and building the plan afterwards.
            if now + 2 * (now - t_start) / max(it, 1) + reserve >= deadline:
                break
            progress = (it / max_iterations) if max_iterations else (now - t_start) / budget_s
            temperature = t0 * (_T_END ** min(progress, 1.0))
            it += 1
            pair = self.rng.choices(range(len(self.weights)), self.weights)[0]
            ruin, recreate = divmod(pair, len(_RECREATES))
            trial = [list(s) for s in current]
            trial_costs = list(costs)
            served = n_r - len(cur_pool)
            q = self._ruin_size(served)
            removed = _RUINS[ruin](self, trial, q)
            if removed is None:
                continue
            for k in {x for x, _ in removed}:
                trial_costs[k] = route_cost(d, k, trial[k])
            trial_pool = self._recreate(
                trial, trial_costs, [i for _, i in removed] + cur_pool, recreate
            )
            trial_value = sum(trial_costs) + sum(self.penalty[i] for i in trial_pool)
            score = 0.0
            if trial_value < best_value - 1e-7:
                best, best_value = [list(s) for s in trial], trial_value
                self.improvements += 1
                self.history.append((time.perf_counter() - t_start, it, trial_value))
                score = 3.0
            if trial_value < value - 1e-7 or self.rng.random() < math.exp(
                -(trial_value - value) / max(temperature, 1e-12)
            ):
                if trial_value < value - 1e-7:
                    score = max(score, 1.0)
                current, costs, cur_pool, value = trial, trial_costs, trial_pool, trial_value
            self.weights[pair] = 0.9 * self.weights[pair] + 0.1 * max(score, 0.2)
        self.iterations = it
        return best

    def _ruin_size(self, served: int) -> int:
        if served <= 1:
            return served
        high = max(2, min(served, 4 + served // 5, 20))
        return self.rng.randint(min(2, high), high)

    def _recreate(
        self, routes: list[list[int]], costs: list[float], pool: list[int], how: int
    ) -> list[int]:
        """Insert the pool's requests; return those that found no place."""
        if not pool:
            return []
        if how == 0:
            order = list(pool)
            self.rng.shuffle(order)
            left = []
            for i in order:
                best = None
                for k in self.allowed[i]:
                    ins = self.best_insertion(i, k, routes[k])
                    if ins is not None and (best is None or ins.delta < best.delta):
                        best = ins
                if best is None:
                    left.append(i)
                else:
                    self._apply(routes, costs, i, best)
            return left
        # Regret-2: insert first the request whose second-best route is the
        # dearest compared with its best one. Each request's best place per
        # route is kept and only the route just changed is looked at again.
        waiting = list(pool)
        places = {i: {k: self.best_insertion(i, k, routes[k]) for k in self.allowed[i]}
                  for i in waiting}
        while waiting:
            pick = None
            pick_key = None
            for i in waiting:
                first = second = None
                for ins in places[i].values():
                    if ins is None:
                        continue
                    if first is None or ins.delta < first.delta:
                        first, second = ins, first
                    elif second is None or ins.delta < second.delta:
                        second = ins
                if first is None:
                    continue
                key = ((1e9 if second is None else second.delta) - first.delta, -first.delta)
                if pick_key is None or key > pick_key:
                    pick, pick_key = (i, first), key
            if pick is None:
                return waiting
            i, ins = pick
            self._apply(routes, costs, i, ins)
            waiting.remove(i)
            k = ins.vehicle
            for j in waiting:
                if k in places[j]:
                    places[j][k] = self.best_insertion(j, k, routes[k])
        return []

    def _apply(self, routes: list[list[int]], costs: list[float], i: int, ins: _Insertion) -> None:
        seq = routes[ins.vehicle]
        a, b = ins.pickup_after, ins.drop_after
        routes[ins.vehicle] = [*seq[:a], 2 * i, *seq[a:b], 2 * i + 1, *seq[b:]]
        costs[ins.vehicle] += ins.delta

    # -- ruin operators: each returns the (vehicle, request) pairs removed ---

    def _remove(self, routes: list[list[int]], chosen: list[int]) -> list[tuple[int, int]] | None:
        where = {x // 2: k for k, seq in enumerate(routes) for x in seq}
        gone = set(chosen)
        touched = set()
        out = []
        for i in chosen:
            k = where[i]
            touched.add(k)
            out.append((k, i))
        for k in touched:
            routes[k] = [x for x in routes[k] if x // 2 not in gone]
            # Without the triangle inequality, a shorter route may be late.
            if not feasible(self.data, k, routes[k]):
                return None
        return out

    def _served(self, routes: list[list[int]]) -> list[int]:
        return [x // 2 for seq in routes for x in seq if x % 2 == 0]

    def ruin_random(self, routes: list[list[int]], q: int) -> list[tuple[int, int]] | None:
        served = self._served(routes)
        return self._remove(routes, self.rng.sample(served, min(q, len(served))))

    def ruin_related(self, routes: list[list[int]], q: int) -> list[tuple[int, int]] | None:
        served = self._served(routes)
        if not served:
            return None
        on = set(served)
        seed = self.rng.choice(served)
        ranked = [j for j in self.related[seed] if j in on]
        chosen = [seed]
        while len(chosen) < q and ranked:
            # Biased towards the most related (Ropke & Pisinger, p = 4).
            pos = int(len(ranked) * self.rng.random() ** 4)
            chosen.append(ranked.pop(pos))
        return self._remove(routes, chosen)

    def ruin_worst(self, routes: list[list[int]], q: int) -> list[tuple[int, int]] | None:
        cost = self.data.cost
        n_r = self.data.n_requests
        saving: list[tuple[float, int]] = []
        for k, seq in enumerate(routes):
            nodes = [2 * n_r + 2 * k, *seq, 2 * n_r + 2 * k + 1]
            gain = [0.0] * len(nodes)
            for pos in range(1, len(nodes) - 1):
                x, y, z = nodes[pos - 1], nodes[pos], nodes[pos + 1]
                gain[pos] = cost[x][y] + cost[y][z] - cost[x][z]
            at = {}
            for pos in range(1, len(nodes) - 1):
                at.setdefault(nodes[pos] // 2, 0.0)
                at[nodes[pos] // 2] += gain[pos]
            saving += [(g, i) for i, g in at.items()]
        saving.sort(reverse=True)
        ranked = [i for _, i in saving]
        chosen = []
        while len(chosen) < q and ranked:
            pos = int(len(ranked) * self.rng.random() ** 3)
            chosen.append(ranked.pop(pos))
        return self._remove(routes, chosen)


_RUINS = (Improver.ruin_random, Improver.ruin_related, Improver.ruin_worst)
_RECREATES = (0, 1)  # greedy in a random order, regret-2

