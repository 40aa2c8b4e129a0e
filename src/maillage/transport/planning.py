"""From the association's tables to the routing engine's `Problem`, and back.

Times are minutes from midnight (local time) of the day planned. Points are the given
coordinates, else the commune centres. Travel times come from the platform's travel-time source
(the setting MAILLAGE_TRAVEL_TIMES, as for the access analyses: the default great-circle model,
an origin–destination matrix of communes, or OSRM); a pair the source does not cover falls back
to the default model. The kilometres minimised (and shown) are the default model's road
distance estimate: great-circle × detour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from django.conf import settings as django_settings
from django.utils import timezone
from numpy.typing import NDArray

from maillage.engines.access import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH, Locations
from maillage.engines.routing import (
    Location,
    Lock,
    Problem,
    Request,
    Vehicle,
    great_circle_matrices,
)
from maillage.transport.models import (
    Leg,
    RideRequest,
    TransportSettings,
    Volunteer,
)

# The access engine's default model (engines.access: detour 1.3, 50 km/h).
DETOUR = DEFAULT_DETOUR_FACTOR
SPEED_KMH = DEFAULT_SPEED_KMH
DAY_END = 24 * 60.0
RETURN_PICKUP_SLACK = 45.0  # the return pickup happens within this after the appointment ends
# A driver who also drives for another association is busy from this long before its pickup
# to this long after its drop (getting there and back).
BUSY_MARGIN = timedelta(minutes=30)


@dataclass
class DayProblem:
    problem: Problem
    legs: dict[str, Leg]  # engine request id → leg
    vehicles: dict[str, Volunteer]  # engine vehicle id → volunteer
    midnight: datetime
    travel_model: str = ""

    def at(self, minutes: float) -> datetime:
        return self.midnight + timedelta(minutes=minutes)


def minutes_of(moment: datetime, midnight: datetime) -> float:
    return (moment - midnight).total_seconds() / 60.0


def availability_windows(volunteer: Volunteer, day: date) -> list[tuple[time, time]]:
    """A date's exceptions replace the weekly slots; an exception without hours means absent."""
    exceptions = [e for e in volunteer.exceptions.all() if e.date == day]
    if exceptions:
        return [(e.start, e.end) for e in exceptions if e.start is not None]
    return [(s.start, s.end) for s in volunteer.slots.all() if s.weekday == day.weekday()]


def busy_elsewhere(volunteer: Volunteer, day: date) -> list[tuple[datetime, datetime]]:
    """Times the same person drives for another association that day (drafts included)."""
    if volunteer.user_id is None:
        return []
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    legs = Leg.objects.filter(
        volunteer__user_id=volunteer.user_id, pickup_at__gte=start - timedelta(hours=6),
        pickup_at__lt=start + timedelta(days=1), drop_at__isnull=False,
    ).exclude(volunteer__association_id=volunteer.association_id).exclude(
        ride__status=RideRequest.Status.CANCELLED)
    return [(leg.pickup_at - BUSY_MARGIN, leg.drop_at + BUSY_MARGIN) for leg in legs]


def subtract(windows: list[tuple[datetime, datetime]], busy: list[tuple[datetime, datetime]]
             ) -> list[tuple[datetime, datetime]]:
    """The parts of the windows outside every busy interval."""
    free = sorted(windows)
    for b_start, b_end in sorted(busy):
        pieces = []
        for start, end in free:
            if b_end <= start or b_start >= end:
                pieces.append((start, end))
                continue
            if start < b_start:
                pieces.append((start, b_start))
            if b_end < end:
                pieces.append((b_end, end))
        free = pieces
    return free


