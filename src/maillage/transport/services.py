"""Writes of solidarity transport: each takes the acting user and checks the right, atomically."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.core.models import TaskProgress
from maillage.core.progress import ProgressCallback, progress_create
from maillage.engines.routing import (
    PlanningParams,
    Unserved,
    UnservedReason,
    plan_rides,
    verify_plan,
)
from maillage.healthcare.models import Facility, Practitioner
from maillage.territories.models import Commune
from maillage.transport import notifications
from maillage.transport.models import (
    AvailabilityException,
    AvailabilitySlot,
    Contribution,
    DayPlan,
    DestinationKind,
    Leg,
    Mandate,
    Member,
    RideRequest,
    TransportSettings,
    Vehicle,
    Volunteer,
)
from maillage.transport.planning import availability_windows, build_day_problem, leg_km

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# Appointments start and end within these hours, so that the trips there and back fit the day.
SERVICE_HOURS = (time(7, 0), time(20, 0))
# A run that has not reported for this long is taken as dead (its worker stopped).
STALE_RUN = timedelta(minutes=15)


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


def _association(association: Organisation) -> Organisation:
    if association.kind != Organisation.Kind.ASSOCIATION:
        raise ValidationError(_("Cette organisation n'est pas une association."),
                              code="not_association")
    return association


# --- associations, members, volunteers -------------------------------------------------------

@transaction.atomic
def transport_settings_update(*, actor: User, association: Organisation,
                              served_communes: list[str] | None = None,
                              **fields: Any) -> TransportSettings:
    """Create or change an association's rates, eligibility rules and served zone."""
    _association(association)
    _require(actor, "transport.manage_association", association,
             _("Seuls les coordinateurs de l'association règlent le transport solidaire."))
    settings, _created = TransportSettings.objects.get_or_create(association=association)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    if served_communes is not None:
        found = list(Commune.objects.filter(pk__in=served_communes))
        missing = set(served_communes) - {c.pk for c in found}
        if missing:
            raise ValidationError({"served_communes": _("Communes inconnues : %(c)s")
                                   % {"c": ", ".join(sorted(missing))}})
        settings.served_communes.set(found)
    return settings


def transport_settings_of(association: Organisation) -> TransportSettings:
    settings = TransportSettings.objects.filter(association=association).first()
    if settings is None:
        raise ValidationError(_("Le transport solidaire n'est pas configuré pour cette "
                                "association."), code="not_configured")
    return settings


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def eligibility_errors(settings: TransportSettings, member: Member) -> dict[str, str]:
    """Field → why the person does not meet the association's rules (empty when eligible)."""
    errors: dict[str, str] = {}
    if settings.minimum_age is not None:
        if member.birth_date is None:
            errors["birth_date"] = _("La date de naissance est requise (âge minimum : "
                                     "%(a)s ans).") % {"a": settings.minimum_age}
        elif _age(member.birth_date, timezone.localdate()) < settings.minimum_age:
            errors["birth_date"] = _("L'association accompagne les personnes de %(a)s ans et "
                                     "plus.") % {"a": settings.minimum_age}
    if settings.require_isolation and not member.is_isolated:
        errors["is_isolated"] = _("L'association accompagne les personnes isolées.")
    if settings.require_no_vehicle and member.has_vehicle:
        errors["has_vehicle"] = _("L'association accompagne les personnes sans véhicule.")
    if settings.require_low_income and not member.low_income:
        errors["low_income"] = _("L'association accompagne les personnes sous plafond de "
                                 "ressources.")
    return errors


@transaction.atomic
def member_register(*, actor: User, association: Organisation, fee_paid: bool = True,
                    **fields: Any) -> Member:
    """Register a beneficiary after checking the association's eligibility rules."""
    _require(actor, "transport.manage_association", association,
             _("Seuls les coordinateurs de l'association inscrivent des bénéficiaires."))
    settings = transport_settings_of(association)
    member = Member(association=association, **fields)
    if fee_paid:
        member.membership_paid_until = (timezone.localdate()
                                        + timedelta(days=settings.membership_validity_days))
    member.full_clean()
    errors = eligibility_errors(settings, member)
    if errors:
        raise ValidationError(errors)
    member.save()
    return member


