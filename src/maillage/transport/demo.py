"""Demo content of solidarity transport around Mende (Lozère), relative to today.

A fictive association, "Transport solidaire du Cœur de Lozère (démo)", serves the communes
within SERVED_RADIUS_KM of Mende. The demo coordinator runs it; the demo volunteer and three
more volunteer drivers (benevole2…4@demo.maillage.fr, created here with the other demo accounts'
password) drive for it, one with a wheelchair place; seven beneficiaries are members, the demo
resident among them. The last six weeks hold rides done (kilometres recorded, contributions
worked out as the service does), a few unmet requests with their reason and a cancellation; the
next days hold requests, and the first weekday ahead is planned by the optimiser, adjusted by
hand (the resident's trip locked to her usual driver) and published, so that the coordinator
sees a plan, the drivers their proposals and the resident her driver's first name.

Everything present or future goes through the app's services (rules, validations,
notifications). The past cannot: the services refuse a ride whose appointment has passed, and
record pickups and drops at the current time; so the history is written as those services
would have left it (same statuses, same contribution formula), and says so here.

Idempotent: the association is kept (its initiative in the directory stays the same), its
members, drivers, rides, plans and the notifications that pointed to them are removed, then
written again around today's date. Needs Mende among the loaded communes and the demo accounts;
says so and does nothing otherwise.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import Organisation, Role, User
from maillage.accounts.services import role_assign
from maillage.healthcare.models import Facility, FacilityKind, Practitioner, Profession
from maillage.participation.models import Notification
from maillage.territories.models import Commune
from maillage.territories.selectors import TerritoryRef
from maillage.transport import selectors, services
from maillage.transport.models import (
    Contribution,
    DayPlan,
    DestinationKind,
    Leg,
    Member,
    RideRequest,
    Volunteer,
)
from maillage.transport.planning import DETOUR, SPEED_KMH, destination_point, pickup_point

ASSOCIATION_NAME = "Transport solidaire du Cœur de Lozère (démo)"
DEMO = "@demo.maillage.fr"
MENDE = "48095"
LOZERE = "48"
SERVED_RADIUS_KM = 25.0
HISTORY_DAYS = 42
UPCOMING_DAYS = 9
PLAN_TIME_LIMIT_S = 2.0
# ARCEP keeps 06 39 98 xx xx for works of fiction: no real person is ever called.
FICTION_PHONE = "06 39 98 00 {:02d}"
MON, TUE, WED, THU, FRI = range(5)


@dataclass(frozen=True)
class DemoDriver:
    login: str  # local part of the e-mail
    first_name: str
    last_name: str
    commune: str  # a Lozère commune's name; Mende when it is not loaded
    vehicle: str
    seats: int
    wheelchair_places: int
    max_trip_km: int
    slots: tuple[tuple[int, time, time], ...]
    zone_km: float | None = None  # picks up within this of home (and in Mende); None: anywhere


def _weekdays(days: tuple[int, ...], start: time, end: time) -> tuple[tuple[int, time, time],
                                                                      ...]:
    return tuple((d, start, end) for d in days)


DRIVERS: tuple[DemoDriver, ...] = (
    # The demo volunteer: every weekday morning, two afternoons.
    DemoDriver("benevole", "", "", "Mende", "Peugeot 308", 3, 0, 100,
               _weekdays((MON, TUE, WED, THU, FRI), time(8), time(12, 30))
               + _weekdays((TUE, THU), time(14), time(18))),
    DemoDriver("benevole2", "Jean-Pierre", "Vidal", "Badaroux",
               "Renault Kangoo aménagé (place fauteuil roulant)", 2, 1, 120,
               _weekdays((MON, WED, FRI), time(8, 30), time(17, 30))),
    DemoDriver("benevole3", "Martine", "Chaptal", "Chastel-Nouvel", "Dacia Sandero", 3, 0, 60,
               (*_weekdays((TUE, THU), time(8), time(18)), (FRI, time(13), time(17))),
               zone_km=15.0),
    DemoDriver("benevole4", "Alain", "Bastide", "Mont Lozère et Goulet", "Citroën Berlingo", 4,
               0, 80, _weekdays((MON, TUE, WED, THU), time(9), time(16)), zone_km=15.0),
)


@dataclass(frozen=True)
class DemoMember:
    key: str
    first_name: str
    last_name: str
    age: int
    commune: str
    address: str
    isolated: bool = False
    low_income: bool = False
    fee_paid: bool = True
    wheelchair: bool = False
    walking_aid: bool = False
    door_to_door: bool = False
    companion: bool = False
    login: str = ""  # a demo account, when the member has one
    habits: tuple[str, ...] = ("generaliste", "hopital", "labo")


MEMBERS: tuple[DemoMember, ...] = (
    DemoMember("habitante", "Habitante", "Démo", 74, "Mende", "5 rue des Écoles",
               login="habitante"),
    DemoMember("marcelle", "Marcelle", "Pagès", 86, "Badaroux", "Le Village", isolated=True,
               habits=("hopital", "generaliste", "labo", "kine")),
    DemoMember("raymond", "Raymond", "Boyer", 79, "Balsièges", "2 route de Florac",
               wheelchair=True, habits=("hopital", "marvejols")),
    DemoMember("odette", "Odette", "Chabert", 91, "Mont Lozère et Goulet", "Hameau du Pont",
               isolated=True, low_income=True, walking_aid=True, door_to_door=True,
               habits=("generaliste", "labo", "hopital")),
    DemoMember("henri", "Henri", "Malafosse", 76, "Chastel-Nouvel", "7 chemin du Puech",
               habits=("kine", "kine", "generaliste", "dentiste")),
    DemoMember("yvette", "Yvette", "Rouvière", 83, "Saint-Bauzile", "Place de l'Église",
               isolated=True, companion=True, habits=("hopital", "marvejols", "dentiste")),
    # Registered this week, fee not paid yet: the coordinator records it before any ride.
    DemoMember("lucien", "Lucien", "Bonnal", 68, "Lanuéjols", "Route du Causse",
               fee_paid=False),
)

DEMO_MEMBER = {m.key: m for m in MEMBERS}


@dataclass(frozen=True)
class Place:
    """A destination: from the healthcare directory where it exists, else an address."""

    key: str
    facility: Facility | None
    practitioner: Practitioner | None
    address: str
    commune: Commune
    reasons: tuple[str, ...]
    minutes: int

    def service_arguments(self) -> dict[str, Any]:
        if self.facility is not None:
            return {"facility": self.facility}
        if self.practitioner is not None:
            return {"practitioner": self.practitioner}
        return {"destination_address": self.address, "destination_commune": self.commune}

    def model_fields(self) -> dict[str, Any]:
        kind = (DestinationKind.FACILITY if self.facility else DestinationKind.PRACTITIONER
                if self.practitioner else DestinationKind.ADDRESS)
        commune = (self.facility.commune if self.facility else self.practitioner.commune
                   if self.practitioner else self.commune)
        return {"destination_kind": kind, "destination_facility": self.facility,
                "destination_practitioner": self.practitioner,
                "destination_address": "" if (self.facility or self.practitioner)
                else self.address, "destination_commune": commune}


@dataclass
class Demo:
    association: Organisation
    coordinator: User
    mende: Commune
    members: dict[str, Member]
    volunteers: dict[str, Volunteer]
    drivers: dict[str, DemoDriver]
    places: dict[str, Place]
    rng: random.Random


@dataclass(frozen=True)
class RideSpec:
    member: str
    place: str
    hour: int
    minute: int = 0
    return_trip: bool = True
    cancelled: bool = False
    companion: bool = False


# --- helpers -----------------------------------------------------------------------------------

def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Road estimate between two (lon, lat) points: great circle × the planner's detour."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h)) * DETOUR


def _centre_km(a: Commune, b: Commune) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    return _km((a.longitude, a.latitude), (b.longitude, b.latitude)) / DETOUR


def _commune(name: str, mende: Commune) -> Commune:
    return Commune.objects.filter(departement_id=LOZERE, name=name).first() or mende


def _near(commune: Commune, rng: random.Random) -> tuple[float | None, float | None]:
    """A point a few hundred metres from the commune's centre: a house, not the town hall."""
    if commune.latitude is None or commune.longitude is None:
        return None, None
    return (round(commune.latitude + rng.uniform(-0.008, 0.008), 6),
            round(commune.longitude + rng.uniform(-0.01, 0.01), 6))


