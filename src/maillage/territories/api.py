"""HTTP API of the territories app (Django Ninja)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.territories import selectors
from maillage.territories.models import Commune
from maillage.territories.services import territory_import_start

router = Router(tags=["territoires"])


class RegionOut(Schema):
    code: str
    name: str


class DepartementOut(Schema):
    code: str
    name: str
    region: str = Field(alias="region_id")


class CommuneSummaryOut(Schema):
    code: str
    name: str
    departement: str = Field(alias="departement_id")
    population: int | None


class CommuneOut(CommuneSummaryOut):
    region: str = Field(alias="region_id")
    epci: str | None = Field(alias="epci_id")
    postal_codes: list[str]
    latitude: float | None
    longitude: float | None
    population_by_age: dict[str, int] | None

    @staticmethod
    def resolve_postal_codes(obj: Commune) -> list[str]:
        return [pc.code for pc in obj.postal_codes.all()]


def _found(getter, code: str):
    try:
        return getter(code)
    except selectors.TerritoryNotFound as exc:
        raise HttpError(404, str(exc)) from exc


class ImportIn(Schema):
    region: str | None = Field(None, max_length=3, description="code INSEE ; vide = France")


class ImportOut(Schema):
    key: str
    title: str
    state: str


@router.post("/imports", response={202: ImportOut}, auth=django_auth,
             summary="Importer une région (ou la France) en tâche de fond ; administrateurs")
def start_import(request: HttpRequest, payload: ImportIn):
    progress = territory_import_start(actor=request.user, region=payload.region)
    return 202, {"key": str(progress.key), "title": progress.title, "state": progress.state}


@router.get("/regions", response=list[RegionOut], summary="Régions chargées")
def list_regions(request: HttpRequest):
    return list(selectors.regions_with_communes())


@router.get("/regions/{code}", response=RegionOut)
def get_region(request: HttpRequest, code: str):
    return _found(selectors.region_get, code)


@router.get("/regions/{code}/departements", response=list[DepartementOut])
def list_departements(request: HttpRequest, code: str):
    region = _found(selectors.region_get, code)
    return list(region.departements.filter(communes__isnull=False).distinct())


@router.get("/departements/{code}", response=DepartementOut)
def get_departement(request: HttpRequest, code: str):
    return _found(selectors.departement_get, code)


@router.get("/departements/{code}/communes", response=list[CommuneSummaryOut])
def list_communes(request: HttpRequest, code: str):
    departement = _found(selectors.departement_get, code)
    return list(departement.communes.order_by("name"))


@router.get("/departements/{code}/communes.geojson", url_name="departement_geojson",
            summary="Contours (ou centres) des communes d'un département, en GeoJSON")
def departement_geojson(request: HttpRequest, code: str) -> dict[str, object]:
    departement = _found(selectors.departement_get, code)
    return selectors.communes_geojson(departement.communes.all())


@router.get("/communes/search", response=list[CommuneSummaryOut],
            summary="Recherche par nom (sans accents ni casse, « st » = « saint »), "
                    "code postal ou code INSEE")
def search_communes(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=100),
    region: str | None = Query(None, max_length=3),
    limit: int = Query(20, ge=1, le=100),
):
    return selectors.commune_search(q, region=region, limit=limit)


@router.get("/communes/at", response=CommuneOut, summary="Commune contenant un point (WGS84)")
def commune_at(request: HttpRequest, lat: float = Query(..., ge=-90, le=90),
               lon: float = Query(..., ge=-180, le=180)):
    found = selectors.communes_at_point(lat, lon)
    if found is None:
        raise HttpError(404, "Aucune commune chargée à cet endroit.")
    return selectors.commune_get(found.code)


@router.get("/communes/{code}", response=CommuneOut)
def get_commune(request: HttpRequest, code: str):
    return _found(selectors.commune_get, code)