@transaction.atomic
def membership_renew(*, actor: User, member: Member) -> Member:
    """Record a membership fee paid today: valid for the association's validity period."""
    _require(actor, "transport.manage_association", member,
             _("Seuls les coordinateurs enregistrent les cotisations."))
    settings = transport_settings_of(member.association)
    start = max(timezone.localdate(), member.membership_paid_until or timezone.localdate())
    member.membership_paid_until = start + timedelta(days=settings.membership_validity_days)
    member.save(update_fields=["membership_paid_until"])
    return member


@transaction.atomic
def mandate_grant(*, actor: User, member: Member, user: User, relation: str) -> Mandate:
    """Let someone (a relative, a social worker…) request rides and follow them for a member."""
    if not (actor.pk == member.user_id or actor.has_perm("transport.manage_association", member)):
        raise PermissionDenied(_("Seul·e le ou la bénéficiaire ou un coordinateur donne un "
                                 "mandat."))
    if relation not in Mandate.Relation.values:
        raise ValidationError({"relation": _("Lien inconnu.")})
    mandate, _created = Mandate.objects.get_or_create(member=member, user=user,
                                                      defaults={"relation": relation})
    if hasattr(user, "_transport_mandates"):
        del user._transport_mandates
    return mandate


@transaction.atomic
def volunteer_register(*, actor: User, association: Organisation, user: User,
                       home_commune: Commune, max_trip_km: int = 80,
                       zone: list[Commune] | None = None,
                       latitude: float | None = None, longitude: float | None = None) -> Volunteer:
    _require(actor, "transport.manage_association", association,
             _("Seuls les coordinateurs de l'association inscrivent des bénévoles."))
    volunteer = Volunteer(association=association, user=user, home_commune=home_commune,
                          max_trip_km=max_trip_km, latitude=latitude, longitude=longitude)
    volunteer.full_clean()
    volunteer.save()
    if zone:
        volunteer.zone.set(zone)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User, volunteer: Volunteer, zone: list[Commune] | None = None,
                     **fields: Any) -> Volunteer:
    """The driver (or a coordinator) changes their zone, longest trip, activity."""
    _require(actor, "transport.change_volunteer", volunteer,
             _("Vous ne pouvez pas modifier ce bénévole."))
    for name, value in fields.items():
        setattr(volunteer, name, value)
    volunteer.full_clean()
    volunteer.save()
    if zone is not None:
        volunteer.zone.set(zone)
    return volunteer


@transaction.atomic
def vehicle_add(*, actor: User, volunteer: Volunteer, label: str, seats: int,
                wheelchair_places: int = 0) -> Vehicle:
    _require(actor, "transport.change_volunteer", volunteer,
             _("Vous ne pouvez pas modifier ce bénévole."))
    vehicle = Vehicle(volunteer=volunteer, label=label, seats=seats,
                      wheelchair_places=wheelchair_places)
    vehicle.full_clean()
    vehicle.save()
    return vehicle


@transaction.atomic
def availability_slot_add(*, actor: User, volunteer: Volunteer, weekday: int, start: time,
                          end: time) -> AvailabilitySlot:
    _require(actor, "transport.change_volunteer", volunteer,
             _("Vous ne pouvez pas modifier ce bénévole."))
    if end <= start:
        raise ValidationError({"end": _("La fin doit suivre le début.")})
    slot = AvailabilitySlot(volunteer=volunteer, weekday=weekday, start=start, end=end)
    slot.full_clean()
    overlapping = volunteer.slots.filter(weekday=weekday, start__lt=end, end__gt=start)
    if overlapping.exists():
        raise ValidationError({"start": _("Ce créneau chevauche un créneau existant.")})
    slot.save()
    return slot


@transaction.atomic
def availability_exception_add(*, actor: User, volunteer: Volunteer, on: date,
                               start: time | None = None,
                               end: time | None = None) -> AvailabilityException:
    """Absent all day (no hours), or available only at these hours on that date."""
    _require(actor, "transport.change_volunteer", volunteer,
             _("Vous ne pouvez pas modifier ce bénévole."))
    if (start is None) != (end is None):
        raise ValidationError({"end": _("Indiquez le début et la fin, ou aucun des deux.")})
    if start is not None and end is not None and end <= start:
        raise ValidationError({"end": _("La fin doit suivre le début.")})
    exception = AvailabilityException(volunteer=volunteer, date=on, start=start, end=end)
    exception.full_clean()
    exception.save()
    return exception


