"""HTTP API of the insights app: access runs, results, layers, comparisons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.insights import exports, selectors, services
from maillage.insights.models import AccessRun, Method

router = Router(tags=["accès aux soins"])


class RunOut(Schema):
    id: int
    region: str
    profession: str
    method: str
    label: str
    state: str
    error: str
    unit: str
    parameters: dict[str, Any]
    provenance: dict[str, Any]
    summary: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_region(obj: AccessRun) -> str:
        return obj.region_id


class ResultOut(Schema):
    code_insee: str
    commune: str
    accessibility: float
    desert_class: str
    population: float
    standardised_population: float
    share_75_plus: float | None
    nearest_km: float | None
    nearest_minutes: float | None
    supply: float


class RunIn(Schema):
    region: str
    profession: str
    method: Method = Method.APL
    speed_kmh: float | None = None
    label: str = ""


class ReferenceRowOut(Schema):
    code_insee: str
    commune: str
    maillage: float
    drees: float
    difference: float


class ReferenceOut(Schema):
    year: int | None
    communes: int
    spearman: float | None
    mean_absolute_error: float | None
    class_agreement: float | None
    rows: list[ReferenceRowOut]


class ComparisonOut(Schema):
    before: int
    after: int
    mean_delta: float
    population_lifted_out_of_priority: float
    population_fallen_into_priority: float
    communes: list[dict[str, Any]]


def _run(pk: int) -> AccessRun:
    run = selectors.run_get(pk)
    if run is None:
        raise HttpError(404, "Calcul inconnu.")
    return run


@router.get("/runs", response=list[RunOut], summary="Calculs d'une région (les plus récents)")
def list_runs(request: HttpRequest, region: str = Query(..., max_length=3),
              profession: str | None = Query(None, max_length=40)):
    return list(selectors.runs_for(region, profession)[:50])


@router.get("/runs/latest", response=RunOut, summary="Dernier calcul réussi")
def latest(request: HttpRequest, region: str = Query(..., max_length=3),
           profession: str = Query("generaliste", max_length=40)):
    run = selectors.latest_run(region, profession)
    if run is None:
        raise HttpError(404, "Aucun calcul réussi pour cette région et cette profession.")
    return run


@router.post("/runs", response={202: RunOut}, auth=django_auth,
             summary="Lancer un calcul (tâche de fond ; analystes de la région)")
def start_run(request: HttpRequest, payload: RunIn):
    return Status(202, services.access_run_start(actor=request.user, **payload.dict()))


@router.get("/runs/{pk}", response=RunOut)
def get_run(request: HttpRequest, pk: int):
    return _run(pk)


@router.get("/runs/{pk}/results", response=list[ResultOut],
            summary="Résultats par commune (triés, paginés)")
def results(request: HttpRequest, pk: int,
            sort: str = Query("acces",
                              pattern="^(nom|code|acces|classe|population|ages|distance)$"),
            descending: bool = False, offset: int = Query(0, ge=0),
            limit: int = Query(100, ge=1, le=1000),
            departement: str | None = Query(None, max_length=3,
                                            description="communes d'un département seulement")):
    run = _run(pk)
    rows = selectors.run_results(run, sort, descending, departement)[offset:offset + limit]
    return [
        {"code_insee": r.commune_id, "commune": r.commune.name,
         "accessibility": r.accessibility, "desert_class": selectors.class_code(r.desert_class),
         "population": r.population, "standardised_population": r.standardised_population,
         "share_75_plus": r.share_75_plus, "nearest_km": r.nearest_km,
         "nearest_minutes": r.nearest_minutes, "supply": r.supply}
        for r in rows
    ]


@router.get("/runs/{pk}/results.csv", summary="Résultats en CSV")
def results_csv(request: HttpRequest, pk: int,
                departement: str | None = Query(None, max_length=3)) -> HttpResponse:
    return HttpResponse(exports.run_csv(_run(pk), departement=departement),
                        content_type="text/csv; charset=utf-8")


@router.get("/runs/{pk}/layer.geojson", summary="Couche cartographique (GeoJSON)")
def layer(request: HttpRequest, pk: int,
          layer: str = Query("classe", pattern="^(classe|reference)$")) -> dict[str, Any]:
    return selectors.run_geojson(_run(pk), layer)


@router.get("/runs/{pk}/reference", response=ReferenceOut,
            summary="Comparaison avec l'APL publiée par la DREES")
def reference(request: HttpRequest, pk: int, offset: int = Query(0, ge=0),
              limit: int = Query(100, ge=1, le=1000)):
    comparison = selectors.reference_compare(_run(pk))
    return {
        "year": comparison.year, "communes": comparison.communes,
        "spearman": comparison.spearman,
        "mean_absolute_error": comparison.mean_absolute_error,
        "class_agreement": comparison.class_agreement,
        "rows": [
            {"code_insee": code, "commune": name, "maillage": computed, "drees": drees,
             "difference": difference}
            for code, name, computed, drees, difference in
            comparison.rows[offset:offset + limit]
        ],
    }


def _comparison(before: int, after: int) -> selectors.Comparison:
    try:
        return selectors.runs_compare(_run(before), _run(after))
    except ValueError as exc:
        raise HttpError(400, "Les deux calculs doivent porter sur la même région et la même "
                             "profession.") from exc


@router.get("/compare.csv", summary="Avant / après entre deux calculs, en CSV")
def compare_csv(request: HttpRequest, before: int, after: int) -> HttpResponse:
    return HttpResponse(exports.comparison_csv(_comparison(before, after)),
                        content_type="text/csv; charset=utf-8")


@router.get("/compare", response=ComparisonOut, summary="Avant / après entre deux calculs")
def compare(request: HttpRequest, before: int, after: int) -> dict[str, Any]:
    comparison = _comparison(before, after)
    return {
        "before": before, "after": after, "mean_delta": comparison.mean_delta,
        "population_lifted_out_of_priority": comparison.population_lifted_out_of_priority,
        "population_fallen_into_priority": comparison.population_fallen_into_priority,
        "communes": [r.__dict__ for r in comparison.rows],
    }
