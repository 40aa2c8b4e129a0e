"""Reads of solidarity transport, with the same rights as the writes.

A ride's destination and reason are health information: `ride_destination` checks the right and
records each access in `DestinationAccess`, which the beneficiary reads on their page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import Organisation, User
from maillage.healthcare.models import Facility
from maillage.territories.models import Commune
from maillage.transport.models import (
    Contribution,
    DayPlan,
    DestinationAccess,
    DestinationKind,
    Leg,
    Member,
    RideRequest,
    TransportSettings,
    Volunteer,
)
from maillage.transport.rules import coordinated_associations, is_coordinator

# Lazy: read at request time, in the reader's language.
UNSERVED_LABELS = {
    "no_vehicle": gettext_lazy("aucun chauffeur disponible ce jour-là"),
    "wheelchair": gettext_lazy("aucun véhicule équipé pour un fauteuil roulant"),
    "capacity": gettext_lazy("pas assez de places dans les véhicules"),
    "max_ride_time": gettext_lazy("trajet trop long pour le temps de trajet maximal"),
    "time_window": gettext_lazy("aucun chauffeur disponible aux heures demandées ou dans sa "
                                "limite de distance"),
    "lock_infeasible": gettext_lazy("le chauffeur imposé ne peut pas assurer ce trajet"),
    "no_room": gettext_lazy("tous les chauffeurs sont déjà pris"),
    "excluded": gettext_lazy("aucun chauffeur disponible n'accepte ce trajet (zone, distance "
                             "ou refus)"),
    "cancelled": gettext_lazy("annulé"),
    "declined": gettext_lazy("refusé par le chauffeur proposé : à confier à un autre"),
}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def associations_coordinated(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=coordinated_associations(user),
                                       kind=Organisation.Kind.ASSOCIATION)


def _rides() -> QuerySet[RideRequest]:
    return RideRequest.objects.select_related(
        "member", "association", "pickup_commune", "destination_commune"
    ).prefetch_related("legs__volunteer__user", "legs__plan")


def rides_visible_to(user: Any) -> QuerySet[RideRequest]:
    """Rides the user may follow: theirs, those they requested by mandate, their association's,
    the legs they drive."""
    if not user.is_authenticated:
        return RideRequest.objects.none()
    return _rides().filter(
        Q(member__user=user) | Q(member__mandates__user=user)
        | Q(association_id__in=coordinated_associations(user))
        | Q(legs__volunteer__user=user)
    ).distinct()


def rides_requested_for(user: Any) -> QuerySet[RideRequest]:
    """The user's own rides and those of the members who mandated them."""
    if not user.is_authenticated:
        return RideRequest.objects.none()
    return _rides().filter(Q(member__user=user) | Q(member__mandates__user=user)
                           ).distinct().order_by("-appointment_at")


def ride_get(*, actor: Any, pk: int) -> RideRequest:
    ride = _rides().filter(pk=pk).first()
    if ride is None or not actor.has_perm("transport.view_riderequest", ride):
        # Same answer for "absent" and "not yours": ids do not leak.
        raise PermissionDenied(_("Transport introuvable ou non autorisé."))
    return ride


@dataclass(frozen=True)
class RideStatus:
    """What a requester sees: no destination here."""

    status: str
    status_label: str
    legs: list[dict[str, Any]]
    unserved_reason: str


def ride_status(ride: RideRequest) -> RideStatus:
    published = [leg for leg in ride.legs.all()
                 if leg.plan_id and leg.plan.is_visible]
    legs = []
    for leg in sorted(ride.legs.all(), key=lambda x: x.direction != Leg.Direction.OUTBOUND):
        shown = leg in published and leg.volunteer_id is not None
        legs.append({
            "id": leg.pk, "direction": leg.direction,
            "direction_label": leg.get_direction_display(),
            "driver_first_name": leg.volunteer.first_name if shown else None,
            "pickup_at": leg.pickup_at if shown else None,
            "answer": leg.answer, "picked_up": leg.picked_up_at is not None,
            "dropped": leg.dropped_at is not None,
        })
    reason = ""
    if ride.status == RideRequest.Status.UNSERVED:
        reason = str(UNSERVED_LABELS.get(ride.unserved_reason, ride.unserved_reason))
    return RideStatus(ride.status, ride.get_status_display(), legs, reason)


@dataclass(frozen=True)
class Destination:
    kind: str
    label: str
    address: str
    commune: str
    reason: str


def _role_of(user: Any, ride: RideRequest) -> str:
    if ride.member.user_id == user.pk:
        return "beneficiary"
    if is_coordinator(user, ride):
        return "coordinator"
    if any(leg.volunteer_id and leg.volunteer.user_id == user.pk for leg in ride.legs.all()):
        return "driver"
    return "mandated"


