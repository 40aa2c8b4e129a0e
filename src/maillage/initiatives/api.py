"""The initiatives API: what the pages do (directory, initiative, testimonies, reactions,
follows, moderation, "who has solved this before?", open data)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth
from pydantic import Field

from maillage.initiatives import exports, selectors, services
from maillage.initiatives.models import (
    Initiative,
    InitiativeKind,
    Population,
    ReactionKind,
    Testimony,
    Theme,
)
from maillage.participation.api.common import ErrorOut, field_errors
from maillage.territories.models import Commune
from maillage.territories.selectors import TerritoryRef

router = Router(tags=["initiatives"])


class ResultOut(Schema):
    label: str
    value: float
    unit: str
    year: int | None


class InitiativeOut(Schema):
    id: int
    title: str
    kind: str
    theme: str
    population: str
    summary: str
    commune: str
    commune_name: str
    run_by: str
    started_on: date | None
    contact: str
    how_to_join: str
    lessons: str
    results: list[ResultOut]
    source_app: str
    source_id: str
    is_demo: bool
    archived: bool
    hidden: bool
    url: str


class CommuneChangeOut(Schema):
    code: str
    name: str
    distance_km: float
    before: float
    after: float
    delta: float
    population: float


class AccessChangeOut(Schema):
    computed: bool
    profession: str
    radius_km: float
    mean_delta: float | None
    before_run: int | None
    after_run: int | None
    reason: str
    communes: list[CommuneChangeOut]


class TestimonyOut(Schema):
    id: int
    author: str
    body: str
    status: str
    photo_url: str | None
    photo_description: str
    created_at: datetime


class ModerationEventOut(Schema):
    action: str
    reason: str
    created_at: datetime


class InitiativeDetailOut(InitiativeOut):
    access_change: AccessChangeOut
    testimonies: list[TestimonyOut]
    reactions: dict[str, int]
    my_reactions: list[str]
    following: bool
    can_edit: bool
    can_testify: bool
    can_react: bool
    can_follow: bool
    can_moderate: bool
    moderation_history: list[ModerationEventOut] = Field(
        description="Décisions de modération (visibles des modérateurs du territoire seulement)")


def _out(initiative: Initiative) -> dict[str, Any]:
    return {"id": initiative.pk, "title": initiative.title, "kind": initiative.kind,
            "theme": initiative.theme, "population": initiative.population,
            "summary": initiative.summary, "commune": initiative.commune_id,
            "commune_name": initiative.commune.name, "run_by": initiative.run_by,
            "started_on": initiative.started_on, "contact": initiative.contact,
            "how_to_join": initiative.how_to_join, "lessons": initiative.lessons,
            "results": [{"label": r.label, "value": float(r.value), "unit": r.unit,
                         "year": r.year} for r in initiative.results.all()],
            "source_app": initiative.source_app, "source_id": initiative.source_id,
            "is_demo": initiative.is_demo, "archived": initiative.archived_at is not None,
            "hidden": initiative.hidden_at is not None, "url": initiative.get_absolute_url()}


def _testimony_out(testimony: Testimony, label: str) -> dict[str, Any]:
    from django.urls import reverse

    return {"id": testimony.pk, "author": label, "body": testimony.body,
            "status": testimony.status,
            "photo_url": reverse("initiatives:testimony_photo", args=[testimony.pk])
            if testimony.photo else None,
            "photo_description": testimony.photo_description,
            "created_at": testimony.created_at}


def _detail(request: HttpRequest, initiative: Initiative) -> dict[str, Any]:
    """What the initiative's page shows, with the same rights (checked on the object)."""
    from maillage.participation.selectors import moderation_history

    user = request.user
    access = selectors.access_change_around(initiative)
    can_moderate = user.has_perm("initiatives.moderate_initiative", initiative)
    return _out(initiative) | {
        "access_change": {
            "computed": access.computed, "profession": access.profession,
            "radius_km": access.radius_km, "mean_delta": access.mean_delta,
            "before_run": access.before.pk if access.before else None,
            "after_run": access.after.pk if access.after else None, "reason": access.reason,
            "communes": [vars(r) for r in access.rows]},
        "testimonies": [_testimony_out(r.testimony, r.author_label)
                        for r in selectors.testimonies_of(viewer=request.user,
                                                          initiative=initiative)],
        "reactions": selectors.reaction_counts(initiative),
        "my_reactions": sorted(selectors.reactions_of(viewer=user, initiative=initiative)),
        "following": selectors.is_following(viewer=user, initiative=initiative),
        "can_edit": user.has_perm("initiatives.change_initiative", initiative),
        "can_testify": user.has_perm("initiatives.add_testimony", initiative),
        "can_react": user.has_perm("initiatives.react_initiative", initiative),
        "can_follow": user.has_perm("initiatives.follow_initiative", initiative),
        "can_moderate": can_moderate,
        "moderation_history": [
            {"action": e.action, "reason": e.reason, "created_at": e.created_at}
            for e in (moderation_history(initiative) if can_moderate else [])],
    }


def _initiative(request: HttpRequest, pk: int) -> Initiative:
    found = selectors.initiative_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404("Initiative introuvable.")
    return found


