"""Solidarity transport: associations, members, volunteer drivers, ride requests, plans.

An association is an `accounts.Organisation` of kind association; its transport settings (rates,
eligibility, membership) live in `TransportSettings`. A ride request may have a return trip: the
planner sees each direction as a `Leg`, and a `DayPlan` assigns legs to drivers.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TransportSettings(models.Model):
    """An association's rules: contribution rates, eligibility, membership, served zone."""

    association = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="transport_settings"
    )
    rate_per_km = models.DecimalField(
        _("participation par kilomètre (€)"), max_digits=5, decimal_places=2,
        default=Decimal("0.35"), validators=[MinValueValidator(Decimal("0"))],
    )
    minimum_per_ride = models.DecimalField(
        _("minimum par trajet (€)"), max_digits=6, decimal_places=2, default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    membership_fee = models.DecimalField(
        _("cotisation annuelle (€)"), max_digits=6, decimal_places=2, default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    membership_validity_days = models.PositiveSmallIntegerField(
        _("validité de l'adhésion (jours)"), default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("âge minimum"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    require_isolation = models.BooleanField(_("réservé aux personnes isolées"), default=False)
    require_no_vehicle = models.BooleanField(_("réservé aux personnes sans véhicule"),
                                             default=False)
    require_low_income = models.BooleanField(_("sous condition de ressources"), default=False)
    served_communes = models.ManyToManyField(
        "territories.Commune", related_name="+", blank=True, verbose_name=_("communes desservies")
    )
    # Minutes before the appointment the passenger should arrive, at the earliest and latest.
    arrive_early_min = models.PositiveSmallIntegerField(_("arrivée au plus tôt (min avant)"),
                                                        default=45)
    arrive_late_min = models.PositiveSmallIntegerField(_("arrivée au plus tard (min avant)"),
                                                       default=10)

    class Meta:
        verbose_name = _("réglages du transport solidaire")
        constraints = [
            models.CheckConstraint(condition=Q(arrive_early_min__gt=models.F("arrive_late_min")),
                                   name="transport_arrival_window_ordered"),
        ]

    def __str__(self) -> str:
        return str(self.association)


class Member(models.Model):
    """A beneficiary, member of an association (may have no account: booked by phone)."""

    association = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                    related_name="transport_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="transport_memberships")
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    address = models.CharField(_("adresse"), max_length=300)
    commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("commune"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_isolated = models.BooleanField(_("personne isolée"), default=False)
    has_vehicle = models.BooleanField(_("dispose d'un véhicule"), default=False)
    low_income = models.BooleanField(_("ressources sous le plafond"), default=False)
    membership_paid_until = models.DateField(_("adhésion valable jusqu'au"), null=True,
                                             blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("bénéficiaire")
        constraints = [
            models.UniqueConstraint(fields=["association", "user"],
                                    condition=Q(user__isnull=False),
                                    name="transport_one_membership_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Mandate(models.Model):
    """Someone a beneficiary lets act for them: a relative, a social worker, a pharmacist."""

    class Relation(models.TextChoices):
        RELATIVE = "relative", _("proche")
        SOCIAL_WORKER = "social_worker", _("travailleur·se social·e")
        PHARMACIST = "pharmacist", _("pharmacien·ne")
        OTHER = "other", _("autre")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mandates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="transport_mandates")
    relation = models.CharField(_("lien"), max_length=20, choices=Relation.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mandat")
        constraints = [models.UniqueConstraint(fields=["member", "user"],
                                               name="transport_unique_mandate")]

    def __str__(self) -> str:
        return f"{self.user} → {self.member}"


class Volunteer(models.Model):
    """A volunteer driver of an association, with their zone and the longest trip they accept."""

    association = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                    related_name="transport_volunteers")
    # Kept (detached) when the person deletes their account: their rides stay in the records.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="transport_volunteering")
    home_commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("commune de départ"))
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    zone = models.ManyToManyField("territories.Commune", related_name="+", blank=True,
                                  verbose_name=_("communes où il ou elle accepte de prendre"))
    max_trip_km = models.PositiveSmallIntegerField(
        _("trajet le plus long accepté (km)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(1000)])
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("bénévole")
        constraints = [models.UniqueConstraint(fields=["association", "user"],
                                               name="transport_one_volunteering_per_user")]

    def __str__(self) -> str:
        if self.user is None:
            return str(_("bénévole parti·e"))
        return self.user.get_full_name() or str(self.user)

    @property
    def first_name(self) -> str:
        if self.user is None:
            return "—"
        return self.user.first_name or str(self.user).split()[0]


class Vehicle(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="vehicles")
    label = models.CharField(_("véhicule"), max_length=100)
    seats = models.PositiveSmallIntegerField(
        _("places passagers"), validators=[MinValueValidator(1), MaxValueValidator(8)])
    wheelchair_places = models.PositiveSmallIntegerField(
        _("places fauteuil roulant"), default=0, validators=[MaxValueValidator(2)])

    class Meta:
        verbose_name = _("véhicule")
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="vehicle_has_seat")]

    def __str__(self) -> str:
        return self.label


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class AvailabilitySlot(models.Model):
    """A recurring weekly availability."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    start = models.TimeField(_("de"))
    end = models.TimeField(_("à"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("disponibilité hebdomadaire")
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")),
                                              name="slot_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class AvailabilityException(models.Model):
    """A date when the weekly slots do not apply: absent all day, or available at other hours."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    start = models.TimeField(_("disponible de"), null=True, blank=True)
    end = models.TimeField(_("à"), null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("exception de disponibilité")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False, end__gt=models.F("start")),
                name="exception_hours_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.date}"


class DestinationKind(models.TextChoices):
    FACILITY = "facility", _("établissement de santé")
    PRACTITIONER = "practitioner", _("professionnel·le de santé")
    ADDRESS = "address", _("adresse")


class RideRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("demandé")
        PLANNED = "planned", _("planifié")
        CONFIRMED = "confirmed", _("confirmé")
        UNSERVED = "unserved", _("sans chauffeur")
        DONE = "done", _("effectué")
        CANCELLED = "cancelled", _("annulé")

    association = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                    related_name="ride_requests")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ride_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    by_phone = models.BooleanField(_("pris au téléphone"), default=False)
    pickup_address = models.CharField(_("adresse de prise en charge"), max_length=300)
    pickup_commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT,
                                       related_name="+")
    pickup_latitude = models.FloatField(null=True, blank=True)
    pickup_longitude = models.FloatField(null=True, blank=True)
    # The destination reveals health information: read it through selectors, which log access.
    destination_kind = models.CharField(max_length=15, choices=DestinationKind.choices)
    destination_facility = models.ForeignKey("healthcare.Facility", on_delete=models.PROTECT,
                                             null=True, blank=True, related_name="+")
    destination_practitioner = models.ForeignKey("healthcare.Practitioner",
                                                 on_delete=models.PROTECT, null=True, blank=True,
                                                 related_name="+")
    destination_address = models.CharField(_("adresse de destination"), max_length=300,
                                           blank=True)
    destination_commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT,
                                            related_name="+")
    destination_latitude = models.FloatField(null=True, blank=True)
    destination_longitude = models.FloatField(null=True, blank=True)
    reason = models.CharField(_("motif du rendez-vous"), max_length=200, blank=True)
    appointment_at = models.DateTimeField(_("heure du rendez-vous"))
    appointment_minutes = models.PositiveSmallIntegerField(
        _("durée prévue (min)"), default=30, validators=[MinValueValidator(5),
                                                         MaxValueValidator(600)])
    return_trip = models.BooleanField(_("trajet retour"), default=True)
    wheelchair = models.BooleanField(_("fauteuil roulant"), default=False)
    walking_aid = models.BooleanField(_("aide à la marche"), default=False)
    companion = models.BooleanField(_("personne accompagnante"), default=False)
    door_to_door = models.BooleanField(_("aide de porte à porte"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    unserved_reason = models.CharField(max_length=30, blank=True)
    unserved_detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appointment_at"]
        verbose_name = _("demande de transport")
        verbose_name_plural = _("demandes de transport")
        indexes = [models.Index(fields=["association", "status", "appointment_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(destination_kind="facility", destination_facility__isnull=False)
                | Q(destination_kind="practitioner", destination_practitioner__isnull=False)
                | (Q(destination_kind="address") & ~Q(destination_address="")),
                name="ride_destination_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.member} {self.appointment_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("transport:ride", args=[self.pk])

    @property
    def seats(self) -> int:
        return (0 if self.wheelchair else 1) + (1 if self.companion else 0)

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.REQUESTED, self.Status.PLANNED,
                               self.Status.CONFIRMED, self.Status.UNSERVED}


class DayPlan(models.Model):
    """The association's rides of one day, as planned by the optimiser and adjusted by hand."""

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("calcul en cours")
        DRAFT = "draft", _("brouillon")
        PUBLISHED = "published", _("publié")
        FAILED = "failed", _("échec")

    association = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                    related_name="day_plans")
    date = models.DateField(_("jour"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    summary = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    # Changed by every start: a run whose token is no longer current discards its result, so
    # two coordinators planning the same day at once cannot both write assignments.
    run_token = models.UUIDField(null=True, blank=True, editable=False)
    progress = models.ForeignKey("core.TaskProgress", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("planning du jour")
        constraints = [models.UniqueConstraint(fields=["association", "date"],
                                               name="transport_one_plan_per_day")]

    def __str__(self) -> str:
        return f"{self.association} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("transport:plan", args=[self.pk])

    @property
    def is_visible(self) -> bool:
        """Drivers and requesters see the plan once it has been published at least once."""
        return self.published_at is not None


class Leg(models.Model):
    """One direction of a ride (outbound to the appointment, or the return) and who drives it."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("aller")
        RETURN = "return", _("retour")

    class DriverAnswer(models.TextChoices):
        PENDING = "pending", _("proposé")
        ACCEPTED = "accepted", _("accepté")
        DECLINED = "declined", _("refusé")

    ride = models.ForeignKey(RideRequest, on_delete=models.CASCADE, related_name="legs")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    plan = models.ForeignKey(DayPlan, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="legs")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="legs")
    sequence = models.PositiveSmallIntegerField(default=0)
    pickup_at = models.DateTimeField(null=True, blank=True)
    drop_at = models.DateTimeField(null=True, blank=True)
    planned_km = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    locked = models.BooleanField(_("verrouillé"), default=False)
    answer = models.CharField(max_length=10, choices=DriverAnswer.choices,
                              default=DriverAnswer.PENDING)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    km = models.DecimalField(_("kilomètres parcourus"), max_digits=7, decimal_places=1,
                             null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    # Drivers who said no: a re-plan never proposes the leg to them again.
    declined_by = models.ManyToManyField(Volunteer, related_name="declined_legs", blank=True)

    class Meta:
        ordering = ["pickup_at", "pk"]
        verbose_name = _("trajet")
        constraints = [
            models.UniqueConstraint(fields=["ride", "direction"],
                                    name="transport_one_leg_each_way"),
            models.CheckConstraint(condition=Q(locked=False) | Q(volunteer__isnull=False),
                                   name="transport_locked_leg_has_driver"),
            models.CheckConstraint(condition=Q(km__isnull=True) | Q(km__gte=0),
                                   name="transport_km_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.ride_id} {self.direction}"


class Contribution(models.Model):
    """What the passenger owes the driver for one trip driven: max(rate × km, minimum).

    A trip is one direction of a ride (a return trip is a second trip, possibly by another
    driver), so the minimum applies to each direction.
    """

    leg = models.OneToOneField(Leg, on_delete=models.PROTECT, related_name="contribution")
    ride = models.ForeignKey(RideRequest, on_delete=models.PROTECT, related_name="contributions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contributions")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT,
                                  related_name="contributions")
    km = models.DecimalField(max_digits=7, decimal_places=1)
    rate_per_km = models.DecimalField(max_digits=5, decimal_places=2)
    minimum_per_ride = models.DecimalField(max_digits=6, decimal_places=2)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("participation aux frais")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0),
                                              name="contribution_non_negative")]

    def __str__(self) -> str:
        return f"{self.leg_id}: {self.amount} €"


class DestinationAccess(models.Model):
    """Audit trail: who saw a ride's destination (health information), when and how."""

    ride = models.ForeignKey(RideRequest, on_delete=models.CASCADE, related_name="accesses")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+")
    user_label = models.CharField(max_length=200)
    role = models.CharField(max_length=30)
    channel = models.CharField(max_length=10)  # "page", "api"
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("consultation d'une destination")
        indexes = [models.Index(fields=["member", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_label} → {self.ride_id} ({self.at:%Y-%m-%d %H:%M})"