def _previous_weekday(day: date) -> date:
    while day.weekday() > FRI:
        day -= timedelta(days=1)
    return day


def _next_weekday(day: date) -> date:
    while day.weekday() > FRI:
        day += timedelta(days=1)
    return day


# --- accounts, association, places -------------------------------------------------------------

def _driver_account(spec: DemoDriver, like: User, admin: User) -> User:
    """The extra drivers are demo accounts too: same password as the others, verified e-mail,
    the volunteer role in Lozère."""
    email = f"{spec.login}{DEMO}"
    user = User.objects.filter(email=email).first() or User(email=email)
    user.password = like.password  # the hash: whatever password the demo command chose
    user.first_name, user.last_name = spec.first_name, spec.last_name
    user.display_name = f"{spec.first_name} {spec.last_name}"
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email,
                                          defaults={"verified": True, "primary": True})
    role_assign(actor=admin, user=user, role=Role.VOLUNTEER,
                territory=TerritoryRef("departement", LOZERE))
    return user


def _places(mende: Commune) -> dict[str, Place]:
    hospital = (Facility.objects.filter(finess="480000017").first()  # Hôpital Lozère, Mende
                or Facility.objects.filter(kind=FacilityKind.HOPITAL, commune=mende)
                .order_by("finess").first())
    gevaudan = (Facility.objects.filter(finess="480002948").first()  # site de Marvejols
                or Facility.objects.filter(kind=FacilityKind.HOPITAL, commune__name="Marvejols",
                                           commune__departement_id=LOZERE).first())
    gp = Practitioner.objects.filter(profession=Profession.GENERALISTE, commune=mende
                                     ).order_by("pk").first()
    address = "Hôpital Lozère, avenue du 8 Mai 1945"

    def place(key: str, reasons: tuple[str, ...], minutes: int, *,
              facility: Facility | None = None, practitioner: Practitioner | None = None,
              address: str = "") -> Place:
        return Place(key, facility, practitioner, address, mende, reasons, minutes)

    hospital_place = place("hopital", ("consultation de cardiologie",
                                       "consultation d'ophtalmologie", "examen au scanner",
                                       "consultation de rhumatologie", "bilan préopératoire"),
                           60, facility=hospital, address=address)
    return {
        "hopital": hospital_place,
        # Without the Marvejols site in the directory, rehabilitation happens in Mende.
        "marvejols": place("marvejols", ("séance de rééducation", "consultation de gériatrie"),
                           90, facility=gevaudan) if gevaudan else
        Place("marvejols", hospital_place.facility, None, address, mende,
              ("séance de rééducation", "consultation de gériatrie"), 90),
        "generaliste": place("generaliste", ("consultation chez le médecin traitant",
                                             "renouvellement d'ordonnance"), 30,
                             practitioner=gp,
                             address="Cabinet de médecine générale, 4 place du Foirail"),
        "kine": place("kine", ("séance de kinésithérapie",), 45,
                      address="Cabinet de kinésithérapie, 12 avenue Foch"),
        "labo": place("labo", ("prise de sang",), 20,
                      address="Laboratoire d'analyses médicales, 3 rue de la République"),
        "dentiste": place("dentiste", ("soins dentaires",), 45,
                          address="Cabinet dentaire, 9 boulevard du Soubeyran"),
    }