class DirectoryQuery(Schema):
    region: str | None = Field(None, max_length=3)
    departement: str | None = Field(None, max_length=3)
    commune: str | None = Field(None, max_length=5)
    kind: InitiativeKind | None = None
    theme: Theme | None = None
    population: Population | None = None
    q: str = Field("", max_length=200)


def _arguments(filters: DirectoryQuery) -> dict[str, Any]:
    territory = None
    if filters.commune:
        territory = TerritoryRef("commune", filters.commune.upper())
    elif filters.departement:
        territory = TerritoryRef("departement", filters.departement.upper())
    elif filters.region:
        territory = TerritoryRef("region", filters.region)
    return {"territory": territory, "kind": filters.kind.value if filters.kind else "",
            "theme": filters.theme.value if filters.theme else "",
            "population": filters.population.value if filters.population else "",
            "query": filters.q}


@router.get("", response=list[InitiativeOut], summary="Annuaire filtré")
def directory(request: HttpRequest, filters: Query[DirectoryQuery]):
    return [_out(i) for i in selectors.initiative_list(viewer=request.user,
                                                       **_arguments(filters))]


@router.get("/map", summary="Carte de l'annuaire filtré (GeoJSON, centroïdes des communes)")
def directory_map(request: HttpRequest, filters: Query[DirectoryQuery]):
    return selectors.initiatives_geojson(
        selectors.initiative_list(viewer=request.user, **_arguments(filters)))


@router.get("/export.csv", summary="Annuaire filtré en CSV",
            openapi_extra={"responses": {200: {"description": "CSV (UTF-8)",
                                               "content": {"text/csv": {}}}}})
