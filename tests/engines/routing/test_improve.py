"""The ruin-and-recreate phase (improve.py): its feasibility check, its insertion move
and its search, on hand-made problems whose answers are worked out in the docstrings."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from maillage.engines.routing import (
    Location,
    PlanningParams,
    Problem,
    Request,
    StopKind,
    Vehicle,
    darp_data_dir,
    euclidean_matrix,
    read_cordeau,
)
from maillage.engines.routing.improve import (
    Improver,
    build_data,
    feasible,
    route_cost,
    route_times,
)
from maillage.engines.routing.schedule import schedule_sequence

from .conftest import line_problem

# home (0, 0), a (1, 0), b (1, 1), clinic (10, 0): Euclidean times and costs.
POINTS = (Location("home", 0, 0), Location("a", 1, 0), Location("b", 1, 1),
          Location("clinic", 10, 0))


@pytest.fixture(scope="module")
def data_dir():
    path = darp_data_dir()
    if not (path / "cordeau2006_a" / "a2-16.txt").is_file():
        pytest.skip(f"DARP instances not found at {path} (set MAILLAGE_DATA_MIRROR)")
    return path


def plane_problem(ride_a: float | None, seats: int = 3) -> Problem:
    requests = (
        Request("A", 1, 3, max_ride_time=ride_a),
        Request("B", 2, 3),
    )
    car = Vehicle("car", 0, 0, seats=seats)
    return Problem(POINTS, euclidean_matrix(POINTS), requests, (car,))


def improver(problem: Problem, seed: int = 0) -> Improver:
    data = build_data(problem, list(problem.requests))
    every = frozenset(range(len(problem.vehicles)))
    return Improver(data, [every] * len(problem.requests), [1000.0] * len(problem.requests),
                    seed=seed)


def test_insertion_takes_the_cheapest_place() -> None:
    """Route home-a-clinic-home (A alone, 20). Without a ride-time limit, B is cheapest
    picked up right after A: a-b-clinic replaces a-clinic, + 1 + sqrt(82) - 9 ~ 1.055."""
    search = improver(plane_problem(None))
    ins = search.best_insertion(1, 0, [0, 1])
    assert ins is not None
    assert (ins.pickup_after, ins.delta) == (1, pytest.approx(1 + math.sqrt(82) - 9))


def test_insertion_honours_the_ride_time() -> None:
    """With A's ride limited to 9.5 (direct: 9), picking B up on A's way (ride 1 + sqrt(82)
    ~ 10.06) is forbidden; B goes first: home-b-a-clinic, + sqrt(2) ~ 1.414."""
    problem = plane_problem(9.5)
    search = improver(problem)
    ins = search.best_insertion(1, 0, [0, 1])
    assert ins is not None
    assert (ins.pickup_after, ins.delta) == (0, pytest.approx(math.sqrt(2)))
    seq = [2, 0, 1, 3] if ins.drop_after == 1 else [2, 0, 3, 1]
    assert feasible(search.data, 0, seq)
    assert not feasible(search.data, 0, [0, 2, 1, 3])  # B on A's way


def test_insertion_honours_the_seats() -> None:
    """One seat: B only after A's drop, home-a-clinic-b-clinic-home, + 2 sqrt(82)."""
    search = improver(plane_problem(None, seats=1))
    ins = search.best_insertion(1, 0, [0, 1])
    assert ins is not None
    assert (ins.pickup_after, ins.drop_after) == (2, 2)
    assert ins.delta == pytest.approx(2 * math.sqrt(82))


def test_no_place_when_the_windows_cannot_hold() -> None:
    """B must be dropped at the clinic by 5 min: 10 min away, never feasible."""
    requests = (Request("A", 1, 3), Request("B", 2, 3, drop_window=(0, 5)))
    problem = Problem(POINTS, euclidean_matrix(POINTS), requests,
                      (Vehicle("car", 0, 0, seats=3),))
    assert improver(problem).best_insertion(1, 0, [0, 1]) is None