def _clear(association: Organisation) -> None:
    """Remove the association's previous demo content (the association itself stays)."""
    rides = list(RideRequest.objects.filter(association=association).values_list("pk",
                                                                                 flat=True))
    plans = list(DayPlan.objects.filter(association=association).values_list("pk", flat=True))
    drivers = list(Volunteer.objects.filter(association=association, user__isnull=False)
                   .values_list("user_id", flat=True))
    stale = Q(url__in=[reverse("transport:ride", args=[pk]) for pk in rides]
              + [reverse("transport:plan", args=[pk]) for pk in plans])
    stale |= Q(user_id__in=drivers, url__startswith=reverse("transport:driver_day"))
    Notification.objects.filter(stale).delete()
    # Contributions protect legs, rides protect members, legs protect drivers: in this order.
    Contribution.objects.filter(ride__association=association).delete()
    RideRequest.objects.filter(association=association).delete()
    DayPlan.objects.filter(association=association).delete()
    Member.objects.filter(association=association).delete()
    Volunteer.objects.filter(association=association).delete()


# --- the past: written as the services would have left it ---------------------------------------

def _regulars(day: date) -> list[DemoMember]:
    """Members who phone for rides (fee paid); wheelchair users book on the days the adapted
    van runs, as the coordinator tells them."""
    van_days = {s[0] for d in DRIVERS if d.wheelchair_places for s in d.slots}
    return [m for m in MEMBERS if m.fee_paid and not m.login
            and (not m.wheelchair or day.weekday() in van_days)]