# --- ride requests -----------------------------------------------------------------------------

@transaction.atomic
def ride_request_create(
    *, actor: User, member: Member, appointment_at: datetime, pickup_address: str = "",
    pickup_commune: Commune | None = None, facility: Facility | None = None,
    practitioner: Practitioner | None = None, destination_address: str = "",
    destination_commune: Commune | None = None, by_phone: bool = False, **fields: Any,
) -> RideRequest:
    """A ride request for a member, by themselves, whom they mandated or a coordinator.

    The pickup defaults to the member's address. The destination is a facility or a
    practitioner of the directory, or an address in a commune.
    """
    _require(actor, "transport.request_ride", member,
             _("Vous ne pouvez pas demander de transport pour cette personne."))
    if by_phone and not actor.has_perm("transport.manage_association", member):
        raise PermissionDenied(_("Seuls les coordinateurs prennent des demandes au téléphone."))
    settings = transport_settings_of(member.association)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if member.membership_paid_until is None or member.membership_paid_until < today:
        errors["member"] = _("L'adhésion de %(m)s n'est pas à jour.") % {"m": member}
    if timezone.is_naive(appointment_at):
        appointment_at = timezone.make_aware(appointment_at)
    if appointment_at <= timezone.now() + timedelta(minutes=settings.arrive_early_min):
        errors["appointment_at"] = _("Le rendez-vous doit être à venir, avec le temps d'y aller.")
    else:
        local = timezone.localtime(appointment_at)
        ends = local + timedelta(minutes=int(fields.get("appointment_minutes") or 30))
        if local.time() < SERVICE_HOURS[0] or ends.date() != local.date() \
                or ends.time() > SERVICE_HOURS[1]:
            errors["appointment_at"] = _("Les bénévoles conduisent entre %(a)s et %(b)s : le "
                                         "rendez-vous doit commencer et finir dans ces heures.") \
                % {"a": SERVICE_HOURS[0].strftime("%H:%M"), "b": SERVICE_HOURS[1].strftime("%H:%M")}
    pickup_commune = pickup_commune or (member.commune if not pickup_address else None)
    if pickup_commune is None:
        errors["pickup_commune"] = _("Indiquez la commune de prise en charge.")
    served = set(settings.served_communes.values_list("pk", flat=True))
    if pickup_commune is not None and served and pickup_commune.pk not in served:
        errors["pickup_commune"] = _("%(c)s est hors de la zone desservie par l'association.") \
            % {"c": pickup_commune.name}
    kind, dest_commune = _destination(facility, practitioner, destination_address,
                                      destination_commune, errors)
    if errors:
        raise ValidationError(errors)
    same_pickup = not pickup_address or pickup_address == member.address
    ride = RideRequest(
        association=member.association, member=member, requested_by=actor, by_phone=by_phone,
        pickup_address=pickup_address or member.address, pickup_commune=pickup_commune,
        pickup_latitude=member.latitude if same_pickup else None,
        pickup_longitude=member.longitude if same_pickup else None,
        destination_kind=kind, destination_facility=facility,
        destination_practitioner=practitioner, destination_address=destination_address,
        destination_commune=dest_commune, appointment_at=appointment_at, **fields,
    )
    ride.full_clean()
    ride.save()
    Leg.objects.create(ride=ride, direction=Leg.Direction.OUTBOUND)
    if ride.return_trip:
        Leg.objects.create(ride=ride, direction=Leg.Direction.RETURN)
    return ride


def _destination(facility, practitioner, address, commune, errors) -> tuple[str, Commune | None]:
    chosen = [x for x in (facility, practitioner, address) if x]
    if len(chosen) != 1:
        errors["destination"] = _("Choisissez une destination : un établissement, un "
                                  "professionnel de l'annuaire ou une adresse.")
        return DestinationKind.ADDRESS, commune
    if facility is not None:
        return DestinationKind.FACILITY, facility.commune
    if practitioner is not None:
        return DestinationKind.PRACTITIONER, practitioner.commune
    if commune is None:
        errors["destination_commune"] = _("Indiquez la commune de destination.")
    return DestinationKind.ADDRESS, commune


