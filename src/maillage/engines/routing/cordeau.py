"""Reader of Cordeau's dial-a-ride benchmark instances.

Two layouts exist (see ``darp/README.md`` in the data mirror):

- Cordeau (2006), ``a2-16`` ... ``a8-96``: header ``K n T Q L``, then 2n + 2
  lines ``id x y d q e l`` (node 0 start depot, 1..n pickups, n+i the drop of
  pickup i, 2n+1 end depot);
- Cordeau & Laporte (2003), ``R1a`` ...: header ``K 2n T Q L`` and no end-depot
  line (routes end at node 0's position).

Travel time and cost are the Euclidean distance, not rounded.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from .model import Location, Problem, Request, Vehicle, euclidean_matrix

__all__ = ["darp_data_dir", "read_best_known", "read_cordeau"]


def darp_data_dir() -> Path:
    """``$MAILLAGE_DATA_MIRROR/darp`` (default: ``../shared/data`` beside the repository)."""
    default = Path(__file__).resolve().parents[4].parent / "shared" / "data"
    return Path(os.environ.get("MAILLAGE_DATA_MIRROR", default)) / "darp"


def read_cordeau(path: str | os.PathLike[str]) -> Problem:
    """Read an instance file into a :class:`Problem`.

    Every vehicle starts and ends at the depot, with ``Q`` seats, no wheelchair
    place, availability = [depot's earliest, end depot's latest] and maximum
    route duration ``T``; every request has maximum ride time ``L``.

    Examples
    --------
    >>> problem = read_cordeau(darp_data_dir() / "cordeau2006_a" / "a2-16.txt")
    >>> len(problem.vehicles), len(problem.requests), problem.vehicles[0].seats
    (2, 16, 3)
    """
    path = Path(path)
    lines = [(n, line.split()) for n, line in enumerate(path.read_text().splitlines(), 1)]
    lines = [(n, f) for n, f in lines if f]
    if not lines:
        raise ValueError(f"{path}: empty file")

    def numbers(n: int, fields: list[str], count: int, what: str) -> list[float]:
        if len(fields) < count:
            raise ValueError(f"{path}, line {n}: {what} needs {count} fields, got {len(fields)}")
        try:
            return [float(x) for x in fields[:count]]
        except ValueError as exc:
            raise ValueError(f"{path}, line {n}: {what}: {exc}") from None

    header = numbers(*lines[0], 5, "header K n T Q L")
    k, second, max_duration, capacity, max_ride = header
    rows = [numbers(n, f, 7, "node id x y d q e l") for n, f in lines[1:]]
    if len(rows) == 2 * int(second) + 2:
        n_req, has_end = int(second), True
    elif int(second) % 2 == 0 and len(rows) == int(second) + 1:
        n_req, has_end = int(second) // 2, False
    else:
        raise ValueError(
            f"{path}: header says {int(second)} but the file has {len(rows)} node lines"
        )
    if not has_end:
        rows.append(list(rows[0]))
    for expected, row in enumerate(rows[: 2 * n_req + 1]):
        if int(row[0]) != expected:
            raise ValueError(f"{path}: node lines out of order, expected id {expected}")

    locations = tuple(Location(str(i), row[1], row[2]) for i, row in enumerate(rows))
    matrix = euclidean_matrix(locations)
    end = 2 * n_req + 1
    requests = tuple(
        Request(
            id=str(i),
            pickup=i,
            drop=n_req + i,
            pickup_window=(rows[i][5], rows[i][6]),
            drop_window=(rows[n_req + i][5], rows[n_req + i][6]),
            seats=int(rows[i][4]),
            pickup_service=rows[i][3],
            drop_service=rows[n_req + i][3],
            max_ride_time=max_ride,
        )
        for i in range(1, n_req + 1)
    )
    available = (rows[0][5], rows[end][6])
    vehicles = tuple(
        Vehicle(
            id=str(v),
            start=0,
            end=end,
            seats=int(capacity),
            available=available,
            max_route_duration=max_duration,
        )
        for v in range(int(k))
    )
    return Problem(locations, matrix, requests, vehicles, name=path.stem)


def read_best_known(path: str | os.PathLike[str]) -> dict[str, float]:
    """Best-known costs from a ``instance,cost`` CSV file."""
    with open(path, newline="") as f:
        return {row["instance"]: float(row["cost"]) for row in csv.DictReader(f)}