def directory_csv(request: HttpRequest, filters: Query[DirectoryQuery]):
    found = selectors.initiative_list(viewer=request.user, **_arguments(filters))
    response = HttpResponse(exports.directory_csv(found, request.build_absolute_uri("/")[:-1]),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


@router.get("/open-data", summary="Annuaire en données ouvertes (Licence Ouverte / Etalab 2.0)")
def open_data(request: HttpRequest, filters: Query[DirectoryQuery]):
    found = selectors.initiative_list(viewer=request.user, **_arguments(filters))
    return exports.directory_open_data(found, request.build_absolute_uri("/")[:-1])


class InitiativeIn(Schema):
    title: str = Field(max_length=200)
    kind: InitiativeKind
    theme: Theme
    population: Population = Population.ALL
    summary: str = Field(max_length=5000)
    commune: str = Field(max_length=5)
    run_by: str = Field(max_length=200)
    started_on: date | None = None
    contact: str = Field("", max_length=300)
    how_to_join: str = Field("", max_length=2000)
    lessons: str = Field("", max_length=5000)
    results: str = Field("", max_length=6000,
                         description="Lignes « indicateur ; valeur ; unité ; année »")


def _values(payload: Schema, *, exclude_unset: bool = False) -> dict[str, Any]:
    data = payload.dict(exclude_unset=exclude_unset)
    for name in ("kind", "theme", "population"):
        if data.get(name) is not None:
            data[name] = str(getattr(data[name], "value", data[name]))
    return data


@router.post("", response={201: InitiativeOut, 400: ErrorOut, 403: ErrorOut},
             auth=django_auth, summary="Décrire une initiative (vous en devenez responsable)")
@field_errors
def create(request: HttpRequest, payload: InitiativeIn):
    initiative = services.initiative_create(actor=request.user, **_values(payload))
    return Status(201, _out(initiative))


@router.get("/{int:pk}", response={200: InitiativeDetailOut, 404: ErrorOut},
            summary="Une initiative : résultats, accès autour, témoignages, réactions")
def detail(request: HttpRequest, pk: int):
    return _detail(request, _initiative(request, pk))


class InitiativePatch(Schema):
    title: str | None = Field(None, max_length=200)
    kind: InitiativeKind | None = None
    theme: Theme | None = None
    population: Population | None = None
    summary: str | None = Field(None, max_length=5000)
    commune: str | None = Field(None, max_length=5)
    run_by: str | None = Field(None, max_length=200)
    started_on: date | None = None
    contact: str | None = Field(None, max_length=300)
    how_to_join: str | None = Field(None, max_length=2000)
    lessons: str | None = Field(None, max_length=5000)
    results: str | None = Field(None, max_length=6000)


@router.patch("/{int:pk}",
              response={200: InitiativeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
              auth=django_auth, summary="Modifier (responsables seulement)")
@field_errors
def update(request: HttpRequest, pk: int, payload: InitiativePatch):
    initiative = services.initiative_update(actor=request.user,
                                            initiative=_initiative(request, pk),
                                            **_values(payload, exclude_unset=True))
    return _out(initiative)


class OwnerIn(Schema):
    email: str = Field(max_length=254)


@router.post("/{int:pk}/owners",
             response={200: InitiativeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             auth=django_auth, summary="Ajouter un·e responsable")
@field_errors
def add_owner(request: HttpRequest, pk: int, payload: OwnerIn):
    initiative = _initiative(request, pk)
    services.initiative_owner_add(actor=request.user, initiative=initiative,
                                  email=payload.email)
    return _out(initiative)


class HideIn(Schema):
    hide: bool = True
    reason: str = Field(max_length=2000)


@router.post("/{int:pk}/moderation",
             response={200: InitiativeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             auth=django_auth, summary="Masquer ou rétablir (modérateurs du territoire)")
@field_errors
def moderate_initiative(request: HttpRequest, pk: int, payload: HideIn):
    service = services.initiative_hide if payload.hide else services.initiative_restore
    return _out(service(actor=request.user, initiative=_initiative(request, pk),
                        reason=payload.reason))


@router.get("/{int:pk}/testimonies", response={200: list[TestimonyOut], 404: ErrorOut},
            summary="Témoignages publiés (et les vôtres en attente)")
def testimonies(request: HttpRequest, pk: int):
    return [_testimony_out(r.testimony, r.author_label) for r in selectors.testimonies_of(
        viewer=request.user, initiative=_initiative(request, pk))]


@router.post("/{int:pk}/testimonies",
             response={201: TestimonyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             auth=django_auth,
             summary="Témoigner (texte, photo facultative) : publié après modération")
@field_errors
def testify(request: HttpRequest, pk: int, body: Form[str], show_name: Form[bool] = False,
            photo_description: Form[str] = "", photo: File[UploadedFile] = None):
    testimony = services.testimony_create(
        actor=request.user, initiative=_initiative(request, pk), body=body[:20_000],
        show_name=show_name, photo=photo, photo_description=photo_description[:1000])
    return Status(201, _testimony_out(testimony, selectors.author_label(testimony)))


@router.get("/testimonies/pending", response=list[TestimonyOut], auth=django_auth,
            summary="Témoignages à modérer dans vos territoires")
def pending(request: HttpRequest):
    return [_testimony_out(t, selectors.author_label(t))
            for t in selectors.pending_testimonies(viewer=request.user)]


class ModerationIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2000)


@router.post("/testimonies/{int:pk}/moderation",
             response={200: TestimonyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             auth=django_auth, summary="Publier ou refuser un témoignage (modérateurs)")
@field_errors
def moderate_testimony(request: HttpRequest, pk: int, payload: ModerationIn):
    found = Testimony.objects.select_related("initiative").filter(pk=pk).first()
    if found is None:
        raise Http404("Témoignage introuvable.")
    testimony = services.testimony_moderate(actor=request.user, testimony=found,
                                            approve=payload.approve, reason=payload.reason)
    return _testimony_out(testimony, selectors.author_label(testimony))


class ReactionIn(Schema):
    kind: ReactionKind


class ToggleOut(Schema):
    active: bool
    reactions: dict[str, int]


@router.post("/{int:pk}/reactions",
             response={200: ToggleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             auth=django_auth, summary="Réagir (bascule)")
@field_errors
def react(request: HttpRequest, pk: int, payload: ReactionIn):
    initiative = _initiative(request, pk)
    active = services.initiative_react(actor=request.user, initiative=initiative,
                                       kind=str(payload.kind.value))
    return {"active": active, "reactions": selectors.reaction_counts(initiative)}


class FollowIn(Schema):
    follow: bool = True


class FollowOut(Schema):
    following: bool


@router.post("/{int:pk}/follow", response={200: FollowOut, 403: ErrorOut, 404: ErrorOut},
             auth=django_auth, summary="Suivre ou ne plus suivre")
def follow(request: HttpRequest, pk: int, payload: FollowIn):
    return {"following": services.initiative_follow(
        actor=request.user, initiative=_initiative(request, pk), follow=payload.follow)}


class NearbyOut(Schema):
    initiative: InitiativeOut
    distance_km: float


class NearestQuery(Schema):
    commune: str = Field(max_length=5)
    kind: InitiativeKind | None = None
    limit: int = Field(5, ge=1, le=50)


@router.get("/nearest", response={200: list[NearbyOut], 404: ErrorOut},
            summary="Qui a déjà résolu ce problème ? Les plus proches ailleurs")
def nearest(request: HttpRequest, filters: Query[NearestQuery]):
    commune = Commune.objects.filter(pk=filters.commune.upper()).first()
    if commune is None:
        raise Http404("Commune inconnue.")
    hits = selectors.nearest_initiatives(
        viewer=request.user, commune=commune,
        kind=filters.kind.value if filters.kind else "", limit=filters.limit)
    return [{"initiative": _out(h.initiative), "distance_km": round(h.distance_km, 1)}
            for h in hits]


class FeedItemOut(Schema):
    title: str
    description: str
    url: str
    published: datetime
    kind: str


@router.get("/feed/{level}/{code}", response={200: list[FeedItemOut], 404: ErrorOut},
            summary="Nouvelles initiatives et témoignages d'un territoire (le flux Atom en JSON)")
def feed(request: HttpRequest, level: str, code: str):
    found = selectors.territory_found(level, code)
    if found is None:
        raise Http404("Territoire inconnu.")
    return [vars(i) for i in selectors.feed_items(found[0])]