@transaction.atomic
def ride_request_cancel(*, actor: User, ride: RideRequest) -> RideRequest:
    """Cancel a ride not yet started; its drivers' legs are freed."""
    ride = RideRequest.objects.select_for_update().get(pk=ride.pk)
    _require(actor, "transport.cancel_riderequest", ride,
             _("Vous ne pouvez pas annuler ce transport."))
    if ride.legs.filter(picked_up_at__isnull=False).exists():
        raise ValidationError(_("Le transport a commencé : il ne peut plus être annulé."),
                              code="started")
    drivers = {leg.volunteer.user_id for leg in ride.legs.select_related("volunteer", "plan")
               if leg.volunteer_id and leg.volunteer.user_id and leg.plan_id
               and leg.plan.is_visible}
    ride.status = RideRequest.Status.CANCELLED
    ride.cancelled_at = timezone.now()
    ride.save(update_fields=["status", "cancelled_at"])
    notifications.ride_cancelled(ride, drivers, actor.pk)
    ride.legs.update(volunteer=None, locked=False, pickup_at=None, drop_at=None,
                     answer=Leg.DriverAnswer.PENDING)
    return ride


# --- planning ----------------------------------------------------------------------------------

def day_plan_start(*, actor: User, association: Organisation, day: date,
                   time_limit_s: float = 10.0) -> DayPlan:
    """Queue the optimiser for an association's day (refused while a run is under way)."""
    _require(actor, "transport.plan_dayplan", association,
             _("Seuls les coordinateurs de l'association planifient."))
    transport_settings_of(association)
    with transaction.atomic():
        plan, _created = DayPlan.objects.get_or_create(association=association, date=day,
                                                       defaults={"created_by": actor})
        plan = DayPlan.objects.select_for_update().get(pk=plan.pk)
        if not _created and plan.state in {DayPlan.State.QUEUED, DayPlan.State.RUNNING} \
                and plan.run_token is not None and plan.updated_at > timezone.now() - STALE_RUN:
            raise ValidationError(_("Un calcul est déjà en cours pour ce jour."), code="running")
        progress = progress_create(
            title=_("Planification du %(d)s — %(a)s") % {"d": day.strftime("%d/%m/%Y"),
                                                         "a": association.name},
            owner=actor)
        plan.state = DayPlan.State.QUEUED
        plan.run_token = uuid.uuid4()
        plan.progress = progress
        plan.error = ""
        plan.save(update_fields=["state", "run_token", "progress", "error", "updated_at"])
    from maillage.transport.tasks import day_plan_task

    result = day_plan_task.enqueue(
        plan_id=plan.pk, token=str(plan.run_token), progress_key=str(progress.key),
        time_limit_s=time_limit_s)
    TaskProgress.objects.filter(pk=progress.pk).update(task_result_id=str(result.id))
    plan.refresh_from_db()
    return plan


def days_plan_start(*, actor: User, association: Organisation, first_day: date, days: int,
                    time_limit_s: float = 10.0) -> list[DayPlan]:
    """Plan several consecutive days (a week: days=7), one background task per day."""
    if not 1 <= days <= 14:
        raise ValidationError({"days": _("De 1 à 14 jours.")})
    return [day_plan_start(actor=actor, association=association,
                           day=first_day + timedelta(days=k), time_limit_s=time_limit_s)
            for k in range(days)]


