"""Data model: validation with clear messages, matrix helpers, timing of a sequence."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engines.routing import (
    Location,
    Lock,
    PlanningParams,
    Problem,
    Request,
    StopKind,
    Vehicle,
    euclidean_matrix,
    great_circle_matrices,
)
from maillage.engines.routing.schedule import schedule_sequence

from .conftest import line_problem

XS = {"home": 0.0, "a": 1.0, "clinic": 10.0}


def test_great_circle_matrices_scale_with_detour_and_speed() -> None:
    """Marseille-Nice is about 159 km as the crow flies."""
    points = [Location("marseille", 5.3698, 43.2965), Location("nice", 7.2620, 43.7102)]
    minutes, km = great_circle_matrices(points, detour=1.0, speed_kmh=60.0)
    assert km[0, 1] == pytest.approx(159, abs=1.5)
    np.testing.assert_allclose(minutes, km, rtol=1e-12)  # 60 km/h: one km per minute
    minutes2, km2 = great_circle_matrices(points, detour=1.3, speed_kmh=30.0)
    np.testing.assert_allclose(km2, 1.3 * km, rtol=1e-12)
    np.testing.assert_allclose(minutes2, 2.6 * minutes, rtol=1e-12)
    assert np.all(np.diag(km) == 0)


def test_euclidean_matrix_is_not_rounded() -> None:
    m = euclidean_matrix([Location("o", 0, 0), Location("p", 1, 1)])
    assert m[0, 1] == pytest.approx(2**0.5, abs=1e-15)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requests": (Request("r", 0, 7),)}, "point 7 outside"),
        ({"requests": (Request("r", 0, 1, drop_window=(50, 40)),)}, "drop_window: invalid"),
        ({"requests": (Request("r", 0, 1), Request("r", 0, 2))}, "request ids must be unique"),
        ({"requests": (Request("r", 0, 1, seats=0),)}, "seats must be >= 1"),
        ({"locks": (Lock("r", "nobody"),)}, "unknown vehicle 'nobody'"),
        ({"travel_time": np.zeros((2, 2))}, "shape (2, 2), expected (3, 3)"),
        ({"travel_time": -np.ones((3, 3))}, "finite and non-negative"),
    ],
)
def test_bad_input_gets_a_clear_error(change: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "locations": tuple(Location(n) for n in XS),
        "travel_time": np.zeros((3, 3)),
        "requests": (Request("r", 1, 2),),
        "vehicles": (Vehicle("v", 0, 0, seats=1),),
    }
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Problem(**{**fields, **change})  # type: ignore[arg-type]


def test_bad_params_get_a_clear_error() -> None:
    with pytest.raises(ValueError, match="time_limit_s must be positive"):
        PlanningParams(time_limit_s=0)


def test_a_sequence_is_timed_or_refused() -> None:
    """home -> a (1 min) -> clinic (9 min), drop at 60, ride limit 9 or 8."""
    ride = Request("r", 1, 2, drop_window=(60.0, 60.0), max_ride_time=9.0)
    problem = line_problem(XS, [ride], [Vehicle("v", 0, 0, seats=1)])
    stops = [
        (StopKind.START, None),
        (StopKind.PICKUP, ride),
        (StopKind.DROP, ride),
        (StopKind.END, None),
    ]
    assert schedule_sequence(problem, problem.vehicles[0], stops) == [50.0, 51.0, 60.0, 70.0]

    too_short = Request("r", 1, 2, drop_window=(60.0, 60.0), max_ride_time=8.0)
    stops = [(k, None if r is None else too_short) for k, r in stops]
    assert schedule_sequence(problem, problem.vehicles[0], stops) is None
