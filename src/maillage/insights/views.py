from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from maillage.insights import defaults, exports, selectors, services
from maillage.insights.forms import RunForm
from maillage.insights.models import AccessRun
from maillage.territories.selectors import TerritoryRef, regions_with_communes


def _run_or_404(pk: int) -> AccessRun:
    run = selectors.run_get(pk)
    if run is None:
        raise Http404(_("Calcul inconnu."))
    return run


def dashboard(request: HttpRequest) -> HttpResponse:
    regions = list(regions_with_communes())
    if not regions:
        return render(request, "insights/dashboard.html", {"regions": [],
                                                           "title": _("Accès aux soins")})
    region = request.GET.get("region") or regions[0].code
    profession = request.GET.get("profession", "generaliste")
    if profession not in defaults.PROFESSIONS:
        profession = "generaliste"
    run = selectors.latest_run(region, profession)
    return _render_run(request, run, region=region, profession=profession, regions=regions)


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    return _render_run(request, run, region=run.region_id, profession=run.profession,
                       regions=list(regions_with_communes()))


def _render_run(request: HttpRequest, run: AccessRun | None, *, region: str, profession: str,
                regions: list) -> HttpResponse:
    sort = request.GET.get("tri", "acces")
    descending = request.GET.get("ordre") == "desc"
    context = {
        "run": run, "region": region, "profession": profession, "regions": regions,
        "professions": defaults.PROFESSIONS.values(), "sort": sort, "descending": descending,
        "title": _("Accès aux soins"),
        "can_run": request.user.has_perm("insights.add_accessrun",
                                         TerritoryRef("region", region)),
        "form": RunForm(initial={"profession": profession}),
        "history": selectors.runs_for(region, profession)[:10],
    }
    if run is not None:
        departements = selectors.run_departements(run)
        departement = request.GET.get("departement", "")
        if departement not in {code for code, _name in departements}:
            departement = ""
        context["departements"] = departements
        context["departement"] = departement
        context["base_query"] = urlencode(
            {"region": region, "profession": profession}
            | ({"departement": departement} if departement else {}))
        context["page"] = Paginator(
            selectors.run_results(run, sort, descending, departement or None), 50
        ).get_page(request.GET.get("page"))
        context["provenance"] = selectors.run_provenance_lines(run)
        context["map_attribution"] = selectors.map_attribution(run)
        context["chart"] = exports.population_by_class_svg(run)
        context["transport"] = selectors.transport_signal(run, departement or None)
        context["class_rows"] = [
            (code, selectors.CLASS_LABELS[c], run.summary.get("population_by_class", {}).get(
                c.name.lower(), 0), selectors.CLASS_COLOURS[c])
            for c, code in selectors.CLASS_CODES.items()
        ]
    return render(request, "insights/dashboard.html", context)


def run_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    departement = request.GET.get("departement") or None
    response = HttpResponse(exports.run_csv(run, departement=departement),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="acces-{run.profession}-{run.region_id}-{run.pk}.csv"')
    return response


@gzip_page
def run_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    run = _run_or_404(pk)
    layer = request.GET.get("couche", "classe")
    layer = layer if layer in {"classe", "reference"} else "classe"
    # A run's results never change once stored: its layer is cached.
    stamp = run.finished_at.timestamp() if run.finished_at else 0
    data = cache.get_or_set(f"run-layer:{run.pk}:{layer}:{stamp:.0f}",
                            lambda: selectors.run_geojson(run, layer), 3600)
    response = JsonResponse(data)
    if request.GET.get("telecharger"):
        response["Content-Disposition"] = (
            f'attachment; filename="acces-{run.profession}-{run.region_id}-{run.pk}.geojson"')
    return response


def _comparison_or_redirect(request: HttpRequest):
    try:
        before = _run_or_404(int(request.GET.get("avant", "")))
        after = _run_or_404(int(request.GET.get("apres", "")))
    except ValueError as exc:
        raise Http404(_("Choisissez deux calculs à comparer.")) from exc
    try:
        return selectors.runs_compare(before, after)
    except ValueError:
        messages.error(request, _("On ne compare que deux calculs de la même région et de la "
                                  "même profession."))
        return redirect(after)


def compare(request: HttpRequest) -> HttpResponse:
    comparison = _comparison_or_redirect(request)
    if isinstance(comparison, HttpResponse):
        return comparison
    page = Paginator(comparison.rows, 50).get_page(request.GET.get("page"))
    return render(request, "insights/compare.html", {
        "comparison": comparison, "page": page, "title": _("Comparer deux calculs"),
        "pagination_query": f"avant={comparison.before.pk}&apres={comparison.after.pk}",
        "provenance_before": selectors.run_provenance_lines(comparison.before),
        "provenance_after": selectors.run_provenance_lines(comparison.after)})


def compare_csv(request: HttpRequest) -> HttpResponse:
    comparison = _comparison_or_redirect(request)
    if isinstance(comparison, HttpResponse):
        return comparison
    response = HttpResponse(exports.comparison_csv(comparison),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="comparaison-{comparison.before.pk}-{comparison.after.pk}.csv"')
    return response


def reference(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    comparison = selectors.reference_compare(run)
    page = Paginator(comparison.rows, 50).get_page(request.GET.get("page"))
    return render(request, "insights/reference.html", {
        "run": run, "comparison": comparison, "page": page,
        "provenance": selectors.run_provenance_lines(run), "pagination_query": "",
        "reference_source": selectors.reference_source_line(),
        "map_attribution": selectors.map_attribution(run, reference=True),
        "title": _("Comparaison avec l'APL publiée par la DREES")})


@login_required
@require_POST
def run_start(request: HttpRequest, region: str) -> HttpResponse:
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Paramètres invalides : %(e)s") % {
            "e": "; ".join(f"{form.fields[k].label if k in form.fields else k} : {' '.join(v)}"
                           for k, v in form.errors.items())})
        return redirect(f"{_dashboard_url()}?region={region}")
    try:
        run = services.access_run_start(actor=request.user, region=region, **form.cleaned_data)
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{_dashboard_url()}?region={region}")
    messages.info(request, _("Calcul lancé : son avancement s'affiche ci-dessous."))
    return redirect("task_status", key=run.progress.key)


def _dashboard_url() -> str:
    from django.urls import reverse

    return reverse("insights:dashboard")
