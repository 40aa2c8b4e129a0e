"""Pages of the planning app: thin, they call the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import service_errors_into
from maillage.insights import defaults
from maillage.planning import loop_views, selectors, services
from maillage.planning.forms import ChangeForm, ScenarioForm
from maillage.planning.models import Scenario


def _scenario(pk: int, request: HttpRequest) -> Scenario:
    # A draft the viewer may not read is reported as unknown, not as forbidden.
    found = selectors.scenario_visible(request.user, pk)
    if found is None:
        raise Http404(_("Scénario inconnu."))
    return found


def _can_edit(request: HttpRequest, scenario: Scenario) -> bool:
    # Analysts of the région and of the scenario's organisation, while it is a draft.
    return request.user.has_perm("planning.change_scenario", scenario)


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/index.html", {
        "scenarios": selectors.scenarios_visible(request.user, request.GET.get("region") or None),
        "title": _("Scénarios et implantations")})


def _render_scenario(request: HttpRequest, scenario: Scenario, change_form: ChangeForm,
                     status: int = 200) -> HttpResponse:
    layer = request.GET.get("couche", "difference")
    layer = layer if layer in {"before", "after", "difference"} else "difference"
    profession = defaults.PROFESSIONS.get(scenario.profession)
    return render(request, "planning/scenario.html", {
        "scenario": scenario, "changes": scenario.changes.all(),
        "effects": selectors.scenario_effects(scenario), "layer": layer,
        "can_edit": _can_edit(request, scenario), "change_form": change_form,
        "profession_label": profession.label if profession else scenario.profession,
        **loop_views.scenario_loop_context(request, scenario),
        "title": scenario.name}, status=status)


def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_scenario(request, _scenario(pk, request), ChangeForm())


def scenario_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    layer = request.GET.get("couche", "difference")
    layer = layer if layer in {"before", "after", "difference"} else "difference"
    return JsonResponse(selectors.scenario_geojson(_scenario(pk, request), layer))


@login_required
def scenario_new(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm(request.POST or None, initial={"region": "76"})
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            return redirect("planning:scenario", pk=scenario.pk)
    return render(request, "planning/form.html", {"form": form,
                                                  "title": _("Nouveau scénario")},
                  status=400 if form.errors else 200)



@login_required
@require_POST
def change_add(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(pk, request)
    form = ChangeForm(request.POST)
    if form.is_valid():
        try:
            services.scenario_change_add(actor=request.user, scenario=scenario,
                                         **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            return redirect("planning:scenario", pk=scenario.pk)
    return _render_scenario(request, scenario, form, status=400)


@login_required
@require_POST
def change_remove(request: HttpRequest, pk: int, change: int) -> HttpResponse:
    scenario = _scenario(pk, request)
    found = scenario.changes.filter(pk=change).first()
    if found is None:
        raise Http404(_("Changement inconnu."))
    services.scenario_change_remove(actor=request.user, change=found)
    return redirect("planning:scenario", pk=scenario.pk)


@login_required
@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(pk, request)
    try:
        services.scenario_compute(actor=request.user, scenario=scenario)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return redirect("planning:scenario", pk=scenario.pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.scenario_delete(actor=request.user, scenario=_scenario(pk, request))
    return redirect("planning:index")


def compare(request: HttpRequest) -> HttpResponse:
    ids = list(dict.fromkeys(int(v) for v in request.GET.getlist("s") if v.isdigit()))[:10]
    chosen, missing = selectors.scenarios_chosen(request.user, ids)
    if missing:
        messages.warning(request, _("Scénarios introuvables : %(ids)s.")
                         % {"ids": ", ".join(str(i) for i in missing)})
    return render(request, "planning/compare.html", {
        "all_scenarios": selectors.scenarios_visible(request.user), "selected": ids,
        "rows": selectors.scenarios_compare(chosen) if chosen else [],
        "title": _("Comparer des scénarios")})
