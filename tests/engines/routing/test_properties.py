"""Random small problems: whatever the data, the plan is valid and accounts for everyone."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engines.routing import (
    Location,
    Lock,
    PlanningParams,
    Problem,
    Request,
    Vehicle,
    plan_rides,
    verify_plan,
)

PARAMS = PlanningParams(time_limit_s=20, solution_limit=30)


def random_problem(seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    n_points, n_requests, n_vehicles = 8, int(rng.integers(1, 6)), int(rng.integers(1, 4))
    xy = rng.uniform(0, 30, size=(n_points, 2))
    locations = tuple(Location(str(i), *map(float, xy[i])) for i in range(n_points))
    minutes = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    requests = []
    for i in range(n_requests):
        pickup, drop = (int(p) for p in rng.choice(np.arange(1, n_points), 2, replace=False))
        appointment = float(rng.uniform(30, 200))
        wheelchair = bool(rng.random() < 0.3)
        requests.append(
            Request(
                f"r{i}",
                pickup,
                drop,
                drop_window=(appointment - 15, appointment),
                seats=int(rng.integers(0 if wheelchair else 1, 3)),
                wheelchair=wheelchair,
                pickup_service=float(rng.integers(0, 4)),
                drop_service=float(rng.integers(0, 4)),
                max_ride_time=float(rng.uniform(20, 80)) if rng.random() < 0.7 else None,
            )
        )
    vehicles = [
        Vehicle(
            f"v{k}",
            0,
            int(rng.integers(0, n_points)),
            seats=int(rng.integers(1, 4)),
            wheelchair_places=int(rng.integers(0, 2)),
            available=(0.0, float(rng.uniform(100, 300))),
            max_route_duration=float(rng.uniform(60, 200)) if rng.random() < 0.5 else None,
            max_route_distance=float(rng.uniform(40, 150)) if rng.random() < 0.3 else None,
        )
        for k in range(n_vehicles)
    ]
    locks = ()
    if rng.random() < 0.5:
        locks = (Lock("r0", vehicles[int(rng.integers(0, n_vehicles))].id),)
    return Problem(locations, minutes, tuple(requests), tuple(vehicles), locks=locks)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_random_plans_are_valid_and_complete(seed: int) -> None:
    problem = random_problem(seed)
    plan = plan_rides(problem, PARAMS)

    errors = verify_plan(problem, plan)
    unserved = {u.request_id for u in plan.unserved}
    # The only acceptable complaint: a lock the planner reported as impossible.
    assert all(e.startswith("locked request") and e.endswith("is unserved") for e in errors)
    assert set(plan.served) | unserved == {r.id for r in problem.requests}
    assert not set(plan.served) & unserved
    assert all(u.reason and u.detail for u in plan.unserved)
