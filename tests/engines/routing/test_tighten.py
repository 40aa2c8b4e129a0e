"""Time-window tightening (tighten.py) on a hand-worked line, and on a benchmark
instance, where the plan found with the narrowed windows passes the checker run
against the original ones."""

from __future__ import annotations

import pytest

from maillage.engines.routing import (
    PlanningParams,
    Request,
    Vehicle,
    darp_data_dir,
    plan_rides,
    read_cordeau,
    verify_plan,
)
from maillage.engines.routing.tighten import tighten_windows

from .conftest import line_problem

XS = {"home": 0.0, "a": 10.0, "clinic": 30.0}


def test_windows_are_narrowed_to_what_a_plan_can_use() -> None:
    """Outbound: drop at the clinic in [60, 70], ride <= 25, 2 min to board, a-clinic 20.
    Pickup >= 60 - 2 - 25 = 33 and <= 70 - 2 - 20 = 48. Inbound: pickup at the clinic
    in [100, 110], ride <= 25: drop at a >= 100 + 20 = 120 and <= 110 + 25 = 135. The
    driver, available [0, 480] from home, limits nothing tighter here."""
    out = Request("out", 1, 2, drop_window=(60, 70), max_ride_time=25, pickup_service=2)
    back = Request("back", 2, 1, pickup_window=(100, 110), max_ride_time=25)
    car = Vehicle("car", 0, 0, seats=3, available=(0, 480))
    problem = line_problem(XS, [out, back], [car])
    allowed = {"out": [0], "back": [0]}
    tight_out, tight_back = tighten_windows(problem, [out, back], allowed)
    assert tight_out.pickup_window == (33.0, 48.0)
    assert tight_out.drop_window == (60.0, 70.0)
    assert tight_back.pickup_window == (100.0, 110.0)
    assert tight_back.drop_window == (120.0, 135.0)


def test_the_driver_availability_bounds_the_open_windows() -> None:
    """No ride limit: only the driver (available [50, 200], home at 0) bounds the
    pickup at a (>= 50 + 10) and the drop at the clinic (<= 200 - 30)."""
    r = Request("r", 1, 2)
    car = Vehicle("car", 0, 0, seats=3, available=(50, 200))
    (tight,) = tighten_windows(line_problem(XS, [r], [car]), [r], {"r": [0]})
    assert tight.pickup_window == (60.0, 150.0)  # 170 - 20: the drop comes after
    assert tight.drop_window == (80.0, 170.0)


def test_the_plan_with_narrowed_windows_passes_the_original_ones() -> None:
    path = darp_data_dir() / "cordeau2006_a" / "a3-24.txt"
    if not path.is_file():
        pytest.skip("DARP instances not found (set MAILLAGE_DATA_MIRROR)")
    problem = read_cordeau(path)
    plan = plan_rides(problem, PlanningParams(time_limit_s=30, solution_limit=300))
    assert not plan.unserved
    assert verify_plan(problem, plan) == []