def ride_destination(*, actor: Any, ride: RideRequest, channel: str = "page") -> Destination:
    """The destination and reason of a ride, for those allowed; every access is logged."""
    if not actor.has_perm("transport.view_destination", ride):
        raise PermissionDenied(_("La destination de ce transport ne vous est pas accessible."))
    DestinationAccess.objects.create(
        ride=ride, member=ride.member, user=actor, user_label=str(actor)[:200],
        role=_role_of(actor, ride), channel=channel)
    if ride.destination_kind == DestinationKind.FACILITY:
        facility = ride.destination_facility
        label, address = facility.name, facility.get_kind_display()
    elif ride.destination_kind == DestinationKind.PRACTITIONER:
        p = ride.destination_practitioner
        label = f"{p.get_profession_display()} — {p.site_name}".strip(" —")
        address = p.specialty
    else:
        label, address = ride.destination_address, ""
    return Destination(ride.destination_kind, label, address, ride.destination_commune.name,
                       ride.reason)


def destinations_shown(*, actor: Any, rides: list[RideRequest], channel: str) -> None:
    """Log that a page showed these rides' destinations (the coordinator's plan page shows
    where each trip goes); refuses if any is not the actor's to see."""
    for ride in rides:
        if not actor.has_perm("transport.view_destination", ride):
            raise PermissionDenied(_("La destination de ce transport ne vous est pas "
                                     "accessible."))
    DestinationAccess.objects.bulk_create(
        DestinationAccess(ride=ride, member_id=ride.member_id, user=actor,
                          user_label=str(actor)[:200], role=_role_of(actor, ride),
                          channel=channel)
        for ride in {r.pk: r for r in rides}.values())


def destination_accesses_for(user: Any) -> QuerySet[DestinationAccess]:
    """The audit trail of the user's own rides (and of members they are mandated for)."""
    if not user.is_authenticated:
        return DestinationAccess.objects.none()
    return DestinationAccess.objects.filter(
        Q(member__user=user) | Q(member__mandates__user=user)
    ).distinct().select_related("ride")


def members_for(*, actor: Any, association: Organisation) -> QuerySet[Member]:
    if not actor.has_perm("transport.manage_association", association):
        raise PermissionDenied(_("Réservé aux coordinateurs de l'association."))
    return Member.objects.filter(association=association).select_related("commune")


def members_requestable_by(user: Any) -> QuerySet[Member]:
    """Members the user may book a ride for."""
    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(
        Q(user=user) | Q(mandates__user=user)
        | Q(association_id__in=coordinated_associations(user))
    ).distinct().select_related("association", "commune")


def facilities_for(members: QuerySet[Member]) -> QuerySet[Facility]:
    """Destinations offered on the form: facilities in the départements the associations serve
    (their own and their served communes'), not every facility of the region."""
    associations = {m.association_id for m in members}
    departements = set(Commune.objects.filter(
        Q(pk__in=Organisation.objects.filter(pk__in=associations).values("commune_id"))
        | Q(pk__in=TransportSettings.served_communes.through.objects.filter(
            transportsettings__association_id__in=associations).values("commune_id"))
    ).values_list("departement_id", flat=True))
    return Facility.objects.filter(commune__departement_id__in=departements).select_related(
        "commune").order_by("name")


def requests_for_day(*, actor: Any, association: Organisation, day: date
                     ) -> QuerySet[RideRequest]:
    if not actor.has_perm("transport.plan_dayplan", association):
        raise PermissionDenied(_("Réservé aux coordinateurs de l'association."))
    start, end = day_bounds(day)
    return _rides().filter(association=association, appointment_at__gte=start,
                           appointment_at__lt=end)


def plan_get(*, actor: Any, pk: int) -> DayPlan:
    plan = DayPlan.objects.select_related("association", "progress").filter(pk=pk).first()
    if plan is None or not actor.has_perm("transport.plan_dayplan", plan):
        raise PermissionDenied(_("Planning introuvable ou non autorisé."))
    return plan


@dataclass
class PlannedRoute:
    volunteer: Volunteer
    legs: list[Leg] = field(default_factory=list)

    @property
    def km(self) -> float:
        return float(sum(leg.planned_km or 0 for leg in self.legs))


def plan_routes(plan: DayPlan) -> tuple[list[PlannedRoute], list[Leg]]:
    """Legs grouped by driver in time order, and the legs without a driver."""
    routes: dict[int, PlannedRoute] = {}
    unassigned: list[Leg] = []
    for leg in plan.legs.select_related("ride__member", "ride__pickup_commune",
                                        "ride__destination_commune", "volunteer__user"
                                        ).order_by("pickup_at", "pk"):
        if leg.ride.status == RideRequest.Status.CANCELLED:
            continue
        if leg.volunteer is None:
            unassigned.append(leg)
        else:
            routes.setdefault(leg.volunteer_id, PlannedRoute(leg.volunteer)).legs.append(leg)
    return sorted(routes.values(), key=lambda r: r.volunteer.pk), unassigned