def _history_specs(day: date, rng: random.Random) -> list[RideSpec]:
    """A weekday's usual requests (the members' own habits), drawn from the day's seed."""
    if day.weekday() > FRI:
        return []
    regulars = _regulars(day)
    specs = []
    for _k in range(rng.choice((1, 2, 2, 2, 3))):
        member = rng.choice(regulars)
        hour, minute = rng.choice(((9, 0), (9, 30), (10, 0), (10, 30), (11, 0), (14, 0),
                                   (14, 30), (15, 0)))
        specs.append(RideSpec(member.key, rng.choice(member.habits), hour, minute,
                              return_trip=rng.random() > 0.1,
                              companion=member.companion and rng.random() < 0.5))
    return specs


def _scripted_history(today: date) -> dict[date, list[RideSpec]]:
    """The resident's own rides, and the unmet requests the funders' report must show."""
    script: dict[date, list[RideSpec]] = defaultdict(list)
    for offset, place, hour in ((36, "hopital", 14), (22, "labo", 9), (8, "generaliste", 10),
                                (1, "kine", 9)):
        script[_previous_weekday(today - timedelta(days=offset))].append(
            RideSpec("habitante", place, hour, 30))
    script[_previous_weekday(today - timedelta(days=15))].append(
        RideSpec("habitante", "hopital", 15, cancelled=True))
    # Nobody drives on Saturdays; only Jean-Pierre's van takes a wheelchair (not on Tuesdays);
    # an 8 o'clock appointment starts before any driver does.
    saturday = today - timedelta(days=(today.weekday() - 5) % 7 + 7)
    script[saturday].append(RideSpec("marcelle", "hopital", 10))
    tuesday = today - timedelta(days=(today.weekday() - TUE) % 7 + 14)
    script[tuesday].append(RideSpec("raymond", "hopital", 11))
    thursday = today - timedelta(days=(today.weekday() - THU) % 7 + 21)
    script[thursday].append(RideSpec("odette", "marvejols", 8, return_trip=False))
    return script


