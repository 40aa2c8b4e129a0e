"""Pages of initiatives: thin views that parse input, call one service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import service_errors_into, service_errors_message
from maillage.initiatives import exports, forms, selectors, services
from maillage.initiatives.models import Initiative, ReactionKind, Testimony
from maillage.participation.selectors import moderation_history
from maillage.territories.models import Commune
from maillage.territories.selectors import TerritoryRef


def _initiative_or_404(request: HttpRequest, pk: int) -> Initiative:
    found = selectors.initiative_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404(_("Initiative introuvable."))
    return found


def directory_filters(data: Any) -> tuple[forms.DirectoryFilterForm, dict[str, Any]]:
    """The filter form and the selector's arguments (invalid filters are ignored)."""
    form = forms.DirectoryFilterForm(data or None)
    arguments: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        territory = None
        if c["commune"]:
            territory = TerritoryRef("commune", c["commune"])
        elif c["departement"]:
            territory = TerritoryRef("departement", c["departement"].strip().upper())
        elif c["region"]:
            territory = TerritoryRef("region", c["region"].strip())
        arguments = {"territory": territory, "kind": c["kind"], "theme": c["theme"],
                     "population": c["population"], "query": c["q"]}
    return form, arguments


def index(request: HttpRequest) -> HttpResponse:
    form, arguments = directory_filters(request.GET)
    found = selectors.initiative_list(viewer=request.user, **arguments)
    territory = arguments.get("territory")
    return render(request, "initiatives/index.html", {
        "title": _("Initiatives et témoignages"), "form": form, "initiatives": found,
        "geojson": selectors.initiatives_geojson(found), "territory": territory,
        "query_string": request.GET.urlencode(),
        "can_add": request.user.has_perm("initiatives.add_initiative"),
        "can_moderate": bool(selectors.pending_testimonies(viewer=request.user)),
    })


def _initiative_context(request: HttpRequest, found: Initiative,
                        testimony_form: forms.TestimonyForm | None = None) -> dict[str, Any]:
    user = request.user
    counts = selectors.reaction_counts(found)
    mine = selectors.reactions_of(viewer=user, initiative=found)
    can_moderate = user.has_perm("initiatives.moderate_initiative", found)
    return {
        "title": found.title, "initiative": found,
        "access": selectors.access_change_around(found),
        "testimonies": selectors.testimonies_of(viewer=user, initiative=found),
        "reactions": [(kind, label, counts[kind], kind in mine)
                      for kind, label in ReactionKind.choices],
        "following": selectors.is_following(viewer=user, initiative=found),
        "can_edit": user.has_perm("initiatives.change_initiative", found),
        "can_testify": user.has_perm("initiatives.add_testimony", found),
        "can_react": user.has_perm("initiatives.react_initiative", found),
        "can_follow": user.has_perm("initiatives.follow_initiative", found),
        "can_moderate": can_moderate,
        "history": moderation_history(found) if can_moderate else [],
        "testimony_form": testimony_form or forms.TestimonyForm(),
        "reason_form": forms.ReasonForm(),
    }


def initiative(request: HttpRequest, pk: int) -> HttpResponse:
    found = _initiative_or_404(request, pk)
    return render(request, "initiatives/initiative.html", _initiative_context(request, found))


def _initiative_values(form: forms.InitiativeForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
def initiative_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("initiatives.add_initiative"):
        raise PermissionDenied(_("Confirmez votre adresse e-mail pour décrire une initiative."))
    form = forms.InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.initiative_create(actor=request.user,
                                                 **_initiative_values(form))
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Initiative publiée. Merci de la partager !"))
            return redirect(created)
    return render(request, "initiatives/form.html",
                  {"title": _("Décrire une initiative"), "form": form})


def _results_text(found: Initiative) -> str:
    lines = []
    for r in found.results.all():
        value = f"{r.value:f}".rstrip("0").rstrip(".")
        lines.append(" ; ".join([r.label, value, r.unit, str(r.year or "")]).rstrip(" ;"))
    return "\n".join(lines)


@login_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _initiative_or_404(request, pk)
    if not request.user.has_perm("initiatives.change_initiative", found):
        raise PermissionDenied(_("Seul·es les responsables de l'initiative la modifient."))
    initial = {"title": found.title, "kind": found.kind, "theme": found.theme,
               "population": found.population, "commune": found.commune_id,
               "run_by": found.run_by, "started_on": found.started_on,
               "summary": found.summary, "contact": found.contact,
               "how_to_join": found.how_to_join, "lessons": found.lessons,
               "results": _results_text(found)}
    form = forms.InitiativeForm(request.POST or None, initial=initial)
    if found.is_linked:
        for name in services.SOURCE_FIELDS:
            form.fields[name].disabled = True
            form.fields[name].help_text = _("Repris de l'application d'origine (%(app)s).") % {
                "app": found.get_source_app_display()}
    if request.method == "POST" and form.is_valid():
        values = _initiative_values(form)
        if found.is_linked:
            for name in services.SOURCE_FIELDS:
                values.pop(name, None)
        try:
            services.initiative_update(actor=request.user, initiative=found, **values)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Initiative mise à jour."))
            return redirect(found)
    return render(request, "initiatives/form.html", {
        "title": _("Modifier « %(t)s »") % {"t": found.title}, "form": form,
        "initiative": found, "owner_form": forms.OwnerForm()})


@login_required
@require_POST
def owner_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _initiative_or_404(request, pk)
    form = forms.OwnerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("email") or _("Adresse invalide."))
        other = services.initiative_owner_add(actor=request.user, initiative=found,
                                              email=form.cleaned_data["email"])
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("%(e)s peut maintenant modifier l'initiative.")
                         % {"e": other.email})
    return redirect("initiatives:edit", pk=found.pk)


