from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.territories import selectors
from maillage.territories.models import AGE_BANDS, DataSource, Region
from maillage.territories.services import territory_import_start


def _get_or_404(getter, code: str):
    try:
        return getter(code)
    except selectors.TerritoryNotFound as exc:
        raise Http404(str(exc)) from exc


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "territories/index.html", {
        "regions": selectors.regions_with_communes(), "title": _("Territoires"),
    })


def region(request: HttpRequest, code: str) -> HttpResponse:
    region = _get_or_404(selectors.region_get, code)
    departements = region.departements.filter(communes__isnull=False).distinct()
    outlines = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": d.boundary,
         "properties": {"code": d.code, "name": d.name, "url": d.get_absolute_url()}}
        for d in departements if d.boundary]}
    return render(request, "territories/region.html", {
        "region": region, "departements": departements, "title": region.name,
        "outlines": outlines,
        "sources": DataSource.objects.filter(scope__in=[f"region:{code}", "france"]),
    })


def departement(request: HttpRequest, code: str) -> HttpResponse:
    departement = _get_or_404(selectors.departement_get, code)
    communes = departement.communes.order_by("name")
    page = Paginator(communes, 100).get_page(request.GET.get("page"))
    return render(request, "territories/departement.html", {
        "departement": departement, "page": page, "title": departement.name,
        "geojson_url": reverse("api:departement_geojson", args=[departement.code]),
    })


def commune(request: HttpRequest, code: str) -> HttpResponse:
    commune = _get_or_404(selectors.commune_get, code)
    bands = (
        [(band, commune.population_by_age.get(band, 0)) for band in AGE_BANDS]
        if commune.population_by_age else []
    )
    geometry = commune.boundary or (
        {"type": "Point", "coordinates": [commune.longitude, commune.latitude]}
        if commune.latitude is not None else None)
    feature = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry,
         "properties": {"code": commune.code, "name": commune.name}}] if geometry else []}
    return render(request, "territories/commune.html", {
        "commune": commune, "bands": bands, "title": commune.name,
        "feature": feature,
    })


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """Administrators (re)load a région's geography from the official files, as a task."""
    if request.method == "POST":
        region = request.POST.get("region", "").strip() or None
        try:
            progress = territory_import_start(actor=request.user, region=region)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("task_status", key=progress.key)
    return render(request, "territories/import.html", {
        "regions": Region.objects.order_by("name"), "title": _("Importer des territoires"),
    })


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.commune_search(query) if query else []
    if len(results) == 1 and not request.htmx:
        return redirect(results[0])
    template = "territories/_search_results.html" if request.htmx else "territories/search.html"
    return render(request, template, {"query": query, "results": results,
                                      "title": _("Rechercher une commune")})


def at_point(request: HttpRequest) -> HttpResponse:
    try:
        latitude = float(request.GET["lat"])
        longitude = float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"detail": _("Paramètres lat et lon numériques requis.")},
                            status=400)
    found = selectors.communes_at_point(latitude, longitude)
    if found is None:
        raise Http404(_("Aucune commune chargée à cet endroit."))
    return redirect(found)