def _free_driver(demo: Demo, ride: RideRequest, start: datetime, end: datetime, km: float,
                 busy: dict[str, list[tuple[datetime, datetime]]]) -> tuple[str | None, str]:
    """The least busy driver who could take the ride, or the reason none could."""
    weekday = start.date().weekday()
    working = [d for d in demo.drivers.values()
               if any(s[0] == weekday for s in d.slots)]
    if not working:
        return None, "no_vehicle"
    suitable = [d for d in working if not ride.wheelchair or d.wheelchair_places]
    if not suitable:
        return None, "wheelchair"
    reason = "excluded"
    free = []
    for spec in suitable:
        volunteer = demo.volunteers[spec.login]
        zone = {c.pk for c in volunteer.zone.all()}
        if (zone and ride.pickup_commune_id not in zone) or km > spec.max_trip_km:
            continue
        if not any(s[0] == weekday and _at(start.date(), s[1].hour, s[1].minute) <= start
                   and end <= _at(start.date(), s[2].hour, s[2].minute) for s in spec.slots):
            reason = "time_window" if reason == "excluded" else reason
            continue
        if any(b_start < end and start < b_end for b_start, b_end in busy[spec.login]):
            reason = "no_room"
            continue
        free.append(spec)
    if not free:
        return None, reason
    free.sort(key=lambda d: (len(busy[d.login]), demo.rng.random()))
    return free[0].login, ""


def _past_ride(demo: Demo, day: date, spec: RideSpec, plan: DayPlan | None,
               busy: dict[str, list[tuple[datetime, datetime]]]) -> RideRequest | None:
    rng = demo.rng
    member = demo.members[spec.member]
    place = demo.places[spec.place]
    appointment = _at(day, spec.hour, spec.minute)
    ride = RideRequest(
        association=demo.association, member=member,
        requested_by=member.user or demo.coordinator, by_phone=member.user is None,
        pickup_address=member.address, pickup_commune=member.commune,
        pickup_latitude=member.latitude, pickup_longitude=member.longitude,
        reason=rng.choice(place.reasons), appointment_at=appointment,
        appointment_minutes=place.minutes, return_trip=spec.return_trip,
        wheelchair=DEMO_MEMBER[spec.member].wheelchair,
        walking_aid=DEMO_MEMBER[spec.member].walking_aid,
        door_to_door=DEMO_MEMBER[spec.member].door_to_door, companion=spec.companion,
        **place.model_fields())
    km = _km(pickup_point(ride), destination_point(ride))
    travel = timedelta(minutes=km / SPEED_KMH * 60)
    early = timedelta(minutes=15)
    start = appointment - early - travel
    ends = appointment + timedelta(minutes=place.minutes) + timedelta(minutes=5)
    end = ends + travel if spec.return_trip else appointment - early
    if end + timedelta(minutes=30) > timezone.now() and not spec.cancelled:
        return None  # later today: not history yet
    driver, reason = (None, "") if spec.cancelled else _free_driver(demo, ride, start, end, km,
                                                                    busy)
    if spec.cancelled:
        ride.status = RideRequest.Status.CANCELLED
        ride.cancelled_at = appointment - timedelta(days=2, hours=-3)
    elif driver is None:
        ride.status = RideRequest.Status.UNSERVED
        ride.unserved_reason = reason
    else:
        ride.status = RideRequest.Status.DONE
        busy[driver].append((start - timedelta(minutes=10), end + timedelta(minutes=10)))
    ride.full_clean()
    ride.save()
    # The request was made some days ahead, as the association asks.
    RideRequest.objects.filter(pk=ride.pk).update(
        created_at=appointment - timedelta(days=rng.randint(3, 9), hours=rng.randint(0, 6)))
    directions = [(Leg.Direction.OUTBOUND, start, appointment - early)]
    if spec.return_trip:
        directions.append((Leg.Direction.RETURN, ends, ends + travel))
    settings = services.transport_settings_of(demo.association)
    for sequence, (direction, pickup_at, drop_at) in enumerate(directions):
        leg = Leg(ride=ride, direction=direction, planned_km=Decimal(f"{km:.1f}"),
                  plan=None if spec.cancelled else plan)
        if driver is not None:
            leg.volunteer = demo.volunteers[driver]
            leg.sequence, leg.pickup_at, leg.drop_at = sequence, pickup_at, drop_at
            leg.answer = Leg.DriverAnswer.ACCEPTED
            leg.picked_up_at = pickup_at + timedelta(minutes=rng.randint(-2, 6))
            leg.dropped_at = leg.picked_up_at + travel + timedelta(minutes=rng.randint(3, 9))
            # The odometer says a little more than the estimate (parking, a detour).
            leg.km = Decimal(f"{km * rng.uniform(1.0, 1.08) + rng.uniform(0, 1.5):.1f}")
        leg.full_clean()
        leg.save()
        if driver is not None:
            contribution = Contribution.objects.create(
                leg=leg, ride=ride, member=member, volunteer=leg.volunteer, km=leg.km,
                rate_per_km=settings.rate_per_km, minimum_per_ride=settings.minimum_per_ride,
                amount=services.contribution_amount(leg.km, settings.rate_per_km,
                                                    settings.minimum_per_ride))
            Contribution.objects.filter(pk=contribution.pk).update(created_at=leg.dropped_at)
    return ride