def day_plan_execute(plan: DayPlan, *, token: str | None = None, time_limit_s: float = 10.0,
                     progress: ProgressCallback | None = None) -> DayPlan:
    """Solve the day and store the assignments, unless another run has started meanwhile."""
    report = progress or (lambda step, done, total: None)
    current = DayPlan.objects.filter(pk=plan.pk)
    if token is not None:
        current = current.filter(run_token=token)
    # A run superseded before it starts (a coordinator planned again meanwhile) does nothing:
    # marking the plan as running would leave it "en cours" for ever.
    if not current.update(state=DayPlan.State.RUNNING):
        logger.info("discarding stale run of plan %s", plan.pk)
        return DayPlan.objects.get(pk=plan.pk)
    try:
        report(_("Lecture des demandes et des disponibilités"), 0, 3)
        day = build_day_problem(plan.association_id, plan.date)
        report(_("Optimisation des tournées"), 1, 3)
        params = PlanningParams(time_limit_s=time_limit_s, solution_limit=2000)
        result = plan_rides(day.problem, params)
        # An independent check before anything is stored: a plan that breaks a time window,
        # a ride time or a capacity never reaches a driver.
        violations = verify_plan(day.problem, result)
        if violations:
            raise RuntimeError(_("Planning refusé par le contrôle : %(v)s")
                               % {"v": "; ".join(violations[:5])})
    except Exception as exc:
        # Only the current run reports its failure; a stale one must not spoil a newer plan.
        current.update(state=DayPlan.State.FAILED, run_token=None, error=str(exc)[:2000])
        raise
    report(_("Enregistrement du planning"), 2, 3)
    with transaction.atomic():
        locked = DayPlan.objects.select_for_update().get(pk=plan.pk)
        if token is not None and str(locked.run_token) != token:
            logger.info("discarding stale run of plan %s", plan.pk)
            return locked
        _store(locked, day, result)
    plan.refresh_from_db()
    return plan


def _store(plan: DayPlan, day, result) -> None:
    unserved = {u.request_id: u for u in result.unserved}
    # Lock every association's record of these people: a driver's legs elsewhere are then
    # stable while we check them, so two associations cannot book the same person at once.
    users = {v.user_id for v in day.vehicles.values() if v.user_id}
    list(Volunteer.objects.select_for_update().filter(user_id__in=users))
    newly_proposed: list[Leg] = []
    for rid, leg in day.legs.items():
        leg.plan = plan
        route = result.route_of(rid)
        if rid in unserved and unserved[rid].reason is UnservedReason.EXCLUDED \
                and list(leg.declined_by.all()):
            unserved[rid] = Unserved(rid, UnservedReason.EXCLUDED, "declined")
        if route is not None and _busy_elsewhere(day.vehicles[route.vehicle_id],
                                                 day.at(route.stops[0].start),
                                                 day.at(route.stops[-1].start)):
            route = None
            unserved[rid] = Unserved(rid, UnservedReason.NO_ROOM,
                                     "driver booked meanwhile by another association")
        if route is None:
            leg.volunteer = None
            leg.locked = False
            leg.pickup_at = leg.drop_at = None
            leg.sequence = 0
        else:
            volunteer = day.vehicles[route.vehicle_id]
            if leg.volunteer_id != volunteer.pk:
                leg.answer = Leg.DriverAnswer.PENDING
                newly_proposed.append(leg)
            leg.volunteer = volunteer
            stops = [s for s in route.stops if s.request_id == rid]
            leg.pickup_at = day.at(stops[0].start)
            leg.drop_at = day.at(stops[-1].start)
            leg.sequence = route.stops.index(stops[0])
        leg.planned_km = Decimal(f"{leg_km(day, rid):.1f}")
        leg.save()
    rides: dict[int, RideRequest] = {leg.ride_id: leg.ride for leg in day.legs.values()}
    for ride in rides.values():
        reasons = [unserved[str(leg.pk)] for leg in day.legs.values()
                   if leg.ride_id == ride.pk and str(leg.pk) in unserved]
        ride.unserved_reason = ("declined" if reasons and reasons[0].detail == "declined"
                                else reasons[0].reason.value if reasons else "")
        ride.unserved_detail = reasons[0].detail[:300] if reasons else ""
        ride.save(update_fields=["unserved_reason", "unserved_detail"])
    # Once published, a re-plan (a late change) is live at once: locked and accepted legs kept
    # their driver, and requesters and drivers see the new times.
    if plan.published_at is not None:
        _apply_statuses(plan)
        notifications.legs_proposed(newly_proposed, plan.date)
    plan.state = DayPlan.State.PUBLISHED if plan.published_at else DayPlan.State.DRAFT
    plan.run_token = None
    plan.summary = {
        "legs": len(day.legs), "served": len(result.served), "unserved": len(result.unserved),
        "km": round(result.total_distance, 1), "drivers": len(result.routes),
        "solver_status": result.solver_status, "seconds": round(result.wall_time_s, 2),
        "travel_model": day.travel_model,
    }
    plan.save(update_fields=["state", "run_token", "summary", "updated_at"])