def driver_legs(*, user: Any, day: date | None = None) -> QuerySet[Leg]:
    """A driver's legs on published plans (of one day, or all: their history)."""
    legs = Leg.objects.filter(volunteer__user=user, plan__published_at__isnull=False
                              ).select_related("ride__member", "ride__pickup_commune",
                                               "ride__destination_commune", "plan")
    if day is not None:
        start, end = day_bounds(day)
        legs = legs.filter(ride__appointment_at__gte=start, ride__appointment_at__lt=end)
    return legs.order_by("pickup_at", "pk")


def driver_next_day(*, user: Any, today: date) -> date:
    """The day a driver's page opens on: today, or else their next day with a trip to drive."""
    start, _end = day_bounds(today)
    coming = (Leg.objects.filter(volunteer__user=user, plan__published_at__isnull=False,
                                 dropped_at__isnull=True, ride__appointment_at__gte=start)
              .order_by("ride__appointment_at").values_list("ride__appointment_at", flat=True)
              .first())
    return timezone.localdate(coming) if coming is not None else today


def leg_get(*, actor: Any, pk: int) -> Leg:
    leg = Leg.objects.select_related("ride__member", "volunteer__user", "plan").filter(
        pk=pk).first()
    if leg is None or not actor.has_perm("transport.record_leg", leg):
        raise PermissionDenied(_("Trajet introuvable ou non autorisé."))
    return leg


# --- contributions and reports -------------------------------------------------------------

def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


def contributions_of_member(*, actor: Any, member: Member, year: int, month: int
                            ) -> tuple[list[Contribution], Decimal]:
    if not actor.has_perm("transport.view_member", member):
        raise PermissionDenied(_("Reçus non accessibles."))
    start, end = month_bounds(year, month)
    rows = list(Contribution.objects.filter(member=member, leg__dropped_at__gte=start,
                                            leg__dropped_at__lt=end)
                .select_related("leg", "volunteer__user").order_by("leg__dropped_at"))
    return rows, sum((c.amount for c in rows), Decimal("0.00"))


def contributions_of_driver(user: Any) -> QuerySet[Contribution]:
    return Contribution.objects.filter(volunteer__user=user).select_related(
        "leg", "ride__member").order_by("-leg__dropped_at")


AGE_BANDS = ((0, 59, "moins de 60 ans"), (60, 69, "60-69 ans"), (70, 79, "70-79 ans"),
             (80, 89, "80-89 ans"), (90, 200, "90 ans et plus"))


def age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return "non renseigné"
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return next(label for lo, hi, label in AGE_BANDS if lo <= age <= hi)


@dataclass
class MonthReport:
    association: Organisation
    year: int
    month: int
    rides_done: int = 0
    trips_done: int = 0
    km: Decimal = Decimal("0.0")
    contributions: Decimal = Decimal("0.00")
    volunteer_hours: float = 0.0
    beneficiaries: int = 0
    by_commune: list[tuple[str, int]] = field(default_factory=list)
    by_age_band: list[tuple[str, int]] = field(default_factory=list)
    by_destination_type: list[tuple[str, int]] = field(default_factory=list)
    unmet: list[tuple[str, int]] = field(default_factory=list)
    unmet_total: int = 0


def _destination_type(ride: RideRequest) -> str:
    if ride.destination_kind == DestinationKind.FACILITY:
        return ride.destination_facility.get_kind_display()
    if ride.destination_kind == DestinationKind.PRACTITIONER:
        return ride.destination_practitioner.get_profession_display()
    return str(_("autre adresse"))


def month_report(*, actor: Any, association: Organisation, year: int, month: int
                 ) -> MonthReport:
    """Aggregates for funders: no names, phones or addresses."""
    if not actor.has_perm("transport.view_report", association):
        raise PermissionDenied(_("Réservé aux coordinateurs de l'association."))
    start, end = month_bounds(year, month)
    report = MonthReport(association, year, month)
    rides = list(RideRequest.objects.filter(
        association=association, appointment_at__gte=start, appointment_at__lt=end
    ).select_related("member__commune", "destination_facility", "destination_practitioner")
        .prefetch_related("legs"))
    done = [r for r in rides if r.status == RideRequest.Status.DONE]
    report.rides_done = len(done)
    legs = [leg for r in done for leg in r.legs.all() if leg.dropped_at]
    report.trips_done = len(legs)
    report.km = sum((leg.km or Decimal("0") for leg in legs), Decimal("0.0"))
    report.contributions = sum(
        (c.amount for c in Contribution.objects.filter(ride__in=done)), Decimal("0.00"))
    # Volunteer time: from pickup to drop of each trip driven, as recorded by the driver.
    report.volunteer_hours = round(sum(
        (leg.dropped_at - leg.picked_up_at).total_seconds() for leg in legs
        if leg.picked_up_at) / 3600, 2)
    members = {r.member_id: r.member for r in done}
    report.beneficiaries = len(members)
    on = end.date() - timedelta(days=1)
    report.by_commune = sorted(Counter(m.commune.name for m in members.values()).items())
    bands = Counter(age_band(m.birth_date, on) for m in members.values())
    report.by_age_band = [(label, bands[label]) for *_r, label in AGE_BANDS if bands[label]]
    if bands["non renseigné"]:
        report.by_age_band.append(("non renseigné", bands["non renseigné"]))
    report.by_destination_type = sorted(Counter(_destination_type(r) for r in done).items())
    unmet = Counter(
        str(UNSERVED_LABELS.get(r.unserved_reason or "no_vehicle"))
        for r in rides if r.status == RideRequest.Status.UNSERVED
    )
    report.unmet = sorted(unmet.items(), key=lambda kv: -kv[1])
    report.unmet_total = sum(unmet.values())
    return report


