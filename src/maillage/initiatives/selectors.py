"""Reads of initiatives, with the same rights as the writes.

Distances are great-circle distances between commune centroids (INSEE/IGN): an initiative is
placed at its commune's centroid, never at a street address.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from maillage.initiatives.models import (
    Initiative,
    InitiativeFollow,
    Reaction,
    ReactionKind,
    Testimony,
    TestimonyStatus,
)
from maillage.participation.selectors import public_name
from maillage.territories.models import Commune
from maillage.territories.selectors import TerritoryRef

EARTH_RADIUS_KM = 6371.0
ACCESS_RADIUS_KM = 15.0
ACCESS_PROFESSION = "generaliste"


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def within(territory: TerritoryRef) -> Q:
    field = {"region": "commune__region_id", "departement": "commune__departement_id",
             "commune": "commune_id"}[territory.level]
    return Q(**{field: territory.code})


# Directory ---------------------------------------------------------------------------------------

def _listed() -> QuerySet[Initiative]:
    return (Initiative.objects.filter(hidden_at__isnull=True, archived_at__isnull=True)
            .select_related("commune", "commune__departement"))


def initiative_list(*, viewer: Any, territory: TerritoryRef | None = None, kind: str = "",
                    theme: str = "", population: str = "", query: str = "") -> list[Initiative]:
    """Active, visible initiatives matching every given filter, by name."""
    found = _listed()
    if territory is not None:
        found = found.filter(within(territory))
    if kind:
        found = found.filter(kind=kind)
    if theme:
        found = found.filter(theme=theme)
    if population:
        found = found.filter(population=population)
    for word in query.split()[:8]:
        found = found.filter(Q(title__icontains=word) | Q(summary__icontains=word)
                             | Q(run_by__icontains=word) | Q(commune__name__icontains=word))
    # The exports and the API give each initiative's declared results: one query for all.
    return list(found.prefetch_related("results"))


def initiative_get(*, viewer: Any, pk: int) -> Initiative | None:
    found = (Initiative.objects.select_related("commune", "commune__departement",
                                               "commune__region")
             .prefetch_related("results", "owners").filter(pk=pk).first())
    if found is None or not viewer.has_perm("initiatives.view_initiative", found):
        return None
    return found


def initiatives_geojson(initiatives: list[Initiative]) -> dict[str, Any]:
    """Points at commune centroids, drawn by the shared map script (popup links to the page)."""
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point",
                     "coordinates": [i.commune.longitude, i.commune.latitude]},
        "properties": {"name": i.title, "code": f"{i.get_kind_display()}, {i.commune.name}",
                       "url": i.get_absolute_url()},
    } for i in initiatives if i.commune.latitude is not None and i.commune.longitude is not None]
    return {"type": "FeatureCollection", "features": features}


def is_owner(*, viewer: Any, initiative: Initiative) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and initiative.owners.filter(
        pk=viewer.pk).exists()


# Testimonies, reactions, follows ----------------------------------------------------------------

@dataclass(frozen=True)
class TestimonyRow:
    testimony: Testimony
    author_label: str


def author_label(testimony: Testimony) -> str:
    """The name the author chose to show, or "Anonyme"."""
    if testimony.show_name and testimony.author is not None:
        return public_name(testimony.author)
    return _("Anonyme")


def testimonies_of(*, viewer: Any, initiative: Initiative) -> list[TestimonyRow]:
    """Published testimonies, and the viewer's own ones still waiting or refused."""
    mine = Q(author=viewer) if getattr(viewer, "is_authenticated", False) else Q(pk__in=[])
    found = (initiative.testimonies.select_related("author", "initiative")
             .filter(Q(status=TestimonyStatus.PUBLISHED, hidden_at__isnull=True) | mine))
    return [TestimonyRow(t, author_label(t)) for t in found
            if viewer.has_perm("initiatives.view_testimony", t)]