def _history(demo: Demo, today: date) -> list[RideRequest]:
    script = _scripted_history(today)
    rides: list[RideRequest] = []
    for offset in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=offset)
        specs = script.get(day, []) + _history_specs(day, demo.rng)
        if not specs:
            continue
        # Planned and published the evening before, as every day is.
        plan = DayPlan.objects.create(
            association=demo.association, date=day, state=DayPlan.State.PUBLISHED,
            created_by=demo.coordinator, published_at=_at(day - timedelta(days=1), 17, 30))
        busy: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
        made = [r for r in (_past_ride(demo, day, s, plan, busy) for s in specs) if r]
        legs = list(Leg.objects.filter(plan=plan))
        if not legs:
            plan.delete()
            rides += made
            continue
        plan.summary = {
            "legs": len(legs), "served": sum(1 for leg in legs if leg.volunteer_id),
            "unserved": sum(1 for leg in legs if not leg.volunteer_id),
            "km": round(float(sum(leg.planned_km or 0 for leg in legs if leg.volunteer_id)), 1),
            "drivers": len({leg.volunteer_id for leg in legs if leg.volunteer_id}),
            "solver_status": "demo-history", "seconds": 0.0, "travel_model": "",
        }
        plan.save(update_fields=["summary", "updated_at"])
        rides += made
    return rides


# --- the days ahead: through the services --------------------------------------------------------

def _request(demo: Demo, day: date, spec: RideSpec) -> RideRequest:
    member = demo.members[spec.member]
    profile = DEMO_MEMBER[spec.member]
    place = demo.places[spec.place]
    # The resident books on the site herself; the others phone the coordinator.
    actor = member.user or demo.coordinator
    return services.ride_request_create(
        actor=actor, member=member, appointment_at=_at(day, spec.hour, spec.minute),
        by_phone=member.user is None, reason=demo.rng.choice(place.reasons),
        appointment_minutes=place.minutes, return_trip=spec.return_trip,
        wheelchair=profile.wheelchair, walking_aid=profile.walking_aid,
        door_to_door=profile.door_to_door, companion=spec.companion,
        **place.service_arguments())


PLANNED_DAY: tuple[RideSpec, ...] = (
    RideSpec("marcelle", "hopital", 9),
    RideSpec("odette", "labo", 9, 30),
    RideSpec("habitante", "generaliste", 10, 30),
    RideSpec("henri", "kine", 11),
    RideSpec("raymond", "hopital", 14),
    RideSpec("yvette", "dentiste", 15, companion=True),
)


