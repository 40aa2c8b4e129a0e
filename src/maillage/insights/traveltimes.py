"""The travel-time source, chosen by the setting MAILLAGE_TRAVEL_TIMES (a pluggable backend).

- "great-circle" (default): great-circle distance × detour ÷ speed, the calibrated model;
- "od:/path/to/matrix.csv" or ".parquet": an origin–destination matrix file of commune codes
  (columns origin, destination, minutes);
- "osrm:http://host:5000": an OSRM server's table service on OpenStreetMap roads.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from maillage.engines.access import (
    GreatCircleTravelTime,
    ODMatrixTravelTime,
    OSRMTravelTime,
    TravelTimeSource,
)
from maillage.territories.models import Commune


def travel_time_source(*, speed_kmh: float, detour_factor: float) -> TravelTimeSource:
    spec = settings.MAILLAGE_TRAVEL_TIMES.strip()
    if spec in {"", "great-circle"}:
        return GreatCircleTravelTime(detour_factor=detour_factor, speed_kmh=speed_kmh)
    if spec.startswith("od:"):
        known = frozenset(Commune.objects.values_list("code", flat=True))
        return ODMatrixTravelTime.from_file(spec.removeprefix("od:"), known_codes=known)
    if spec.startswith("osrm:"):
        return OSRMTravelTime(spec.removeprefix("osrm:"))
    raise ImproperlyConfigured(
        f"MAILLAGE_TRAVEL_TIMES must be 'great-circle', 'od:<file>' or 'osrm:<url>', got {spec!r}"
    )


def travel_time_description(*, speed_kmh: float, detour_factor: float) -> str:
    spec = settings.MAILLAGE_TRAVEL_TIMES.strip()
    if spec.startswith("od:"):
        return f"matrice origine–destination {spec.removeprefix('od:').rsplit('/', 1)[-1]}"
    if spec.startswith("osrm:"):
        return (f"service OSRM {spec.removeprefix('osrm:')} "
                "(routes OpenStreetMap, © contributeurs OSM, ODbL)")
    return (f"distance à vol d'oiseau × {detour_factor} ÷ {speed_kmh} km/h entre centres de "
            "communes (hypothèse calibrée sur l'APL DREES 2022)")
