"""Reading the geography: look-ups by code, name, postal code and point; territory containment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.territories.models import Commune, Departement, Epci, Region
from maillage.territories.text import normalise_name

LEVELS = ("france", "region", "departement", "epci", "commune")


class TerritoryNotFound(LookupError):
    pass


@dataclass(frozen=True)
class TerritoryRef:
    """A territory named by its level and code, e.g. TerritoryRef("region", "76")."""

    level: str
    code: str = ""

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown territory level {self.level!r}")

    def __str__(self) -> str:
        return f"{self.level}:{self.code}" if self.code else self.level

    @classmethod
    def of(cls, obj: Region | Departement | Epci | Commune) -> TerritoryRef:
        level = {Region: "region", Departement: "departement", Epci: "epci",
                 Commune: "commune"}[type(obj)]
        return cls(level, obj.pk)


def territory_contains(outer: TerritoryRef, inner: TerritoryRef) -> bool:
    """Whether `inner` lies within `outer` (a territory contains itself)."""
    if outer.level == "france" or outer == inner:
        return True
    if inner.level == "france":
        return False
    if inner.level == "commune":
        field = {"region": "region_id", "departement": "departement_id", "epci": "epci_id"}.get(
            outer.level
        )
        return bool(field) and Commune.objects.filter(pk=inner.code, **{field: outer.code}).exists()
    if inner.level == "departement":
        return outer.level == "region" and Departement.objects.filter(
            pk=inner.code, region_id=outer.code
        ).exists()
    if inner.level == "epci":
        # An EPCI lies in a région or département when all its member communes do.
        members = Commune.objects.filter(epci_id=inner.code)
        field = {"region": "region_id", "departement": "departement_id"}.get(outer.level)
        return (
            bool(field)
            and members.exists()
            and not members.exclude(**{field: outer.code}).exists()
        )
    return False


def territory_counts() -> dict[str, int]:
    return {
        "regions": Region.objects.filter(communes__isnull=False).distinct().count(),
        "departements": Departement.objects.filter(communes__isnull=False).distinct().count(),
        "communes": Commune.objects.count(),
    }


def regions_with_communes() -> QuerySet[Region]:
    return Region.objects.annotate(commune_count=Count("communes")).filter(commune_count__gt=0)


# Only a well-formed code reaches the database (PostgreSQL refuses a NUL in a query).
_REGION_CODE = re.compile(r"^\d{2,3}$")
_DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[AB]|9[78]\d)$", re.IGNORECASE)
POSTAL_CODE = re.compile(r"^\d{5}$")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)


def region_get(code: str) -> Region:
    region = Region.objects.filter(pk=code).first() if _REGION_CODE.match(code) else None
    if region is None:
        raise TerritoryNotFound(_("Région inconnue : %(code)s") % {"code": code})
    return region


def departement_get(code: str) -> Departement:
    departement = (
        Departement.objects.select_related("region").filter(pk=code.upper()).first()
        if _DEPARTEMENT_CODE.match(code) else None
    )
    if departement is None:
        raise TerritoryNotFound(_("Département inconnu : %(code)s") % {"code": code})
    return departement


def commune_get(code: str) -> Commune:
    commune = (
        Commune.objects.select_related("departement", "region", "epci")
        .prefetch_related("postal_codes")
        .filter(pk=code.upper())
        .first()
    ) if INSEE_CODE.match(code) else None
    if commune is None:
        raise TerritoryNotFound(_("Commune inconnue : %(code)s") % {"code": code})
    return commune


def commune_search(query: str, *, region: str | None = None, limit: int = 20) -> list[Commune]:
    """Communes matching a name (accent-, case- and Saint/St-insensitive) or a postal/INSEE code.

    Exact and prefix matches of the name come first, then larger communes.
    """
    query = query.strip()
    if not query:
        return []
    if region and not _REGION_CODE.match(region):
        return []
    base = Commune.objects.select_related("departement")
    if region:
        base = base.filter(region_id=region)
    if POSTAL_CODE.match(query) or INSEE_CODE.match(query):
        found = base.filter(Q(postal_codes__code=query) | Q(pk=query.upper())).distinct()
        return list(found.order_by("-population", "name")[:limit])
    needle = normalise_name(query)
    if not needle:
        return []
    candidates = list(
        base.filter(search_name__contains=needle).order_by("-population")[: limit * 10]
    )

    def rank(commune: Commune) -> tuple[int, int]:
        name = commune.search_name
        closeness = 0 if name == needle else 1 if name.startswith(needle) else 2
        return closeness, -(commune.population or 0)

    return sorted(candidates, key=rank)[:limit]


def communes_at_point(latitude: float, longitude: float, *, region: str | None = None
                      ) -> Commune | None:
    """The commune whose boundary contains the point, else the nearest centre within ~10 km."""
    index = _boundary_index(region or "")
    from shapely import Point

    point = Point(longitude, latitude)
    if index.tree is not None:
        for position in index.tree.query(point, predicate="intersects"):
            return Commune.objects.select_related("departement").get(pk=index.codes[position])
    nearest = None
    best = 0.1**2  # about 10 km in degrees², a fallback where boundaries are missing
    for code, lat, lon in index.centres:
        distance = (lat - latitude) ** 2 + (lon - longitude) ** 2
        if distance < best:
            nearest, best = code, distance
    return Commune.objects.select_related("departement").get(pk=nearest) if nearest else None


@dataclass(frozen=True)
class _BoundaryIndex:
    tree: object | None
    codes: list[str]
    centres: list[tuple[str, float, float]]


@lru_cache(maxsize=8)
def _boundary_index(region: str) -> _BoundaryIndex:
    """An STRtree over the loaded boundaries (built once per process and région)."""
    from shapely import STRtree
    from shapely.geometry import shape

    communes = Commune.objects.all()
    if region:
        communes = communes.filter(region_id=region)
    codes, shapes, centres = [], [], []
    for code, boundary, lat, lon in communes.values_list(
        "code", "boundary", "latitude", "longitude"
    ):
        if boundary:
            codes.append(code)
            shapes.append(shape(boundary))
        if lat is not None and lon is not None:
            centres.append((code, lat, lon))
    return _BoundaryIndex(STRtree(shapes) if shapes else None, codes, centres)


def boundary_index_clear() -> None:
    """Forget the cached index (after an import)."""
    _boundary_index.cache_clear()


def communes_geojson(communes: QuerySet[Commune]) -> dict[str, object]:
    """A FeatureCollection of the communes' boundaries, or their centres where none."""
    features = []
    for code, name, population, boundary, lat, lon in communes.values_list(
        "code", "name", "population", "map_boundary", "latitude", "longitude"
    ):
        geometry = boundary or (
            {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
        )
        if geometry is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": geometry,
            "properties": {"code": code, "name": name, "population": population,
                           "url": reverse("territories:commune", args=[code])},
        })
    return {"type": "FeatureCollection", "features": features}