def _upcoming(demo: Demo, today: date) -> tuple[date, dict[str, RideRequest]]:
    """Requests for the next days; returns the first weekday ahead (to be planned) and the
    resident's rides by role ("planned", "later", "cancelled")."""
    planned_day = _next_weekday(today + timedelta(days=1))
    hers: dict[str, RideRequest] = {}
    for spec in PLANNED_DAY:
        ride = _request(demo, planned_day, spec)
        if spec.member == "habitante":
            hers["planned"] = ride
    later = [planned_day + timedelta(days=k) for k in range(1, UPCOMING_DAYS)]
    later = [d for d in later if d.weekday() <= FRI]
    for day in later:
        for _k in range(demo.rng.choice((2, 2, 3))):
            member = demo.rng.choice(_regulars(day))
            hour, minute = demo.rng.choice(((9, 0), (10, 0), (10, 30), (14, 0), (15, 30)))
            _request(demo, day, RideSpec(member.key, demo.rng.choice(member.habits), hour,
                                         minute))
    if later:
        hers["later"] = _request(demo, later[len(later) // 2],
                                 RideSpec("habitante", "hopital", 14, 30))
        # Her blood test moved to another day: she cancelled the ride herself.
        cancelled = _request(demo, later[0], RideSpec("habitante", "labo", 8, 30))
        hers["cancelled"] = services.ride_request_cancel(actor=demo.members["habitante"].user,
                                                         ride=cancelled)
    return planned_day, hers


def _plan(demo: Demo, day: date, hers: RideRequest) -> DayPlan:
    """The optimiser plans the day; the coordinator keeps the resident with her usual driver
    (locked), re-plans around it and publishes; the other drivers accept their trips."""
    coordinator = demo.coordinator
    if not coordinator.has_perm("transport.plan_dayplan", demo.association):
        raise PermissionDenied("la coordinatrice de démonstration ne coordonne pas l'association")
    # Run in this process rather than queued (day_plan_start): the demo is set up before any
    # task worker runs, and a queued run would find its result already stored.
    plan = DayPlan.objects.create(association=demo.association, date=day,
                                  created_by=coordinator)
    services.day_plan_execute(plan, time_limit_s=PLAN_TIME_LIMIT_S)
    usual = demo.volunteers["benevole"]
    outbound = hers.legs.get(direction=Leg.Direction.OUTBOUND)
    services.leg_move(actor=coordinator, leg=outbound, volunteer=usual)
    services.day_plan_execute(plan, time_limit_s=PLAN_TIME_LIMIT_S)
    plan = services.day_plan_publish(actor=coordinator, plan=plan)
    # The demo volunteer's proposals are left for the visitor to accept or decline.
    for leg in list(plan.legs.filter(volunteer__isnull=False).exclude(volunteer=usual)
                    .select_related("volunteer__user")):
        services.leg_respond(actor=leg.volunteer.user, leg=leg, accept=True)
    return plan


# --- entry point -------------------------------------------------------------------------------

@transaction.atomic
def demo_load(say: Callable[[str], object] = print) -> Organisation | None:
    mende = Commune.objects.filter(pk=MENDE).first()
    if mende is None:
        say("Transport solidaire : Mende (48095) n'est pas chargée ; rien à charger.")
        return None
    accounts = {login: User.objects.filter(email=f"{login}{DEMO}").first()
                for login in ("coordinatrice", "benevole", "habitante", "admin")}
    if not all(accounts.values()):
        say("Transport solidaire : comptes de démonstration absents, rien à charger.")
        return None
    coordinator, admin = accounts["coordinatrice"], accounts["admin"]
    today = timezone.localdate()
    # Seeded by the date: the same day gives the same history, another day a fresh one.
    rng = random.Random(f"transport-demo-{today.isoformat()}")

    association, _created = Organisation.objects.get_or_create(
        name=ASSOCIATION_NAME, kind=Organisation.Kind.ASSOCIATION,
        defaults={"commune": mende})
    role_assign(actor=admin, user=coordinator, role=Role.COORDINATOR, organisation=association)
    _clear(association)
    lozere = Commune.objects.filter(departement_id=LOZERE)
    around = [c for c in lozere if _centre_km(c, mende) <= SERVED_RADIUS_KM]
    homes = {_commune(m.commune, mende) for m in MEMBERS} | {_commune(d.commune, mende)
                                                            for d in DRIVERS}
    served = sorted({c.pk for c in around} | {c.pk for c in homes})
    services.transport_settings_update(
        actor=coordinator, association=association, served_communes=served,
        rate_per_km=Decimal("0.35"), minimum_per_ride=Decimal("4.00"),
        membership_fee=Decimal("15.00"), membership_validity_days=365, minimum_age=60,
        require_isolation=False, require_no_vehicle=True, require_low_income=False,
        arrive_early_min=45, arrive_late_min=10)

    served_communes = list(Commune.objects.filter(pk__in=served))
    volunteers: dict[str, Volunteer] = {}
    for spec in DRIVERS:
        user = accounts["benevole"] if spec.login == "benevole" else _driver_account(
            spec, accounts["benevole"], admin)
        home = _commune(spec.commune, mende)
        zone = served_communes if spec.zone_km is None else [
            c for c in served_communes
            if c.pk in {home.pk, MENDE} or _centre_km(c, home) <= spec.zone_km]
        lat, lon = _near(home, rng)
        volunteer = services.volunteer_register(
            actor=coordinator, association=association, user=user, home_commune=home,
            max_trip_km=spec.max_trip_km, zone=zone, latitude=lat, longitude=lon)
        # The driver declares their own car and hours.
        services.vehicle_add(actor=user, volunteer=volunteer, label=spec.vehicle,
                             seats=spec.seats, wheelchair_places=spec.wheelchair_places)
        for weekday, start, end in spec.slots:
            services.availability_slot_add(actor=user, volunteer=volunteer, weekday=weekday,
                                           start=start, end=end)
        volunteers[spec.login] = volunteer

    members: dict[str, Member] = {}
    for number, spec in enumerate(MEMBERS, start=1):
        commune = _commune(spec.commune, mende)
        lat, lon = _near(commune, rng)
        birth = today.replace(day=min(today.day, 28), year=today.year - spec.age) \
            - timedelta(days=rng.randint(20, 300))
        members[spec.key] = services.member_register(
            actor=coordinator, association=association, fee_paid=spec.fee_paid,
            user=accounts.get(spec.login) if spec.login else None,
            first_name=spec.first_name, last_name=spec.last_name, birth_date=birth,
            phone="" if spec.login else FICTION_PHONE.format(number), address=spec.address,
            commune=commune, latitude=lat, longitude=lon, is_isolated=spec.isolated,
            has_vehicle=False, low_income=spec.low_income)

    demo = Demo(association, coordinator, mende, members, volunteers,
                {d.login: d for d in DRIVERS}, _places(mende), rng)
    history = _history(demo, today)
    planned_day, hers = _upcoming(demo, today)
    # Absences declared ahead (after the requests, as drivers do): a day off, shorter hours.
    after = planned_day + timedelta(days=7)
    services.availability_exception_add(actor=volunteers["benevole"].user,
                                        volunteer=volunteers["benevole"], on=after)
    services.availability_exception_add(actor=volunteers["benevole3"].user,
                                        volunteer=volunteers["benevole3"],
                                        on=_next_weekday(after + timedelta(days=1)),
                                        start=time(14), end=time(18))
    plan = _plan(demo, planned_day, hers["planned"])
    # The coordinator checked the resident's destination when booking, her driver on his day:
    # both reads are in the trail she can read.
    for reader in (coordinator, volunteers["benevole"].user):
        if reader.has_perm("transport.view_destination", hers["planned"]):
            selectors.ride_destination(actor=reader, ride=hers["planned"])

    done = sum(r.status == RideRequest.Status.DONE for r in history)
    unmet = sum(r.status == RideRequest.Status.UNSERVED for r in history)
    ahead = RideRequest.objects.filter(association=association,
                                       appointment_at__gte=_at(planned_day, 0)).exclude(
        status=RideRequest.Status.CANCELLED).count()
    summary = plan.summary
    say(f"Transport solidaire : « {ASSOCIATION_NAME} », {len(members)} bénéficiaires, "
        f"{len(volunteers)} chauffeurs bénévoles, {done} transports effectués et {unmet} "
        f"demandes non satisfaites sur six semaines, {ahead} demandes à venir ; planning du "
        f"{planned_day:%d/%m/%Y} publié ({summary.get('served', 0)} trajets planifiés, "
        f"{summary.get('unserved', 0)} sans chauffeur).")
    return association
