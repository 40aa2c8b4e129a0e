"""Shared helpers of the routing-engine tests (no Django needed)."""

from __future__ import annotations

import numpy as np

from maillage.engines.routing import Location, PlanningParams, Problem, Request, Vehicle

# Tiny problems reach their optimum within a few dozen solutions; a solution
# limit (not a time limit) keeps the tests identical on every machine.
TINY = PlanningParams(time_limit_s=20, solution_limit=60)


def line_problem(
    xs: dict[str, float],
    requests: list[Request],
    vehicles: list[Vehicle],
    **kwargs: object,
) -> Problem:
    """Points on a line, travel time = distance = |x_i - x_j| minutes."""
    names = list(xs)
    x = np.array([xs[n] for n in names], dtype=np.float64)
    locations = tuple(Location(n, xs[n], 0.0) for n in names)
    return Problem(
        locations,
        np.abs(x[:, None] - x[None, :]),
        tuple(requests),
        tuple(vehicles),
        **kwargs,  # type: ignore[arg-type]
    )
