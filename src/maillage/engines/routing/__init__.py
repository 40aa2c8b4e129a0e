"""Dial-a-ride planning for solidarity transport.

Volunteer drivers take people to medical appointments. Given the day's ride
requests (pickup and drop points, time windows, seats, wheelchair, maximum ride
time) and the drivers (start and end points, availability, seats, wheelchair
places, longest day and trip accepted), :func:`plan_rides` builds the routes
with OR-Tools' routing solver; :func:`verify_plan` checks a plan independently
before it is published. Pure Python, no Django: the ``transport`` app builds
the :class:`Problem` from its tables.

Requests that cannot be served are left out with an :class:`UnservedReason`
rather than making the plan fail. A coordinator's choices are kept with
:class:`Lock` (a ride stays with its driver) and by passing the previous plan
as ``initial`` when re-planning. With ``PlanningParams(solution_limit=...)`` the
plan is the same on every machine (see :func:`plan_rides`).
:func:`read_cordeau` reads the dial-a-ride benchmark instances
(``benchmarks/routing_bench.py``).

Examples
--------
Two drivers, one with a wheelchair place; three rides to the clinic (point 3).

>>> import numpy as np
>>> from maillage.engines.routing import (
...     Location, PlanningParams, Problem, Request, Vehicle, plan_rides, verify_plan)
>>> points = tuple(Location(name) for name in ("depot", "ana", "ben", "clinic"))
>>> minutes = np.array([[0, 10, 10, 20], [10, 0, 5, 15],
...                     [10, 5, 0, 15], [20, 15, 15, 0]], dtype=float)
>>> rides = (
...     Request("ana", 1, 3, drop_window=(60, 75), max_ride_time=40),
...     Request("ben", 2, 3, drop_window=(60, 75), max_ride_time=40,
...             seats=0, wheelchair=True),
...     Request("eve", 2, 3, drop_window=(60, 75), max_ride_time=40),
... )
>>> fleet = (Vehicle("car", 0, 0, seats=3), Vehicle("van", 0, 0, seats=1, wheelchair_places=1))
>>> problem = Problem(points, minutes, rides, fleet)
>>> plan = plan_rides(problem, PlanningParams(solution_limit=50))
>>> plan.route_of("ben").vehicle_id
'van'
>>> verify_plan(problem, plan), plan.unserved
([], ())
"""

from .cordeau import darp_data_dir, read_best_known, read_cordeau
from .model import (
    Location,
    Lock,
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
    euclidean_matrix,
    great_circle_matrices,
)
from .solver import plan_rides
from .verify import verify_plan

__all__ = [
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
    "darp_data_dir",
    "euclidean_matrix",
    "great_circle_matrices",
    "plan_rides",
    "read_best_known",
    "read_cordeau",
    "verify_plan",
]