def _busy_elsewhere(volunteer: Volunteer, start: datetime, end: datetime) -> bool:
    if volunteer.user_id is None:
        return False
    return Leg.objects.filter(
        volunteer__user_id=volunteer.user_id, pickup_at__lt=end, drop_at__gt=start,
    ).exclude(volunteer__association_id=volunteer.association_id).exclude(
        ride__status=RideRequest.Status.CANCELLED).exists()


@transaction.atomic
def leg_move(*, actor: User, leg: Leg, volunteer: Volunteer) -> Leg:
    """Give a leg to another driver and lock it there; re-plan the day to time it."""
    plan = DayPlan.objects.select_for_update().get(pk=leg.plan_id) if leg.plan_id else None
    _require(actor, "transport.plan_dayplan", leg.ride,
             _("Seuls les coordinateurs de l'association planifient."))
    if volunteer.association_id != leg.ride.association_id or not volunteer.active:
        raise ValidationError({"volunteer": _("Ce chauffeur n'est pas un bénévole actif de "
                                              "l'association.")})
    if plan is None:
        raise ValidationError(_("Planifiez d'abord la journée."), code="no_plan")
    if leg.picked_up_at:
        raise ValidationError(_("Ce trajet a commencé."), code="started")
    # Refused here rather than left to the planner, which would silently drop the lock.
    if not availability_windows(volunteer, plan.date):
        raise ValidationError({"volunteer": _(
            "%(name)s n'a déclaré aucune disponibilité le %(day)s.")
            % {"name": volunteer, "day": plan.date.strftime("%d/%m/%Y")}}, code="unavailable")
    if not volunteer.vehicles.exists():
        raise ValidationError({"volunteer": _("%(name)s n'a déclaré aucun véhicule.")
                               % {"name": volunteer}}, code="no_vehicle")
    if leg.volunteer_id != volunteer.pk:
        leg.answer = Leg.DriverAnswer.PENDING
    leg.volunteer = volunteer
    leg.locked = True
    leg.save(update_fields=["volunteer", "locked", "answer"])
    # The coordinator's choice wins over an earlier refusal (they have talked to the driver).
    leg.declined_by.remove(volunteer)
    return leg


def leg_reassign(*, actor: User, leg: Leg, volunteer: Volunteer) -> DayPlan:
    """Move and lock a leg, then re-plan the day around the locked legs."""
    with transaction.atomic():
        leg_move(actor=actor, leg=leg, volunteer=volunteer)
    return day_plan_start(actor=actor, association=leg.ride.association, day=leg.plan.date)


@transaction.atomic
def leg_unlock(*, actor: User, leg: Leg) -> Leg:
    _require(actor, "transport.plan_dayplan", leg.ride,
             _("Seuls les coordinateurs de l'association planifient."))
    leg.locked = False
    leg.save(update_fields=["locked"])
    return leg


@transaction.atomic
def day_plan_publish(*, actor: User, plan: DayPlan) -> DayPlan:
    """Make the plan visible to drivers and requesters; rides get their status."""
    plan = DayPlan.objects.select_for_update().get(pk=plan.pk)
    _require(actor, "transport.plan_dayplan", plan,
             _("Seuls les coordinateurs de l'association publient le planning."))
    if plan.state not in {DayPlan.State.DRAFT, DayPlan.State.PUBLISHED}:
        raise ValidationError(_("Attendez la fin du calcul pour publier."), code="not_ready")
    _apply_statuses(plan)
    if plan.published_at is None:
        notifications.legs_proposed(
            plan.legs.filter(volunteer__isnull=False, answer=Leg.DriverAnswer.PENDING)
            .exclude(ride__status=RideRequest.Status.CANCELLED).select_related("volunteer"),
            plan.date)
    plan.state = DayPlan.State.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["state", "published_at", "updated_at"])
    return plan


