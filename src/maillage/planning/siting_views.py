"""Pages of the best-site optimisation: thin, they call planning.optimisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.insights import defaults
from maillage.planning import optimisation
from maillage.planning.forms import SitingForm
from maillage.planning.models import SitingRun
from maillage.territories.models import Commune
from maillage.territories.selectors import TerritoryRef


def _run_for(request: HttpRequest, pk: int) -> SitingRun:
    """The run, for the analysts of its région only (drafts are not public)."""
    run = SitingRun.objects.select_related("region", "progress", "scenario").filter(pk=pk).first()
    if run is None:
        raise Http404(_("Recherche d'implantations inconnue."))
    if not request.user.has_perm("territories.analyse_territory",
                                 TerritoryRef("region", run.region_id)):
        raise PermissionDenied(_("Réservé aux analystes de la région."))
    return run


@login_required
def siting_new(request: HttpRequest) -> HttpResponse:
    form = SitingForm(request.POST or None, initial={"region": request.GET.get("region", "76")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["min_population"] = data.get("min_population") or 0
        try:
            run = optimisation.siting_run_start(actor=request.user, **data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("planning:siting_run", pk=run.pk)
    return render(request, "planning/siting_form.html", {
        "form": form, "title": _("Où implanter de nouveaux sites ?")},
        status=400 if form.errors else 200)


@login_required
def siting_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    profession = defaults.PROFESSIONS.get(run.profession)
    template = "planning/_siting_status.html" if request.htmx else "planning/siting_run.html"
    gap = (run.result or {}).get("gap")
    return render(request, template, {
        "run": run, "result": run.result or {},
        "gap_percent": None if gap is None else 100 * gap, "profession_label":
        profession.label if profession else run.profession,
        "title": _("Recherche d'implantations n°%(n)s") % {"n": run.pk}})


@login_required
def siting_run_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    run = _run_for(request, pk)
    chosen = {site["code"]: site for site in (run.result or {}).get("chosen", [])}
    features = []
    for commune in Commune.objects.filter(pk__in=chosen):
        geometry = commune.map_boundary or (
            {"type": "Point", "coordinates": [commune.longitude, commune.latitude]}
            if commune.latitude is not None else None)
        if geometry is None:
            continue
        site = chosen[commune.code]
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "code": commune.code, "name": f"{site['order']}. {commune.name}",
            "value": round(site["gain_alone"]), "fill": "#000091",
            "url": reverse("territories:commune", args=[commune.code])}})
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_POST
def siting_to_scenario(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    try:
        scenario = optimisation.siting_run_to_scenario(actor=request.user, run=run)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return redirect("planning:scenario", pk=scenario.pk)


@login_required
@require_POST
def retirements_project(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the projected retirements (age, year) to a scenario, then back to its page."""
    from maillage.planning import projections, selectors

    scenario = selectors.scenario_visible(request.user, pk)
    if scenario is None:
        raise Http404(_("Scénario inconnu."))
    try:
        projections.scenario_retirements_project(
            actor=request.user, scenario=scenario, age=request.POST.get("age") or 65,
            year=request.POST.get("year") or None)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return redirect("planning:scenario", pk=scenario.pk)


def priority(request: HttpRequest) -> HttpResponse:
    """The priority index of a région's communes, with weights the analyst adjusts."""
    from maillage.planning.priority import DEFAULT_WEIGHTS, priority_index

    region = request.GET.get("region") or "76"
    profession = request.GET.get("profession") or "generaliste"
    if profession not in defaults.PROFESSIONS:
        raise Http404(_("Profession inconnue."))
    asked = {k: request.GET.get(f"w_{k}") for k in DEFAULT_WEIGHTS}
    try:
        found = priority_index(region=region, profession=profession, weights=asked)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        errors = exc.message_dict
        found = priority_index(region=region, profession=profession)
    names = {r.code: r.name for r in found.rows}
    return render(request, "planning/priority.html", {
        "index": found, "rows": found.rows[:100], "errors": errors, "region": region,
        "profession": profession, "professions": defaults.PROFESSIONS,
        "silent": [(c, names.get(c, c)) for c in found.silent_deserts[:30]],
        "unmeasured": [(c, names.get(c, c)) for c in found.unmeasured_difficulties[:30]],
        "targets": ", ".join(r.code for r in found.rows[:20]),
        "weight_total": round(sum(found.weights.values()), 4),
        "title": _("Indice de priorité des communes")}, status=400 if errors else 200)