def _unmet_rows(rides: QuerySet[RideRequest]) -> list[dict[str, Any]]:
    """Per pickup commune: requests, unmet ones and mean planned distance of the way there."""
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {"requests": 0, "unmet": 0,
                                                           "km": []})
    for ride in (rides.exclude(status=RideRequest.Status.CANCELLED)
                 .select_related("pickup_commune").only(
                     "pk", "status", "pickup_commune__code", "pickup_commune__name")
                 .prefetch_related("legs")):
        row = rows[ride.pickup_commune_id]
        row["name"] = ride.pickup_commune.name
        row["requests"] += 1
        row["unmet"] += ride.status == RideRequest.Status.UNSERVED
        row["km"] += [float(leg.planned_km) for leg in ride.legs.all()
                      if leg.direction == Leg.Direction.OUTBOUND and leg.planned_km is not None]
    return [
        {"code": code, "name": row["name"], "requests": row["requests"], "unmet": row["unmet"],
         "mean_km": round(sum(row["km"]) / len(row["km"]), 1) if row["km"] else None}
        for code, row in sorted(rows.items(), key=lambda kv: (-kv[1]["unmet"], kv[0]))
    ]


def unmet_by_commune(*, actor: Any, association: Organisation, since: date
                     ) -> list[dict[str, Any]]:
    """Territory view of one association, for its coordinators."""
    if not actor.has_perm("transport.view_report", association):
        raise PermissionDenied(_("Réservé aux coordinateurs de l'association."))
    start, _end = day_bounds(since)
    return _unmet_rows(RideRequest.objects.filter(association=association,
                                                  appointment_at__gte=start))


# A ride tells of someone's care: a commune is shown on its own only from this many requests.
MIN_REQUESTS_SHOWN = 3


@dataclass(frozen=True)
class TerritoryUnmet:
    """Solidarity-transport requests of a territory, all associations together (public)."""

    rows: list[dict[str, Any]]
    requests: int
    unmet: int
    hidden_communes: int  # communes with fewer requests than MIN_REQUESTS_SHOWN, summed only
    since: date


def unmet_in_territory(*, region: str, departement: str = "", since: date | None = None
                       ) -> TerritoryUnmet:
    """Where people asked for a ride to care and got none: an input to the access analyses.

    Counts only, every association of the territory together; communes with fewer than
    MIN_REQUESTS_SHOWN requests appear only in the totals, so that no one is singled out.
    """
    # No ride predates the platform; an older date would only overflow the time zone shift.
    since = max(since or (timezone.localdate() - timedelta(days=365)), date(2000, 1, 1))
    start, _end = day_bounds(since)
    rides = RideRequest.objects.filter(appointment_at__gte=start,
                                       pickup_commune__region_id=region)
    if departement:
        rides = rides.filter(pickup_commune__departement_id=departement)
    rows = _unmet_rows(rides)
    shown = [r for r in rows if r["requests"] >= MIN_REQUESTS_SHOWN]
    return TerritoryUnmet(rows=shown, requests=sum(r["requests"] for r in rows),
                          unmet=sum(r["unmet"] for r in rows),
                          hidden_communes=len(rows) - len(shown), since=since)


def volunteer_of(user: Any, association: Organisation) -> Volunteer | None:
    if not isinstance(user, User):
        return None
    return Volunteer.objects.filter(user=user, association=association).first()


def solidarity_transport_associations() -> QuerySet[Organisation]:
    """Associations running a solidarity transport (those with transport settings): public
    facts only (name, commune, served communes), read by the initiatives directory."""
    return (Organisation.objects.filter(kind=Organisation.Kind.ASSOCIATION,
                                        transport_settings__isnull=False)
            .select_related("commune", "transport_settings")
            .prefetch_related("transport_settings__served_communes"))