@login_required
@require_POST
def testimony_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _initiative_or_404(request, pk)
    form = forms.TestimonyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.testimony_create(actor=request.user, initiative=found,
                                      **form.cleaned_data)
        except PermissionDenied as exc:
            service_errors_message(request, exc)
            return redirect(found)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Merci ! Votre témoignage sera publié après "
                                        "modération."))
            return redirect(found)
    # The page again, with the errors beside the fields and nothing stored.
    return render(request, "initiatives/initiative.html",
                  _initiative_context(request, found, form), status=400)


def testimony_photo(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.testimony_get(viewer=request.user, pk=pk)
    if found is None or not found.photo:
        raise Http404(_("Photo introuvable."))
    response = FileResponse(found.photo.open("rb"), content_type="image/jpeg")
    # A pending photo is seen by its author and the moderators only: never cache it publicly.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    found = _initiative_or_404(request, pk)
    try:
        services.initiative_react(actor=request.user, initiative=found,
                                  kind=request.POST.get("kind", ""))
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    return redirect(f"{found.get_absolute_url()}#reactions")


@login_required
@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    found = _initiative_or_404(request, pk)
    want = request.POST.get("follow", "1") == "1"
    try:
        now = services.initiative_follow(actor=request.user, initiative=found, follow=want)
    except PermissionDenied as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("Vous suivez cette initiative.") if now
                         else _("Vous ne suivez plus cette initiative."))
    return redirect(found)


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    pending = selectors.pending_testimonies(viewer=request.user)
    return render(request, "initiatives/moderation.html", {
        "title": _("Témoignages à modérer"),
        # One form per testimony, with its own ids (several on the page).
        "pending": [(t, selectors.author_label(t),
                     forms.TestimonyDecisionForm(auto_id=f"id_t{t.pk}_%s")) for t in pending]})


@login_required
@require_POST
def testimony_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    found = Testimony.objects.select_related("initiative").filter(pk=pk).first()
    if found is None:
        raise Http404(_("Témoignage introuvable."))
    try:
        services.testimony_moderate(actor=request.user, testimony=found,
                                    approve=request.POST.get("decision") == "publish",
                                    reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect("initiatives:moderation")


@login_required
@require_POST
def initiative_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    found = _initiative_or_404(request, pk)
    service = (services.initiative_restore if request.POST.get("decision") == "restore"
               else services.initiative_hide)
    try:
        service(actor=request.user, initiative=found, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect(found)


def nearest(request: HttpRequest) -> HttpResponse:
    form = forms.NearestForm(request.GET or None)
    commune, hits, here = None, [], []
    if form.is_bound and form.is_valid():
        commune = Commune.objects.get(pk=form.cleaned_data["commune"])
        kind = form.cleaned_data["kind"]
        hits = selectors.nearest_initiatives(viewer=request.user, commune=commune, kind=kind,
                                             limit=10)
        here = selectors.present_in(commune=commune, kind=kind)
    return render(request, "initiatives/nearest.html", {
        "title": _("Qui a déjà résolu ce problème ?"), "form": form, "commune": commune,
        "hits": hits, "here": here,
        "geojson": selectors.initiatives_geojson([h.initiative for h in hits])})


def export_csv(request: HttpRequest) -> HttpResponse:
    _form, arguments = directory_filters(request.GET)
    found = selectors.initiative_list(viewer=request.user, **arguments)
    response = HttpResponse(exports.directory_csv(found, request.build_absolute_uri("/")[:-1]),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


def export_json(request: HttpRequest) -> HttpResponse:
    _form, arguments = directory_filters(request.GET)
    found = selectors.initiative_list(viewer=request.user, **arguments)
    data = exports.directory_open_data(found, request.build_absolute_uri("/")[:-1])
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="initiatives.json"'
    return response
