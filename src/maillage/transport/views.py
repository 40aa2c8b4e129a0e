"""Pages of solidarity transport: thin views over services and selectors."""

from __future__ import annotations

import contextlib
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.models import Organisation
from maillage.core.forms import service_errors_into
from maillage.transport import exports, selectors, services
from maillage.transport.forms import (
    DropForm,
    ExceptionForm,
    MandateForm,
    MemberForm,
    MoveForm,
    PlanDayForm,
    RideRequestForm,
    SettingsForm,
    SlotForm,
    VehicleForm,
    VolunteerForm,
    VolunteerSettingsForm,
)
from maillage.transport.models import Leg, Member, TransportSettings, Volunteer


def _association(request: HttpRequest, pk: int) -> Organisation:
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    if not request.user.has_perm("transport.manage_association", association):
        raise PermissionDenied(_("Réservé aux coordinateurs de l'association."))
    return association


def _month(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {"title": _("Transport solidaire")}
    if user.is_authenticated:
        context.update({
            "rides": selectors.rides_requested_for(user)[:50],
            "members": Member.objects.filter(user=user).select_related("association"),
            "can_request": selectors.members_requestable_by(user).exists(),
            "associations": selectors.associations_coordinated(user),
            "volunteering": Volunteer.objects.filter(user=user).select_related("association"),
        })
    return render(request, "transport/index.html", context)


@login_required
def ride_new(request: HttpRequest) -> HttpResponse:
    members = selectors.members_requestable_by(request.user)
    if not members.exists():
        raise PermissionDenied(_("Adhérez d'abord à une association de transport solidaire."))
    facilities = selectors.facilities_for(members)
    form = RideRequestForm(request.POST or None, members=members, facilities=facilities)
    if request.method == "POST" and form.is_valid():
        data = form.service_arguments()
        member = data.pop("member")
        by_phone = request.POST.get("by_phone") == "1" and request.user.has_perm(
            "transport.manage_association", member)
        try:
            ride = services.ride_request_create(actor=request.user, member=member,
                                                by_phone=by_phone, **data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Demande enregistrée : vous verrez ici le chauffeur et "
                                        "l'heure de prise en charge dès que le planning sera "
                                        "publié."))
            return redirect(ride)
    return render(request, "transport/ride_form.html", {
        "form": form, "title": _("Demander un transport"),
        "is_coordinator": selectors.associations_coordinated(request.user).exists()})


@login_required
def ride_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ride = selectors.ride_get(actor=request.user, pk=pk)
    destination = None
    if request.user.has_perm("transport.view_destination", ride):
        destination = selectors.ride_destination(actor=request.user, ride=ride)
    return render(request, "transport/ride_detail.html", {
        "ride": ride, "status": selectors.ride_status(ride), "destination": destination,
        "can_cancel": request.user.has_perm("transport.cancel_riderequest", ride),
        "can_see_member": request.user.has_perm("transport.view_member", ride.member),
        "title": _("Transport n°%(n)s") % {"n": ride.pk}})


@login_required
@require_POST
def ride_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    ride = selectors.ride_get(actor=request.user, pk=pk)
    try:
        services.ride_request_cancel(actor=request.user, ride=ride)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Transport annulé."))
    return redirect(ride)


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    return render(request, "transport/access_log.html", {
        "accesses": selectors.destination_accesses_for(request.user)[:500],
        "title": _("Qui a consulté mes trajets")})


@login_required
def ride_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    ride = selectors.ride_get(actor=request.user, pk=pk)
    contributions = list(ride.contributions.select_related("leg", "volunteer__user"))
    return render(request, "transport/receipt.html", {
        "ride": ride, "member": ride.member, "contributions": contributions,
        "total": sum(c.amount for c in contributions),
        "title": _("Reçu — transport n°%(n)s") % {"n": ride.pk}})


@login_required
def member_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("association"), pk=pk)
    year, month = _month(request.GET.get("mois"))
    rows, total = selectors.contributions_of_member(actor=request.user, member=member,
                                                    year=year, month=month)
    return render(request, "transport/receipt.html", {
        "member": member, "contributions": rows, "total": total, "year": year, "month": month,
        "title": _("Reçu mensuel %(m)02d/%(y)s") % {"m": month, "y": year}})


# --- coordinators ------------------------------------------------------------------------------