def test_route_times_agrees_with_the_exact_scheduler(data_dir) -> None:
    """On random orders of a2-16's requests (windows, ride time 30, duration 480, 3 seats),
    the fast check and schedule.py agree on feasibility, and some orders are infeasible."""
    problem = read_cordeau(data_dir / "cordeau2006_a" / "a2-16.txt")
    requests = list(problem.requests)
    data = build_data(problem, requests)
    v = problem.vehicles[0]
    rng = random.Random(1)
    verdicts = []
    for _ in range(300):
        chosen = rng.sample(range(len(requests)), rng.randint(1, 5))
        seq: list[int] = []
        for i in chosen:
            a = rng.randint(0, len(seq))
            b = rng.randint(a, len(seq))
            seq = [*seq[:a], 2 * i, *seq[a:b], 2 * i + 1, *seq[b:]]
        specs = [(StopKind.START, None)]
        specs += [(StopKind.DROP if x % 2 else StopKind.PICKUP, requests[x // 2]) for x in seq]
        specs.append((StopKind.END, None))
        exact = schedule_sequence(problem, v, specs) is not None
        assert (route_times(data, 0, seq) is not None) == exact
        verdicts.append(exact)
    assert any(verdicts) and not all(verdicts)


def two_cars() -> Problem:
    xs = {"home": 0.0, "a": 1.0, "b": 2.0, "clinic": 10.0}
    p = {name: i for i, name in enumerate(xs)}
    requests = [Request("A", p["a"], p["clinic"]), Request("B", p["b"], p["clinic"])]
    vehicles = [Vehicle("v1", 0, 0, seats=3), Vehicle("v2", 0, 0, seats=3)]
    return line_problem(xs, requests, vehicles)


def test_the_search_merges_two_routes_into_one() -> None:
    """A on v1 and B on v2 cost 20 + 20; one car taking both costs 0-1-2-10-0 = 20."""
    problem = two_cars()
    search = improver(problem)
    routes = search.run([[0, 1], [2, 3]], deadline=math.inf, max_iterations=30)
    data = search.data
    assert sum(route_cost(data, k, seq) for k, seq in enumerate(routes)) == pytest.approx(20.0)
    assert sorted(x for seq in routes for x in seq) == [0, 1, 2, 3]
    assert all(feasible(data, k, seq) for k, seq in enumerate(routes))
    assert search.iterations == 30


def test_the_search_inserts_a_request_left_out() -> None:
    problem = two_cars()
    routes = improver(problem).run([[0, 1], []], deadline=math.inf, max_iterations=1)
    assert sorted(x for seq in routes for x in seq) == [0, 1, 2, 3]


def test_the_search_is_reproducible_with_a_seed(data_dir) -> None:
    problem = read_cordeau(data_dir / "cordeau2006_a" / "a2-16.txt")
    n_v = len(problem.vehicles)

    def run(seed: int) -> list[list[int]]:
        search = improver(problem, seed)
        empty: list[list[int]] = [[] for _ in range(n_v)]
        return search.run(empty, deadline=math.inf, max_iterations=40)

    first = run(3)
    assert first == run(3)
    search = improver(problem)
    assert all(feasible(search.data, k, seq) for k, seq in enumerate(first))
    assert sorted(x for seq in first for x in seq) == list(range(2 * len(problem.requests)))


def test_improve_share_is_checked() -> None:
    with pytest.raises(ValueError, match="improve_share"):
        PlanningParams(improve_share=1.0)
    assert np.isclose(PlanningParams().improve_share, 0.7)


@pytest.mark.parametrize("name", ["a2-16", "a4-24"])
def test_the_warm_insertion_check_agrees_with_route_times(data_dir, name: str) -> None:
    """Random insertions of a request into random feasible routes of a2-16 and a4-24:
    timing the new route from the old route's least times (_fits) and from scratch
    agree, and both verdicts occur."""
    problem = read_cordeau(data_dir / "cordeau2006_a" / f"{name}.txt")
    search = improver(problem)
    data = search.data
    assert search._metric
    rng = random.Random(7)
    verdicts = []
    n_r = len(problem.requests)
    lengths = []
    while len(verdicts) < 1500:
        seq: list[int] = []
        for i in rng.sample(range(n_r), rng.randint(0, 10)):
            ins = search.best_insertion(i, 0, seq)  # long, tight routes
            if ins is not None:
                a, b = ins.pickup_after, ins.drop_after
                seq = [*seq[:a], 2 * i, *seq[a:b], 2 * i + 1, *seq[b:]]
        lengths.append(len(seq))
        placed = {x // 2 for x in seq}
        i = rng.choice([j for j in range(n_r) if j not in placed])
        a = rng.randint(0, len(seq))
        b = rng.randint(a, len(seq))
        new = [*seq[:a], 2 * i, *seq[a:b], 2 * i + 1, *seq[b:]]
        if max(itertools.accumulate(data.seats[x] for x in new)) > data.cap_seats[0]:
            continue  # _fits leaves capacities to its caller
        exact = route_times(data, 0, new) is not None
        assert search._fits(i, 0, seq, tuple(seq), a, b) == exact
        verdicts.append(exact)
    assert any(verdicts) and not all(verdicts) and max(lengths) >= 12


def test_without_the_triangle_inequality_insertions_are_timed_afresh() -> None:
    """home-a costs 10 direct but 2 through b: a detour can be faster, so an inserted
    stop may let the next one start earlier and the warm check is not used."""
    minutes = np.array([[0, 10, 1, 5], [10, 0, 1, 5], [1, 1, 0, 5], [5, 5, 5, 0]], float)
    requests = (Request("A", 1, 3), Request("B", 2, 3))
    problem = Problem(POINTS, minutes, requests, (Vehicle("car", 0, 0, seats=3),))
    search = improver(problem)
    assert not search._metric
    ins = search.best_insertion(1, 0, [0, 1])
    assert ins is not None and ins.pickup_after == 0  # home-b-a: 1 + 1 instead of 10


def test_the_best_insertion_is_the_cheapest_feasible_place(data_dir) -> None:
    """On random feasible routes of a4-24 (4 vehicles, 24 requests), the insertion found
    (which scans only the positions the windows allow) costs what the cheapest of all
    (pickup, drop) positions accepted by route_times costs, and None when none is."""
    problem = read_cordeau(data_dir / "cordeau2006_a" / "a4-24.txt")
    search = improver(problem)
    data = search.data
    rng = random.Random(11)
    n_r = len(problem.requests)
    found_some = missed_some = False
    for _ in range(150):
        seq: list[int] = []
        for i in rng.sample(range(n_r), rng.randint(0, 8)):
            ins = search.best_insertion(i, 0, seq)
            if ins is not None:
                a, b = ins.pickup_after, ins.drop_after
                seq = [*seq[:a], 2 * i, *seq[a:b], 2 * i + 1, *seq[b:]]
        assert feasible(data, 0, seq)
        placed = {x // 2 for x in seq}
        i = rng.choice([j for j in range(n_r) if j not in placed])
        before = route_cost(data, 0, seq)
        best = math.inf
        for a in range(len(seq) + 1):
            for b in range(a, len(seq) + 1):
                new = [*seq[:a], 2 * i, *seq[a:b], 2 * i + 1, *seq[b:]]
                if feasible(data, 0, new):
                    best = min(best, route_cost(data, 0, new) - before)
        ins = search.best_insertion(i, 0, seq)
        if best == math.inf:
            assert ins is None
            missed_some = True
        else:
            assert ins is not None and ins.delta == pytest.approx(best, abs=1e-9)
            found_some = True
    assert found_some and missed_some
