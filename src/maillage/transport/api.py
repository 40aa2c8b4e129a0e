"""HTTP API of solidarity transport: what the pages do, with the same rights.

Session authentication (with CSRF on writes). Errors are JSON: 400 with `errors` by field when
the input is refused, 401 anonymous, 403 not allowed (a ride that is not yours answers 403,
whether it exists or not).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.accounts.models import Organisation
from maillage.healthcare.models import Facility, Practitioner
from maillage.territories.models import Commune
from maillage.transport import exports, selectors, services
from maillage.transport.models import DayPlan, Leg, Member, RideRequest, Volunteer

router = Router(tags=["transport solidaire"], auth=django_auth)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _refused(exc: ValidationError) -> Status:
    errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()} \
        if hasattr(exc, "error_dict") else {}
    return Status(400, {"detail": " ".join(exc.messages), "errors": errors})


def _attempt(call: Callable[[], Any], status: int = 200) -> Status:
    try:
        return Status(status, call())
    except ValidationError as exc:
        return _refused(exc)


class LegOut(Schema):
    id: int
    direction: str
    driver_first_name: str | None
    pickup_at: datetime | None
    answer: str
    picked_up: bool
    dropped: bool


class RideOut(Schema):
    id: int
    member: int
    appointment_at: datetime
    appointment_minutes: int
    return_trip: bool
    pickup_commune: str
    status: str
    status_label: str
    unserved_reason: str
    legs: list[LegOut]


def _ride_out(ride: RideRequest) -> dict[str, Any]:
    status = selectors.ride_status(ride)
    return {"id": ride.pk, "member": ride.member_id, "appointment_at": ride.appointment_at,
            "appointment_minutes": ride.appointment_minutes, "return_trip": ride.return_trip,
            "pickup_commune": ride.pickup_commune_id, "status": status.status,
            "status_label": status.status_label, "unserved_reason": status.unserved_reason,
            "legs": status.legs}


class RideIn(Schema):
    member: int
    appointment_at: datetime
    appointment_minutes: int = Field(30, ge=5, le=600)
    facility: int | None = None
    practitioner: int | None = None
    destination_address: str = Field("", max_length=300)
    destination_commune: str | None = Field(None, max_length=5)
    pickup_address: str = Field("", max_length=300)
    pickup_commune: str | None = Field(None, max_length=5)
    reason: str = Field("", max_length=200)
    return_trip: bool = True
    wheelchair: bool = False
    walking_aid: bool = False
    companion: bool = False
    door_to_door: bool = False
    by_phone: bool = False


class DestinationOut(Schema):
    kind: str
    label: str
    address: str
    commune: str
    reason: str


class AccessOut(Schema):
    ride: int
    user: str
    role: str
    channel: str
    at: datetime


@router.get("/rides", response=list[RideOut], summary="Mes transports (et ceux de qui m'a mandaté)")
def list_rides(request: HttpRequest):
    return [_ride_out(r) for r in selectors.rides_requested_for(request.user)[:200]]


@router.post("/rides", response={201: RideOut, 400: ErrorOut}, summary="Demander un transport")
def create_ride(request: HttpRequest, payload: RideIn):
    data = payload.dict()
    member = Member.objects.filter(pk=data.pop("member")).first()
    if member is None or not request.user.has_perm("transport.request_ride", member):
        raise HttpError(403, "Vous ne pouvez pas demander de transport pour cette personne.")
    refs = {"facility": Facility, "practitioner": Practitioner}
    errors: dict[str, list[str]] = {}
    for name, model in refs.items():
        if data[name] is not None:
            data[name] = model.objects.filter(pk=data[name]).first()
            if data[name] is None:
                errors[name] = ["Introuvable dans l'annuaire."]
    for name in ("destination_commune", "pickup_commune"):
        if data[name]:
            data[name] = Commune.objects.filter(pk=data[name].upper()).first()
            if data[name] is None:
                errors[name] = ["Commune inconnue (code INSEE)."]
    if errors:
        return Status(400, {"detail": "Requête invalide.", "errors": errors})
    return _attempt(lambda: _ride_out(services.ride_request_create(
        actor=request.user, member=member, **data)), 201)


@router.get("/rides/{pk}", response=RideOut, summary="Statut d'un transport (sans destination)")
def get_ride(request: HttpRequest, pk: int):
    return _ride_out(selectors.ride_get(actor=request.user, pk=pk))


@router.get("/rides/{pk}/destination", response=DestinationOut,
            summary="Destination et motif (donnée de santé : chaque accès est journalisé)")
def get_destination(request: HttpRequest, pk: int):
    ride = selectors.ride_get(actor=request.user, pk=pk)
    return selectors.ride_destination(actor=request.user, ride=ride, channel="api").__dict__


@router.post("/rides/{pk}/cancel", response={200: RideOut, 400: ErrorOut},
             summary="Annuler un transport")
def cancel_ride(request: HttpRequest, pk: int):
    ride = selectors.ride_get(actor=request.user, pk=pk)
    return _attempt(lambda: _ride_out(services.ride_request_cancel(actor=request.user,
                                                                   ride=ride)))


@router.get("/accesses", response=list[AccessOut],
            summary="Qui a consulté la destination de mes transports")
def list_accesses(request: HttpRequest):
    return [{"ride": a.ride_id, "user": a.user_label, "role": a.role, "channel": a.channel,
             "at": a.at} for a in selectors.destination_accesses_for(request.user)[:500]]


# --- planning ----------------------------------------------------------------------------------

class PlanIn(Schema):
    day: date
    days: int = Field(1, ge=1, le=14)


class PlannedLegOut(Schema):
    id: int
    ride: int
    direction: str
    volunteer: int | None
    pickup_at: datetime | None
    drop_at: datetime | None
    planned_km: Decimal | None
    locked: bool
    answer: str
    unserved_reason: str


class PlanOut(Schema):
    id: int
    association: int
    date: date
    state: str
    summary: dict[str, Any]
    error: str
    progress_key: str | None
    legs: list[PlannedLegOut]


def _plan_out(plan: DayPlan) -> dict[str, Any]:
    legs = plan.legs.select_related("ride").order_by("volunteer_id", "pickup_at", "pk")
    return {
        "id": plan.pk, "association": plan.association_id, "date": plan.date,
        "state": plan.state, "summary": plan.summary, "error": plan.error,
        "progress_key": str(plan.progress.key) if plan.progress else None,
        "legs": [{"id": leg.pk, "ride": leg.ride_id, "direction": leg.direction,
                  "volunteer": leg.volunteer_id, "pickup_at": leg.pickup_at,
                  "drop_at": leg.drop_at, "planned_km": leg.planned_km, "locked": leg.locked,
                  "answer": leg.answer,
                  "unserved_reason": "" if leg.volunteer_id else leg.ride.unserved_reason}
                 for leg in legs if leg.ride.status != RideRequest.Status.CANCELLED],
    }


@router.post("/associations/{pk}/plans", response={202: list[PlanOut], 400: ErrorOut},
             summary="Planifier un jour ou plusieurs (tâches de fond ; coordinateurs)")
def start_plan(request: HttpRequest, pk: int, payload: PlanIn):
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    return _attempt(lambda: [_plan_out(p) for p in services.days_plan_start(
        actor=request.user, association=association, first_day=payload.day,
        days=payload.days)], 202)


@router.get("/plans/{pk}", response=PlanOut, summary="Un planning, ses trajets et leurs chauffeurs")
def get_plan(request: HttpRequest, pk: int):
    return _plan_out(selectors.plan_get(actor=request.user, pk=pk))


@router.post("/plans/{pk}/publish", response={200: PlanOut, 400: ErrorOut},
             summary="Publier le planning")
def publish_plan(request: HttpRequest, pk: int):
    plan = selectors.plan_get(actor=request.user, pk=pk)
    return _attempt(lambda: _plan_out(services.day_plan_publish(actor=request.user, plan=plan)))


@router.post("/legs/{pk}/unlock", response=PlannedLegOut, summary="Déverrouiller un trajet")
def unlock_leg(request: HttpRequest, pk: int):
    leg = get_object_or_404(Leg.objects.select_related("ride"), pk=pk)
    if not request.user.has_perm("transport.plan_dayplan", leg.ride):
        raise HttpError(403, "Réservé aux coordinateurs de l'association.")
    leg = services.leg_unlock(actor=request.user, leg=leg)
    return {"id": leg.pk, "ride": leg.ride_id, "direction": leg.direction,
            "volunteer": leg.volunteer_id, "pickup_at": leg.pickup_at, "drop_at": leg.drop_at,
            "planned_km": leg.planned_km, "locked": leg.locked, "answer": leg.answer,
            "unserved_reason": ""}


class MoveIn(Schema):
    volunteer: int


@router.post("/legs/{pk}/move", response={202: PlanOut, 400: ErrorOut},
             summary="Confier un trajet à un chauffeur, le verrouiller et replanifier autour")
def move_leg(request: HttpRequest, pk: int, payload: MoveIn):
    leg = get_object_or_404(Leg.objects.select_related("ride__association", "plan"), pk=pk)
    if not request.user.has_perm("transport.plan_dayplan", leg.ride):
        raise HttpError(403, "Réservé aux coordinateurs de l'association.")
    volunteer = Volunteer.objects.filter(pk=payload.volunteer).first()
    if volunteer is None:
        return Status(400, {"detail": "Chauffeur inconnu.",
                            "errors": {"volunteer": ["Inconnu."]}})

    return _attempt(lambda: _plan_out(services.leg_reassign(actor=request.user, leg=leg,
                                                            volunteer=volunteer)), 202)


# --- drivers -----------------------------------------------------------------------------------

class DriverLegOut(Schema):
    id: int
    ride: int
    direction: str
    pickup_at: datetime | None
    drop_at: datetime | None
    passenger_first_name: str
    pickup_address: str
    pickup_commune: str
    answer: str
    picked_up_at: datetime | None
    dropped_at: datetime | None
    km: Decimal | None


def _driver_leg_out(leg: Leg) -> dict[str, Any]:
    return {"id": leg.pk, "ride": leg.ride_id, "direction": leg.direction,
            "pickup_at": leg.pickup_at, "drop_at": leg.drop_at,
            "passenger_first_name": leg.ride.member.first_name,
            "pickup_address": leg.ride.pickup_address,
            "pickup_commune": leg.ride.pickup_commune_id, "answer": leg.answer,
            "picked_up_at": leg.picked_up_at, "dropped_at": leg.dropped_at, "km": leg.km}


@router.get("/driver/legs", response=list[DriverLegOut],
            summary="Mes trajets publiés (d'un jour, ou tous)")
def driver_legs(request: HttpRequest, day: date | None = None):
    return [_driver_leg_out(leg) for leg in selectors.driver_legs(user=request.user, day=day)]


class AnswerIn(Schema):
    accept: bool


class DropIn(Schema):
    km: Decimal = Field(..., ge=0, le=2000, decimal_places=1)


@router.post("/legs/{pk}/answer", response={200: DriverLegOut, 400: ErrorOut},
             summary="Accepter ou refuser un trajet proposé")
def answer_leg(request: HttpRequest, pk: int, payload: AnswerIn):
    leg = selectors.leg_get(actor=request.user, pk=pk)
    return _attempt(lambda: _driver_leg_out(services.leg_respond(
        actor=request.user, leg=leg, accept=payload.accept)))


@router.post("/legs/{pk}/pickup", response={200: DriverLegOut, 400: ErrorOut},
             summary="Passager pris en charge")
def pickup_leg(request: HttpRequest, pk: int):
    leg = selectors.leg_get(actor=request.user, pk=pk)
    return _attempt(lambda: _driver_leg_out(services.leg_pickup(actor=request.user, leg=leg)))


@router.post("/legs/{pk}/drop", response={200: DriverLegOut, 400: ErrorOut},
             summary="Passager déposé, kilomètres parcourus")
def drop_leg(request: HttpRequest, pk: int, payload: DropIn):
    leg = selectors.leg_get(actor=request.user, pk=pk)
    return _attempt(lambda: _driver_leg_out(services.leg_drop(actor=request.user, leg=leg,
                                                              km=payload.km)))


# --- reports -----------------------------------------------------------------------------------

class ReportOut(Schema):
    year: int
    month: int
    rides_done: int
    trips_done: int
    km: Decimal
    contributions: Decimal
    volunteer_hours: float
    beneficiaries: int
    by_commune: list[tuple[str, int]]
    by_age_band: list[tuple[str, int]]
    by_destination_type: list[tuple[str, int]]
    unmet: list[tuple[str, int]]
    unmet_total: int


@router.get("/associations/{pk}/reports/{year}/{month}", response=ReportOut,
            summary="Rapport mensuel pour les financeurs (agrégats)")
def month_report(request: HttpRequest, pk: int, year: int, month: int):
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise HttpError(400, "Mois invalide.")
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    return selectors.month_report(actor=request.user, association=association, year=year,
                                  month=month).__dict__


@router.get("/associations/{pk}/reports/{year}/{month}.csv", summary="Rapport mensuel en CSV")
def month_report_csv(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise HttpError(400, "Mois invalide.")
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    report = selectors.month_report(actor=request.user, association=association, year=year,
                                    month=month)
    return HttpResponse(exports.month_report_csv(report), content_type="text/csv; charset=utf-8")


# --- associations, members, volunteers ---------------------------------------------------------

class SettingsIn(Schema):
    rate_per_km: Decimal = Field(..., ge=0, le=5, decimal_places=2)
    minimum_per_ride: Decimal = Field(..., ge=0, le=1000, decimal_places=2)
    membership_fee: Decimal = Field(Decimal("0"), ge=0, le=10000, decimal_places=2)
    membership_validity_days: int = Field(365, ge=1, le=3660)
    minimum_age: int | None = Field(None, ge=0, le=120)
    require_isolation: bool = False
    require_no_vehicle: bool = False
    require_low_income: bool = False
    served_communes: list[str] = Field(default_factory=list, max_length=2000)


class SettingsOut(Schema):
    rate_per_km: Decimal
    minimum_per_ride: Decimal
    membership_fee: Decimal
    membership_validity_days: int
    minimum_age: int | None
    require_isolation: bool
    require_no_vehicle: bool
    require_low_income: bool


@router.put("/associations/{pk}/settings", response={200: SettingsOut, 400: ErrorOut},
            summary="Tarifs, règles d'éligibilité, adhésion, zone desservie (coordinateurs)")
def put_settings(request: HttpRequest, pk: int, payload: SettingsIn):
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    data = payload.dict()
    served = [c.upper() for c in data.pop("served_communes")]
    return _attempt(lambda: services.transport_settings_update(
        actor=request.user, association=association, served_communes=served, **data))


class MemberIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    birth_date: date | None = None
    phone: str = Field("", max_length=20)
    address: str = Field(..., min_length=1, max_length=300)
    commune: str = Field(..., max_length=5)
    is_isolated: bool = False
    has_vehicle: bool = False
    low_income: bool = False
    fee_paid: bool = True


class MemberOut(Schema):
    id: int
    first_name: str
    last_name: str
    commune: str
    membership_paid_until: date | None

    @staticmethod
    def resolve_commune(obj: Member) -> str:
        return obj.commune_id


@router.post("/associations/{pk}/members", response={201: MemberOut, 400: ErrorOut},
             summary="Inscrire un·e bénéficiaire (règles d'éligibilité vérifiées)")
def create_member(request: HttpRequest, pk: int, payload: MemberIn):
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    data = payload.dict()
    commune = Commune.objects.filter(pk=data.pop("commune").upper()).first()
    if commune is None:
        return Status(400, {"detail": "Commune inconnue.",
                            "errors": {"commune": ["Commune inconnue (code INSEE)."]}})
    return _attempt(lambda: services.member_register(
        actor=request.user, association=association, commune=commune, **data), 201)


class VehicleIn(Schema):
    label: str = Field(..., min_length=1, max_length=100)
    seats: int = Field(..., ge=1, le=8)
    wheelchair_places: int = Field(0, ge=0, le=2)


class SlotIn(Schema):
    weekday: int = Field(..., ge=0, le=6)
    start: time_of_day
    end: time_of_day


class ExceptionIn(Schema):
    on: date
    start: time_of_day | None = None
    end: time_of_day | None = None


class CreatedOut(Schema):
    id: int


def _volunteer(request: HttpRequest, pk: int) -> Volunteer:
    volunteer = get_object_or_404(Volunteer, pk=pk)
    if not request.user.has_perm("transport.change_volunteer", volunteer):
        raise HttpError(403, "Vous ne pouvez pas modifier ce bénévole.")
    return volunteer


@router.post("/volunteers/{pk}/vehicles", response={201: CreatedOut, 400: ErrorOut},
             summary="Déclarer un véhicule (places, fauteuil roulant)")
def add_vehicle(request: HttpRequest, pk: int, payload: VehicleIn):
    volunteer = _volunteer(request, pk)
    return _attempt(lambda: services.vehicle_add(actor=request.user, volunteer=volunteer,
                                                 **payload.dict()), 201)


@router.post("/volunteers/{pk}/slots", response={201: CreatedOut, 400: ErrorOut},
             summary="Ajouter une disponibilité hebdomadaire")
def add_slot(request: HttpRequest, pk: int, payload: SlotIn):
    volunteer = _volunteer(request, pk)
    return _attempt(lambda: services.availability_slot_add(
        actor=request.user, volunteer=volunteer, **payload.dict()), 201)


@router.post("/volunteers/{pk}/exceptions", response={201: CreatedOut, 400: ErrorOut},
             summary="Ajouter une exception (absence, ou autres horaires ce jour-là)")
def add_exception(request: HttpRequest, pk: int, payload: ExceptionIn):
    volunteer = _volunteer(request, pk)
    return _attempt(lambda: services.availability_exception_add(
        actor=request.user, volunteer=volunteer, **payload.dict()), 201)


class VolunteerIn(Schema):
    user_email: str = Field(..., max_length=254)
    home_commune: str = Field(..., max_length=5)
    max_trip_km: int = Field(80, ge=1, le=1000)
    zone: list[str] = []


class VolunteerUpdateIn(Schema):
    max_trip_km: int | None = Field(None, ge=1, le=1000)
    active: bool | None = None
    zone: list[str] | None = None


class VolunteerOut(Schema):
    id: int
    first_name: str
    home_commune: str
    max_trip_km: int
    active: bool
    zone: list[str]

    @staticmethod
    def resolve_home_commune(obj: Volunteer) -> str:
        return obj.home_commune_id

    @staticmethod
    def resolve_zone(obj: Volunteer) -> list[str]:
        return sorted(obj.zone.values_list("pk", flat=True))


def _communes(codes: list[str], field: str) -> list[Commune]:
    wanted = {c.strip().upper() for c in codes if c.strip()}
    found = list(Commune.objects.filter(pk__in=wanted))
    missing = wanted - {c.pk for c in found}
    if missing:
        raise ValidationError({field: f"Communes inconnues : {', '.join(sorted(missing))}"})
    return found


@router.post("/associations/{pk}/volunteers", response={201: VolunteerOut, 400: ErrorOut},
             summary="Inscrire un·e bénévole (compte existant, zone, trajet le plus long)")
def create_volunteer(request: HttpRequest, pk: int, payload: VolunteerIn):
    from maillage.accounts.models import User

    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)

    def call() -> Volunteer:
        user = User.objects.filter(email__iexact=payload.user_email.strip()).first()
        if user is None:
            raise ValidationError({"user_email": "Aucun compte avec cet e-mail."})
        home = _communes([payload.home_commune], "home_commune")
        return services.volunteer_register(
            actor=request.user, association=association, user=user, home_commune=home[0],
            max_trip_km=payload.max_trip_km, zone=_communes(payload.zone, "zone"))

    return _attempt(call, 201)


@router.patch("/volunteers/{pk}", response={200: VolunteerOut, 400: ErrorOut},
              summary="Changer sa zone, son trajet le plus long, son activité")
def update_volunteer(request: HttpRequest, pk: int, payload: VolunteerUpdateIn):
    volunteer = _volunteer(request, pk)
    fields = {k: v for k, v in payload.dict().items() if v is not None and k != "zone"}

    def call() -> Volunteer:
        zone = None if payload.zone is None else _communes(payload.zone, "zone")
        return services.volunteer_update(actor=request.user, volunteer=volunteer, zone=zone,
                                         **fields)

    return _attempt(call)


class MandateIn(Schema):
    user_email: str = Field(..., max_length=254)
    relation: str


@router.post("/members/{pk}/mandates", response={201: CreatedOut, 400: ErrorOut},
             summary="Mandater un proche, un·e travailleur·se social·e, un·e pharmacien·ne")
def create_mandate(request: HttpRequest, pk: int, payload: MandateIn):
    from maillage.accounts.models import User

    member = get_object_or_404(Member, pk=pk)
    if not request.user.has_perm("transport.view_member", member):
        raise HttpError(403, "Bénéficiaire introuvable ou non autorisé.")

    def call():
        user = User.objects.filter(email__iexact=payload.user_email.strip()).first()
        if user is None:
            raise ValidationError({"user_email": "Aucun compte avec cet e-mail."})
        return services.mandate_grant(actor=request.user, member=member, user=user,
                                      relation=payload.relation)

    return _attempt(call, 201)


class ContributionOut(Schema):
    leg: int
    ride: int
    direction: str
    dropped_at: datetime | None
    km: Decimal
    rate_per_km: Decimal
    minimum_per_ride: Decimal
    amount: Decimal

    @staticmethod
    def resolve_leg(obj) -> int:
        return obj.leg_id

    @staticmethod
    def resolve_ride(obj) -> int:
        return obj.ride_id

    @staticmethod
    def resolve_direction(obj) -> str:
        return obj.leg.direction

    @staticmethod
    def resolve_dropped_at(obj) -> datetime | None:
        return obj.leg.dropped_at


class ReceiptOut(Schema):
    contributions: list[ContributionOut]
    total: Decimal


@router.get("/rides/{pk}/receipt", response=ReceiptOut, summary="Reçu d'un transport")
def ride_receipt(request: HttpRequest, pk: int):
    ride = selectors.ride_get(actor=request.user, pk=pk)
    rows = list(ride.contributions.select_related("leg"))
    return {"contributions": rows, "total": sum((c.amount for c in rows), Decimal("0.00"))}


@router.get("/members/{pk}/receipts/{year}/{month}", response=ReceiptOut,
            summary="Reçu mensuel d'un·e bénéficiaire")
def member_receipt(request: HttpRequest, pk: int, year: int, month: int):
    member = get_object_or_404(Member, pk=pk)
    if not 1 <= month <= 12:
        raise HttpError(400, "Mois invalide (1 à 12).")
    rows, total = selectors.contributions_of_member(actor=request.user, member=member,
                                                    year=year, month=month)
    return {"contributions": rows, "total": total}


@router.get("/driver/contributions", response=list[ContributionOut],
            summary="Participations dues au chauffeur (ses trajets effectués)")
def driver_contributions(request: HttpRequest):
    return list(selectors.contributions_of_driver(request.user)[:500])


class TerritoryRowOut(Schema):
    code: str
    name: str
    requests: int
    unmet: int
    mean_km: float | None


class TerritoryUnmetOut(Schema):
    since: date
    requests: int
    unmet: int
    hidden_communes: int = Field(description="communes de moins de 3 demandes, comptées dans "
                                             "les totaux seulement")
    communes: list[TerritoryRowOut]


@router.get("/territory-unmet", response=TerritoryUnmetOut, auth=None,
            summary="Demandes de transport solidaire non satisfaites par commune d'une région "
                    "(toutes associations, agrégées ; public)")
def territory_unmet(request: HttpRequest,
                    region: str = Query(..., pattern=r"^[0-9]{2,3}$"),
                    departement: str = Query("", pattern=r"^([0-9]{2,3}|2[AB])?$"),
                    since: date | None = None):
    found = selectors.unmet_in_territory(region=region, departement=departement, since=since)
    return {"since": found.since, "requests": found.requests, "unmet": found.unmet,
            "hidden_communes": found.hidden_communes, "communes": found.rows}


@router.get("/associations/{pk}/territory", response=list[TerritoryRowOut],
            summary="Demandes et demandes non satisfaites par commune de départ")
def territory(request: HttpRequest, pk: int, since: date | None = None):
    from django.utils import timezone

    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    return selectors.unmet_by_commune(actor=request.user, association=association,
                                      since=since or timezone.localdate().replace(day=1))
