"""Distance from each demand point to the nearest supply site (great circle, km)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .errors import AccessInputError
from .traveltime import Locations, haversine_km

__all__ = ["nearest_supply"]

FloatArray = npt.NDArray[np.float64]


def nearest_supply(
    demand: Locations, sites: Locations, amount: npt.ArrayLike | None = None
) -> FloatArray:
    """Great-circle km from each demand point to the nearest site with ``amount`` > 0.

    A k-d tree on 3-D unit vectors finds the nearest site (chord order = great-circle
    order); the distance of that pair is then the haversine one. ``inf`` where no site has
    supply. Convert to minutes with ``GreatCircleTravelTime.minutes_for_km``.

    Examples
    --------
    >>> communes = Locations(lat=[45.0, 45.1], lon=[3.0, 3.0])
    >>> sites = Locations(lat=[45.0, 45.2], lon=[3.0, 3.0])
    >>> np.round(nearest_supply(communes, sites, [2.0, 0.0]), 2).tolist()
    [0.0, 11.12]
    """
    n = demand.size
    if amount is None:
        keep = np.arange(sites.size)
    else:
        a = np.asarray(amount, dtype=np.float64).reshape(-1)
        if a.size != sites.size:
            raise AccessInputError(f"{sites.size} amounts expected, got {a.size}", field="amount")
        keep = np.flatnonzero(a > 0)
    if keep.size == 0:
        return np.full(n, np.inf)
    active = sites.take(keep)
    _, idx = active.kdtree().query(demand.unit_vectors(), k=1)
    assert demand.lat is not None and demand.lon is not None
    assert active.lat is not None and active.lon is not None
    return haversine_km(demand.lat, demand.lon, active.lat[idx], active.lon[idx])