@login_required
def association_detail(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association(request, pk)
    today = timezone.localdate()
    return render(request, "transport/association.html", {
        "association": association, "title": association.name,
        "settings": TransportSettings.objects.filter(association=association).first(),
        "requests": selectors.rides_visible_to(request.user).filter(
            association=association, appointment_at__date__gte=today).order_by(
            "appointment_at")[:200],
        "members": selectors.members_for(actor=request.user, association=association)[:500],
        "volunteers": Volunteer.objects.filter(association=association).select_related(
            "user", "home_commune").prefetch_related("vehicles", "slots"),
        "plans": association.day_plans.filter(date__gte=today)[:14],
        "plan_form": PlanDayForm(initial={"day": today}),
        "month": f"{today.year}-{today.month:02d}"})


@login_required
def association_settings(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association(request, pk)
    instance = TransportSettings.objects.filter(association=association).first()
    initial = {"served": ", ".join(instance.served_communes.values_list("pk", flat=True))} \
        if instance else {}
    form = SettingsForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "served"}
        try:
            services.transport_settings_update(actor=request.user, association=association,
                                               served_communes=form.cleaned_data["served"],
                                               **data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Réglages enregistrés."))
            return redirect("transport:association", pk=association.pk)
    return render(request, "transport/form.html", {
        "form": form, "title": _("Réglages du transport solidaire"), "back": association})


@login_required
def member_new(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["user"] = data.pop("account_email")
        try:
            services.member_register(actor=request.user, association=association, **data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Bénéficiaire inscrit·e."))
            return redirect("transport:association", pk=association.pk)
    return render(request, "transport/form.html", {
        "form": form, "title": _("Inscrire un·e bénéficiaire"), "back": association})


@login_required
def mandate_new(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    if not request.user.has_perm("transport.view_member", member):
        raise PermissionDenied
    form = MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_grant(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Mandat enregistré."))
            return redirect("transport:index")
    return render(request, "transport/form.html", {
        "form": form, "title": _("Mandater un proche ou un·e professionnel·le")})


@login_required
def volunteer_new(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association(request, pk)
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_register(actor=request.user, association=association,
                                                    **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Bénévole inscrit·e."))
            return redirect("transport:volunteer", pk=volunteer.pk)
    return render(request, "transport/form.html", {
        "form": form, "title": _("Inscrire un·e bénévole"), "back": association})


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Vehicles, weekly slots and exceptions: the driver's own page (or their coordinator's)."""
    volunteer = get_object_or_404(Volunteer.objects.select_related("user", "association"), pk=pk)
    if not request.user.has_perm("transport.change_volunteer", volunteer):
        raise PermissionDenied
    forms = {
        "settings": VolunteerSettingsForm(instance=volunteer, initial={
            "zone_codes": ", ".join(volunteer.zone.values_list("pk", flat=True))}),
        "vehicle": VehicleForm(), "slot": SlotForm(), "exception": ExceptionForm(),
    }
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "settings":
                forms["settings"] = form = VolunteerSettingsForm(request.POST, instance=volunteer)
                if form.is_valid():
                    from maillage.territories.models import Commune

                    codes = {c.strip().upper() for c in
                             form.cleaned_data["zone_codes"].split(",") if c.strip()}
                    zone = list(Commune.objects.filter(pk__in=codes))
                    missing = codes - {c.pk for c in zone}
                    if missing:
                        raise ValidationError({"zone_codes": _("Communes inconnues : %(c)s")
                                               % {"c": ", ".join(sorted(missing))}})
                    services.volunteer_update(
                        actor=request.user, volunteer=volunteer, zone=zone,
                        max_trip_km=form.cleaned_data["max_trip_km"],
                        active=form.cleaned_data["active"])
            elif which == "vehicle":
                forms["vehicle"] = form = VehicleForm(request.POST)
                if form.is_valid():
                    services.vehicle_add(actor=request.user, volunteer=volunteer,
                                         **form.cleaned_data)
            elif which == "slot":
                forms["slot"] = form = SlotForm(request.POST)
                if form.is_valid():
                    services.availability_slot_add(actor=request.user, volunteer=volunteer,
                                                   **form.cleaned_data)
            elif which == "exception":
                forms["exception"] = form = ExceptionForm(request.POST)
                if form.is_valid():
                    services.availability_exception_add(actor=request.user,
                                                        volunteer=volunteer,
                                                        **form.cleaned_data)
            else:
                raise Http404
        except ValidationError as exc:
            service_errors_into(form, exc)
        if form.is_valid() and not form.errors:
            messages.success(request, _("Enregistré."))
            return redirect("transport:volunteer", pk=volunteer.pk)
    return render(request, "transport/volunteer.html", {
        "volunteer": volunteer, "forms": forms, "title": _("Bénévole — %(n)s") % {
            "n": volunteer}})


@login_required
@require_POST
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    association = _association(request, pk)
    form = PlanDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Date invalide."))
        return redirect("transport:association", pk=association.pk)
    try:
        plans = services.days_plan_start(actor=request.user, association=association,
                                         first_day=form.cleaned_data["day"],
                                         days=form.cleaned_data["days"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("transport:association", pk=association.pk)
    messages.info(request, _("Planification lancée."))
    return redirect(plans[0])


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    routes, unassigned = selectors.plan_routes(plan)
    selectors.destinations_shown(
        actor=request.user, channel="plan",
        rides=[leg.ride for route in routes for leg in route.legs]
        + [leg.ride for leg in unassigned])
    return render(request, "transport/plan.html", {
        "plan": plan, "routes": routes, "unassigned": unassigned,
        "move_form": MoveForm(association=plan.association),
        "reasons": selectors.UNSERVED_LABELS,
        "title": _("Planning du %(d)s") % {"d": plan.date.strftime("%d/%m/%Y")}})


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    try:
        services.day_plan_publish(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Planning publié : les chauffeurs et les demandeurs le "
                                    "voient."))
    return redirect(plan)


@login_required
@require_POST
def plan_replan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(actor=request.user, pk=pk)
    try:
        services.day_plan_start(actor=request.user, association=plan.association, day=plan.date)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(plan)


@login_required
@require_POST
def leg_move(request: HttpRequest, pk: int) -> HttpResponse:
    leg = get_object_or_404(Leg.objects.select_related("ride", "plan"), pk=pk)
    if not request.user.has_perm("transport.plan_dayplan", leg.ride):
        raise PermissionDenied
    form = MoveForm(request.POST, association=leg.ride.association)
    if request.POST.get("unlock"):
        services.leg_unlock(actor=request.user, leg=leg)
    elif form.is_valid():
        try:
            services.leg_reassign(actor=request.user, leg=leg,
                                  volunteer=form.cleaned_data["volunteer"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Trajet confié et verrouillé ; la journée est "
                                        "replanifiée autour."))
    else:
        messages.error(request, _("Choisissez un chauffeur."))
    return redirect(leg.plan) if leg.plan else redirect("transport:index")


# --- drivers -----------------------------------------------------------------------------------

@login_required
def driver_day(request: HttpRequest) -> HttpResponse:
    try:
        day = date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        # Without a date asked for, the page opens on the next day with trips to drive.
        day = selectors.driver_next_day(user=request.user, today=timezone.localdate())
    legs = list(selectors.driver_legs(user=request.user, day=day))
    destinations = {}
    for leg in legs:
        if request.user.has_perm("transport.view_destination", leg.ride):
            destinations[leg.pk] = selectors.ride_destination(actor=request.user, ride=leg.ride)
    return render(request, "transport/driver_day.html", {
        "day": day, "legs": [(leg, destinations.get(leg.pk)) for leg in legs],
        "drop_form": DropForm(), "title": _("Ma tournée du %(d)s") % {
            "d": day.strftime("%d/%m/%Y")},
        "history": selectors.driver_legs(user=request.user).filter(
            dropped_at__isnull=False).order_by("-dropped_at")[:30],
        "contributions": selectors.contributions_of_driver(request.user)[:30]})


@login_required
@require_POST
def leg_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    leg = selectors.leg_get(actor=request.user, pk=pk)
    try:
        if action == "accepter":
            services.leg_respond(actor=request.user, leg=leg, accept=True)
        elif action == "refuser":
            services.leg_respond(actor=request.user, leg=leg, accept=False)
        elif action == "prise-en-charge":
            services.leg_pickup(actor=request.user, leg=leg)
        elif action == "depose":
            form = DropForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("km") or _("Kilométrage invalide."))
            services.leg_drop(actor=request.user, leg=leg, km=form.cleaned_data["km"])
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Enregistré."))
    day = timezone.localtime(leg.ride.appointment_at).date()
    return redirect(f"{reverse('transport:driver_day')}?jour={day.isoformat()}")


# --- reports -----------------------------------------------------------------------------------

@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    year, month = _month(request.GET.get("mois"))
    data = selectors.month_report(actor=request.user, association=association, year=year,
                                  month=month)
    fmt = request.GET.get("format")
    name = f"transport-{association.pk}-{year}-{month:02d}"
    if fmt == "csv":
        response = HttpResponse(exports.month_report_csv(data),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "pdf":
        response = HttpResponse(exports.month_report_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(request, "transport/report.html", {
        "report": data, "charts": exports.report_charts(data), "association": association,
        "month": f"{year}-{month:02d}",
        "title": _("Rapport mensuel %(m)02d/%(y)s") % {"m": month, "y": year}})


@login_required
def territory(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ASSOCIATION)
    since = timezone.localdate().replace(day=1)
    with contextlib.suppress(ValueError):
        since = date.fromisoformat(request.GET.get("depuis", ""))
    rows = selectors.unmet_by_commune(actor=request.user, association=association, since=since)
    return render(request, "transport/territory.html", {
        "association": association, "rows": rows, "since": since,
        "title": _("Demandes non satisfaites par commune")})