def testimony_get(*, viewer: Any, pk: int) -> Testimony | None:
    found = Testimony.objects.select_related("initiative", "author").filter(pk=pk).first()
    if found is None or not viewer.has_perm("initiatives.view_testimony", found):
        return None
    return found


def pending_testimonies(*, viewer: Any) -> list[Testimony]:
    if not getattr(viewer, "is_authenticated", False):
        return []
    return [t for t in Testimony.objects.filter(status=TestimonyStatus.PENDING)
            .select_related("initiative", "initiative__commune", "author")
            .order_by("created_at", "pk")
            if viewer.has_perm("initiatives.moderate_testimony", t)]


def reaction_counts(initiative: Initiative) -> dict[str, int]:
    counts = Counter(Reaction.objects.filter(initiative=initiative)
                     .values_list("kind", flat=True))
    return {kind: counts.get(kind, 0) for kind in ReactionKind.values}


def reactions_of(*, viewer: Any, initiative: Initiative) -> set[str]:
    if not getattr(viewer, "is_authenticated", False):
        return set()
    return set(Reaction.objects.filter(initiative=initiative, user=viewer)
               .values_list("kind", flat=True))


def is_following(*, viewer: Any, initiative: Initiative) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and InitiativeFollow.objects.filter(
        initiative=initiative, user=viewer).exists()


# "Who has solved this before?" --------------------------------------------------------------

@dataclass(frozen=True)
class Nearby:
    initiative: Initiative
    distance_km: float


def nearest_initiatives(*, viewer: Any, commune: Commune, kind: str = "", limit: int = 5
                        ) -> list[Nearby]:
    """The nearest active initiatives (of a type) in other communes, nearest first."""
    if commune.latitude is None or commune.longitude is None:
        return []
    found = _listed().exclude(commune=commune).filter(commune__latitude__isnull=False,
                                                      commune__longitude__isnull=False)
    if kind:
        found = found.filter(kind=kind)
    hits = [Nearby(i, km_between(commune.latitude, commune.longitude,
                                 i.commune.latitude, i.commune.longitude)) for i in found]
    hits.sort(key=lambda h: (h.distance_km, h.initiative.title, h.initiative.pk))
    hits = hits[:limit]
    prefetch_related_objects([h.initiative for h in hits], "results")
    return hits


def present_in(*, commune: Commune, kind: str = "") -> list[Initiative]:
    found = _listed().filter(commune=commune)
    return list(found.filter(kind=kind) if kind else found)


# Access change around an initiative -----------------------------------------------------------

@dataclass(frozen=True)
class CommuneChange:
    code: str
    name: str
    distance_km: float
    before: float
    after: float
    delta: float
    population: float


@dataclass(frozen=True)
class AccessChange:
    profession: str
    radius_km: float
    before: Any = None
    after: Any = None
    rows: tuple[CommuneChange, ...] = ()
    mean_delta: float | None = None
    reason: str = ""

    @property
    def computed(self) -> bool:
        return self.mean_delta is not None


def _finished(run: Any) -> datetime:
    return run.finished_at or run.created_at