def _apply_statuses(plan: DayPlan) -> None:
    legs = list(plan.legs.select_related("ride"))
    for ride_id in {leg.ride_id for leg in legs}:
        ride_legs = [leg for leg in legs if leg.ride_id == ride_id]
        ride = ride_legs[0].ride
        if ride.status in {RideRequest.Status.CANCELLED, RideRequest.Status.DONE}:
            continue
        before = ride.status
        if any(leg.volunteer_id is None for leg in ride_legs):
            ride.status = RideRequest.Status.UNSERVED
        elif all(leg.answer == Leg.DriverAnswer.ACCEPTED for leg in ride_legs):
            ride.status = RideRequest.Status.CONFIRMED
        else:
            ride.status = RideRequest.Status.PLANNED
        if ride.status != before:
            ride.save(update_fields=["status"])
            notifications.ride_status_changed(ride)


# --- drivers -----------------------------------------------------------------------------------

def _driver_leg(actor: User, leg: Leg) -> Leg:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    leg = Leg.objects.select_for_update(of=("self",)).select_related(
        "ride", "plan", "volunteer").get(
        pk=leg.pk)
    _require(actor, "transport.record_leg", leg, _("Ce trajet ne vous est pas confié."))
    if leg.plan is None or not leg.plan.is_visible:
        raise ValidationError(_("Ce trajet n'est pas publié."), code="not_published")
    return leg


@transaction.atomic
def leg_respond(*, actor: User, leg: Leg, accept: bool) -> Leg:
    """The driver accepts or declines a proposed leg; a declined leg goes back to planning."""
    leg = _driver_leg(actor, leg)
    _require(actor, "transport.drive_leg", leg, _("Ce trajet ne vous est pas confié."))
    ride = leg.ride
    if accept:
        leg.answer = Leg.DriverAnswer.ACCEPTED
        leg.save(update_fields=["answer"])
        if not ride.legs.exclude(answer=Leg.DriverAnswer.ACCEPTED).exists():
            ride.status = RideRequest.Status.CONFIRMED
            ride.save(update_fields=["status"])
            notifications.ride_status_changed(ride)
    else:
        leg.declined_by.add(leg.volunteer)
        leg.answer = Leg.DriverAnswer.PENDING
        leg.volunteer = None
        leg.locked = False
        leg.pickup_at = leg.drop_at = None
        leg.save(update_fields=["answer", "volunteer", "locked", "pickup_at", "drop_at"])
        ride.status = RideRequest.Status.REQUESTED
        ride.save(update_fields=["status"])
        notifications.leg_declined(leg)
    return leg


@transaction.atomic
def leg_pickup(*, actor: User, leg: Leg) -> Leg:
    leg = _driver_leg(actor, leg)
    if leg.picked_up_at is None:
        leg.picked_up_at = timezone.now()
        leg.save(update_fields=["picked_up_at"])
    return leg


@transaction.atomic
def leg_drop(*, actor: User, leg: Leg, km: Decimal) -> Leg:
    """Record the drop and the kilometres driven; the trip's contribution follows."""
    leg = _driver_leg(actor, leg)
    km = Decimal(km)
    if km < 0 or km > 2000:
        raise ValidationError({"km": _("Kilométrage invalide (0 à 2000 km).")})
    if leg.dropped_at is not None:
        raise ValidationError(_("Ce trajet est déjà terminé."), code="done")
    now = timezone.now()
    leg.picked_up_at = leg.picked_up_at or now
    leg.dropped_at = now
    leg.km = km.quantize(Decimal("0.1"))
    leg.save(update_fields=["picked_up_at", "dropped_at", "km"])
    settings = transport_settings_of(leg.ride.association)
    Contribution.objects.create(
        leg=leg, ride=leg.ride, member=leg.ride.member, volunteer=leg.volunteer, km=leg.km,
        rate_per_km=settings.rate_per_km, minimum_per_ride=settings.minimum_per_ride,
        amount=contribution_amount(leg.km, settings.rate_per_km, settings.minimum_per_ride))
    if not leg.ride.legs.filter(dropped_at__isnull=True).exists():
        RideRequest.objects.filter(pk=leg.ride_id).update(status=RideRequest.Status.DONE)
    return leg


def contribution_amount(km: Decimal, rate: Decimal, minimum: Decimal) -> Decimal:
    """max(rate × km, minimum), rounded to the cent (half up)."""
    return max((Decimal(km) * Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP),
               Decimal(minimum).quantize(CENT))