def travel_matrices(locations: tuple[Location, ...], codes: list[str]
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """Minutes (from the configured source) and km (default model) between the points."""
    minutes, km = great_circle_matrices(locations, detour=DETOUR, speed_kmh=SPEED_KMH)
    spec = django_settings.MAILLAGE_TRAVEL_TIMES.strip()
    if spec in {"", "great-circle"} or not all(codes):
        return minutes, km, f"great-circle x {DETOUR} at {SPEED_KMH:g} km/h"
    from maillage.insights.traveltimes import travel_time_source

    source = travel_time_source(speed_kmh=SPEED_KMH, detour_factor=DETOUR)
    points = Locations(lat=[loc.y for loc in locations], lon=[loc.x for loc in locations],
                       codes=codes)
    found = source.matrix(points, points, max_minutes=24 * 60.0)
    minutes = minutes.copy()
    minutes[found.rows, found.cols] = found.minutes
    np.fill_diagonal(minutes, 0.0)
    return minutes, km, f"{spec.split(':', 1)[0]} (default model where missing)"


def _point(lat: float | None, lon: float | None, commune) -> tuple[float, float]:
    if lat is not None and lon is not None:
        return float(lon), float(lat)
    if commune.latitude is None or commune.longitude is None:
        raise ValueError(f"commune {commune.code} has no centre")
    return float(commune.longitude), float(commune.latitude)


def destination_point(ride: RideRequest) -> tuple[float, float]:
    if ride.destination_facility_id:
        f = ride.destination_facility
        return _point(f.latitude, f.longitude, f.commune)
    if ride.destination_practitioner_id:
        p = ride.destination_practitioner
        return _point(p.latitude, p.longitude, p.commune or ride.destination_commune)
    return _point(ride.destination_latitude, ride.destination_longitude, ride.destination_commune)


def destination_commune_code(ride: RideRequest) -> str:
    if ride.destination_facility_id:
        return ride.destination_facility.commune_id
    if ride.destination_practitioner_id:
        return ride.destination_practitioner.commune_id
    return ride.destination_commune_id


def pickup_point(ride: RideRequest) -> tuple[float, float]:
    return _point(ride.pickup_latitude, ride.pickup_longitude, ride.pickup_commune)


def day_legs(association_id: int, day: date) -> list[Leg]:
    """The legs to plan: open rides of that day, not yet picked up."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return list(
        Leg.objects.filter(
            ride__association_id=association_id,
            ride__appointment_at__gte=start, ride__appointment_at__lt=start + timedelta(days=1),
            ride__status__in=[RideRequest.Status.REQUESTED, RideRequest.Status.PLANNED,
                              RideRequest.Status.CONFIRMED, RideRequest.Status.UNSERVED],
            picked_up_at__isnull=True,
        ).select_related("ride__pickup_commune", "ride__destination_commune",
                         "ride__destination_facility__commune",
                         "ride__destination_practitioner__commune", "volunteer__user")
        .prefetch_related("declined_by")
        .order_by("ride__appointment_at", "ride_id", "direction")
    )


def build_day_problem(association_id: int, day: date) -> DayProblem:
    settings = TransportSettings.objects.get(association_id=association_id)
    midnight = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    legs = day_legs(association_id, day)
    volunteers = list(
        Volunteer.objects.filter(association_id=association_id, active=True)
        .select_related("home_commune", "user")
        .prefetch_related("vehicles", "slots", "exceptions", "zone").order_by("pk")
    )
    points: dict[tuple[float, float], int] = {}
    codes: list[str] = []

    def index(xy: tuple[float, float], commune_code: str) -> int:
        key = (round(xy[0], 6), round(xy[1], 6))
        if key not in points:
            points[key] = len(points)
            codes.append(commune_code)
        return points[key]

    fleet: list[tuple[str, Volunteer, int, tuple[float, float]]] = []
    for volunteer in volunteers:
        home = index(_point(volunteer.latitude, volunteer.longitude, volunteer.home_commune),
                     volunteer.home_commune_id)
        windows = [(datetime.combine(day, start, tzinfo=midnight.tzinfo),
                    datetime.combine(day, end, tzinfo=midnight.tzinfo))
                   for start, end in availability_windows(volunteer, day)]
        free = subtract(windows, busy_elsewhere(volunteer, day))
        for k, (start, end) in enumerate(free):
            window = (minutes_of(start, midnight), minutes_of(end, midnight))
            fleet.append((f"v{volunteer.pk}-{k}", volunteer, home, window))
    ends = [(leg, index(pickup_point(leg.ride), leg.ride.pickup_commune_id),
             index(destination_point(leg.ride), destination_commune_code(leg.ride)))
            for leg in legs]
    locations = tuple(Location(f"p{i}", x, y) for (x, y), i in points.items())
    if not locations:
        locations, codes = (Location("p0", 0.0, 0.0),), [""]
    minutes, km, travel_model = travel_matrices(locations, codes)

    zones = {v.pk: {c.pk for c in v.zone.all()} for v in volunteers}
    vehicle_ids: dict[int, list[str]] = {}
    for vid, volunteer, _home, _window in fleet:
        vehicle_ids.setdefault(volunteer.pk, []).append(vid)

    def excluded_for(leg: Leg, trip_km: float) -> frozenset[str]:
        """Drivers who declined the leg, those whose zone leaves out the passenger's commune
        (an empty zone means anywhere) and those for whom the trip is longer than they accept;
        a coordinator's lock overrides all three."""
        declined = {v.pk for v in leg.declined_by.all()}
        out = set()
        for volunteer in volunteers:
            if leg.locked and leg.volunteer_id == volunteer.pk:
                continue
            zone = zones[volunteer.pk]
            if volunteer.pk in declined or (zone and leg.ride.pickup_commune_id not in zone) \
                    or trip_km > volunteer.max_trip_km:
                out.update(vehicle_ids.get(volunteer.pk, ()))
        return frozenset(out)

    requests: list[Request] = []
    by_id: dict[str, Leg] = {}
    for leg, home_point, care_point in ends:
        ride = leg.ride
        appointment = minutes_of(ride.appointment_at, midnight)
        boarding = 10.0 if (ride.door_to_door or ride.wheelchair) else 5.0
        if leg.direction == Leg.Direction.OUTBOUND:
            pickup, drop = home_point, care_point
            pickup_window = (0.0, max(0.0, appointment - settings.arrive_late_min))
            drop_window = (max(0.0, appointment - settings.arrive_early_min),
                           max(0.0, appointment - settings.arrive_late_min))
        else:
            pickup, drop = care_point, home_point
            ready = appointment + ride.appointment_minutes
            pickup_window = (ready, min(DAY_END, ready + RETURN_PICKUP_SLACK))
            drop_window = (ready, DAY_END)
        direct = float(minutes[pickup, drop])
        rid = str(leg.pk)
        by_id[rid] = leg
        requests.append(Request(
            rid, pickup, drop, pickup_window=pickup_window, drop_window=drop_window,
            seats=ride.seats, wheelchair=ride.wheelchair, pickup_service=boarding,
            drop_service=boarding, max_ride_time=direct + max(20.0, 0.5 * direct),
            excluded_vehicles=excluded_for(leg, float(km[pickup, drop])),
        ))

    vehicles: list[Vehicle] = []
    vehicle_owner: dict[str, Volunteer] = {}
    for vid, volunteer, home, window in fleet:
        cars = sorted(volunteer.vehicles.all(), key=lambda c: (c.wheelchair_places, c.seats))
        if not cars:
            continue
        car = cars[-1]
        # "The longest trip accepted" bounds each trip (one direction of a ride, as the
        # contributions count it), not the day's total: see excluded_for.
        vehicles.append(Vehicle(vid, home, home, seats=car.seats,
                                wheelchair_places=car.wheelchair_places, available=window))
        vehicle_owner[vid] = volunteer

    locks: list[Lock] = []
    excluded = {r.id: r.excluded_vehicles for r in requests}
    for leg in legs:
        if leg.volunteer_id and (leg.locked or leg.answer == Leg.DriverAnswer.ACCEPTED):
            vid = _vehicle_for(leg, vehicles, vehicle_owner, midnight)
            if vid is not None and vid not in excluded[str(leg.pk)]:
                locks.append(Lock(str(leg.pk), vid))
    problem = Problem(locations, minutes, tuple(requests), tuple(vehicles), distance=km,
                      locks=tuple(locks), name=f"association {association_id} {day}")
    return DayProblem(problem, by_id, vehicle_owner, midnight, travel_model)


def _vehicle_for(leg: Leg, vehicles: list[Vehicle], owner: dict[str, Volunteer],
                 midnight: datetime) -> str | None:
    """The locked driver's availability window that contains the leg's appointment, if any."""
    appointment = minutes_of(leg.ride.appointment_at, midnight)
    candidates = [v for v in vehicles if owner[v.id].pk == leg.volunteer_id]
    for v in candidates:
        if v.available[0] <= appointment <= v.available[1]:
            return v.id
    return candidates[0].id if candidates else None


def leg_km(day: DayProblem, leg_id: str) -> float:
    r = day.problem.request(leg_id)
    value = float(day.problem.cost_matrix[r.pickup, r.drop])
    return 0.0 if math.isnan(value) else value
