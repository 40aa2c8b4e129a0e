"""Signalements, their figures beside access, and moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.participation import selectors, services
from maillage.participation.api.common import ErrorOut, field_errors, router
from maillage.participation.models import (
    SignalementCategory,
)
from maillage.territories.selectors import TerritoryRef

# Signalements ---------------------------------------------------------------------------------

class SignalementIn(Schema):
    commune: str
    category: SignalementCategory
    profession: str = ""
    text: str = ""
    anonymous: bool = False


class SignalementOut(Schema):
    id: int
    commune: str
    commune_name: str
    category: str
    category_label: str
    profession: str
    text: str
    author: str
    hidden: bool
    created_at: datetime


def _signalement_out(row: selectors.SignalementRow) -> dict[str, Any]:
    s = row.signalement
    return {"id": s.pk, "commune": s.commune_id, "commune_name": s.commune.name,
            "category": s.category, "category_label": s.get_category_display(),
            "profession": s.profession, "text": s.text if not s.is_hidden else "",
            "author": row.author_label, "hidden": s.is_hidden, "created_at": s.created_at}


class CommuneSignalsOut(Schema):
    code_insee: str
    commune: str
    population: float
    signalements: int
    per_1000: float | None
    by_category: dict[str, int]
    accessibility: float | None
    desert_class: str | None


def _commune_signals_out(c: selectors.CommuneSignals) -> dict[str, Any]:
    return {"code_insee": c.code, "commune": c.name, "population": c.population,
            "signalements": c.total, "per_1000": c.per_1000, "by_category": c.by_category,
            "accessibility": c.accessibility, "desert_class": c.class_label or None}


class DivergencesOut(Schema):
    region: str
    profession: str
    access_run: int | None
    regional_per_1000: float
    min_reports: int
    agree: list[CommuneSignalsOut]
    silent_deserts: list[CommuneSignalsOut]
    unmeasured_difficulties: list[CommuneSignalsOut]


@router.get("/signalements/categories", summary="Catégories de difficulté")
def categories(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": code, "label": str(label)} for code, label in SignalementCategory.choices]


@router.get("/signalements", response=list[SignalementOut],
            summary="Derniers signalements (auteur masqué s'il est anonyme)")
def list_signalements(request: HttpRequest, region: str | None = Query(None, max_length=3),
                      commune: str | None = Query(None, max_length=5),
                      category: SignalementCategory | None = None,
                      limit: int = Query(100, ge=1, le=500)):
    rows = selectors.signalement_rows(viewer=request.user, region=region, commune=commune,
                                      category=category, limit=limit)
    return [_signalement_out(r) for r in rows]


@router.post("/signalements", response={201: SignalementOut, 400: ErrorOut, 403: ErrorOut},
             auth=django_auth, summary="Déposer un signalement")
@field_errors
def create_signalement(request: HttpRequest, payload: SignalementIn):
    s = services.signalement_create(
        actor=request.user, commune_code=payload.commune, category=payload.category,
        profession=payload.profession, text=payload.text, anonymous=payload.anonymous)
    return Status(201, _signalement_out(selectors.signalement_row(viewer=request.user, pk=s.pk)))


@router.get("/signalements/by-commune", response=list[CommuneSignalsOut],
            summary="Signalements par commune et catégorie, à côté des chiffres d'accès")
def by_commune(request: HttpRequest, region: str = Query(..., max_length=3),
               profession: str | None = Query("generaliste", max_length=40)):
    figures = selectors.signals_beside_access(region=region, profession=profession or None)
    return [_commune_signals_out(c) for c in figures.communes]


@router.get("/signalements/layer.geojson", summary="Carte des signalements (GeoJSON)")
def layer(request: HttpRequest, region: str = Query(..., max_length=3),
          profession: str | None = Query("generaliste", max_length=40)) -> dict[str, Any]:
    return selectors.signals_geojson(region=region, profession=profession or None)


@router.get("/signalements/divergences", response=DivergencesOut, auth=django_auth,
            summary="Où signalements et déserts mesurés concordent ou divergent (analystes)")
def divergences(request: HttpRequest, region: str = Query(..., max_length=3),
                profession: str = Query("generaliste", max_length=40),
                min_reports: int = Query(selectors.MIN_REPORTS, ge=1, le=1000)):
    if not request.user.has_perm("participation.analyse_signalements",
                                 TerritoryRef("region", region)):
        raise HttpError(403, "Réservé aux analystes de la région.")
    result = selectors.divergences(region=region, profession=profession,
                                   min_reports=min_reports)
    return {"region": region, "profession": profession,
            "access_run": result.figures.run.pk if result.figures.run else None,
            "regional_per_1000": result.figures.regional_per_1000,
            "min_reports": min_reports,
            "agree": [_commune_signals_out(c) for c in result.agree],
            "silent_deserts": [_commune_signals_out(c) for c in result.silent_deserts],
            "unmeasured_difficulties": [_commune_signals_out(c)
                                        for c in result.unmeasured_difficulties]}


@router.get("/signalements/{pk}", response=SignalementOut)
def get_signalement(request: HttpRequest, pk: int):
    row = selectors.signalement_row(viewer=request.user, pk=pk)
    if row is None:
        raise HttpError(404, "Signalement inconnu.")
    return _signalement_out(row)


# Moderation -----------------------------------------------------------------------------------

class ReasonIn(Schema):
    reason: str


def _moderated(kind: str, pk: int) -> Any:
    model = selectors.MODERATED_MODELS.get(kind)
    if model is None:
        raise HttpError(404, "Type de contenu inconnu (signalement, proposition, commentaire, "
                            "idee).")
    content = model.objects.select_related(*selectors.MODERATED_RELATED[kind]).filter(
        pk=pk).first()
    if content is None:
        raise HttpError(404, "Contenu inconnu.")
    return content


@router.post("/moderation/{kind}/{pk}/flag", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Signaler un contenu aux modérateurs")
@field_errors
def flag(request: HttpRequest, kind: str, pk: int, payload: ReasonIn):
    created = services.content_flag(actor=request.user, content=_moderated(kind, pk),
                                    reason=payload.reason)
    return Status(201, {"id": created.pk})


@router.post("/moderation/{kind}/{pk}/{action}", response={200: dict, 400: ErrorOut},
             auth=django_auth, summary="Masquer, rétablir, ou écarter les signalements "
                                       "(modérateurs du territoire)")
@field_errors
def moderate(request: HttpRequest, kind: str, pk: int, action: str, payload: ReasonIn):
    service = {"hide": services.content_hide, "restore": services.content_restore,
               "dismiss": services.content_flags_dismiss}.get(action)
    if service is None:
        raise HttpError(404, "Action inconnue (hide, restore, dismiss).")
    event = service(actor=request.user, content=_moderated(kind, pk), reason=payload.reason)
    return {"action": event.action, "reason": event.reason}


@router.get("/moderation/queue", auth=django_auth, summary="Contenus signalés à traiter")
def queue(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"kind": item.kind, "id": item.content.pk, "text": str(item.content),
             "hidden": item.content.is_hidden, "reports": [f.reason for f in item.flags]}
            for item in selectors.moderation_queue(viewer=request.user)]