def access_change_around(initiative: Initiative, *, radius_km: float = ACCESS_RADIUS_KM,
                         profession: str = ACCESS_PROFESSION) -> AccessChange:
    """APL before and after the initiative began, in the communes within `radius_km`.

    "Before" is the latest successful access run of the région finished before the start date,
    "after" the latest one of the same method finished since; the mean change is weighted by
    population. This is a change observed around the initiative, not an effect attributed to it:
    other openings and closures count too (said on the page).
    """
    from maillage.insights.models import AccessRun
    from maillage.insights.selectors import runs_compare, runs_for

    change = AccessChange(profession, radius_km)
    commune = initiative.commune
    if initiative.started_on is None:
        return AccessChange(profession, radius_km,
                            reason=_("la date de début de l'initiative n'est pas connue."))
    if commune.latitude is None or commune.longitude is None:
        return AccessChange(profession, radius_km,
                            reason=_("la commune n'a pas de coordonnées."))
    runs = [r for r in runs_for(commune.region_id, profession)
            if r.state == AccessRun.State.SUCCEEDED]
    before = max((r for r in runs if _finished(r).date() < initiative.started_on),
                 key=_finished, default=None)
    if before is None:
        return AccessChange(profession, radius_km, reason=_(
            "aucun calcul d'accessibilité de la région n'est antérieur au début de "
            "l'initiative (%(d)s).") % {"d": initiative.started_on.strftime("%d/%m/%Y")})
    after = max((r for r in runs if r.method == before.method
                 and _finished(r).date() >= initiative.started_on),
                key=_finished, default=None)
    if after is None:
        return AccessChange(profession, radius_km, before=before, reason=_(
            "aucun calcul d'accessibilité de la région n'a été fait depuis son début."))
    comparison = runs_compare(before, after)
    places = {c["code"]: c for c in Commune.objects.filter(
        pk__in=[r.code for r in comparison.rows], latitude__isnull=False,
        longitude__isnull=False).values("code", "latitude", "longitude")}
    rows = []
    for row in comparison.rows:
        place = places.get(row.code)
        if place is None:
            continue
        distance = km_between(commune.latitude, commune.longitude, place["latitude"],
                              place["longitude"])
        if distance <= radius_km:
            rows.append(CommuneChange(row.code, row.name, round(distance, 1), row.before,
                                      row.after, row.delta, row.population))
    rows.sort(key=lambda r: (r.distance_km, r.code))
    weight = sum(r.population for r in rows)
    if not rows or weight <= 0:
        return AccessChange(profession, radius_km, before=before, after=after, reason=_(
            "aucune commune peuplée à moins de %(r)s km dans les deux calculs.")
            % {"r": radius_km})
    mean = sum(r.delta * r.population for r in rows) / weight
    return AccessChange(change.profession, radius_km, before, after, tuple(rows), mean)


# Feeds and exports ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedItem:
    title: str
    description: str
    url: str
    published: datetime
    kind: str


def feed_items(territory: TerritoryRef, limit: int = 50) -> list[FeedItem]:
    """New initiatives and published testimonies in the territory, newest first."""
    items = [FeedItem(i.title, i.summary, i.get_absolute_url(), i.created_at, "initiative")
             for i in _listed().filter(within(territory)).order_by("-created_at")[:limit]]
    testimonies = (Testimony.objects.filter(status=TestimonyStatus.PUBLISHED,
                                            hidden_at__isnull=True,
                                            initiative__hidden_at__isnull=True)
                   .filter(**{f"initiative__{k}": v
                              for k, v in within(territory).children})
                   .select_related("initiative", "author").order_by("-moderated_at")[:limit])
    items += [FeedItem(_("Témoignage : %(t)s") % {"t": t.initiative.title},
                       f"{author_label(t)} — {t.body}", t.get_absolute_url(),
                       t.moderated_at or t.created_at, "testimony") for t in testimonies]
    items.sort(key=lambda i: i.published, reverse=True)
    return items[:limit]


def territory_found(level: str, code: str) -> tuple[TerritoryRef, str] | None:
    """The territory a feed's URL names, with its name; None for an unknown level or code."""
    if level not in ("region", "departement", "commune"):
        return None
    territory = TerritoryRef(level, code[:9])
    name = territory_name(territory)
    return None if name is None else (territory, name)


def territory_name(territory: TerritoryRef) -> str | None:
    from maillage.territories.selectors import (
        TerritoryNotFound,
        commune_get,
        departement_get,
        region_get,
    )

    getter = {"region": region_get, "departement": departement_get,
              "commune": commune_get}.get(territory.level)
    if getter is None:
        return None
    try:
        return getter(territory.code).name
    except TerritoryNotFound:
        return None
