"""The mobilization API: what the pages do (petitions, forums, campaigns, dossier)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from maillage.mobilization import dossier as dossiers
from maillage.mobilization import selectors, services
from maillage.mobilization.models import (
    AuthorityKind,
    CampaignEvent,
    ForumThread,
    Petition,
    Post,
    ReactionKind,
    ThreadKind,
    Topic,
)
from maillage.participation.api.common import ErrorOut, field_errors
from maillage.territories.selectors import TerritoryRef

router = Router(tags=["mobilization"])

Level = Field(pattern="^(region|departement|commune)$")


def _territory(level: str | None, code: str | None) -> TerritoryRef | None:
    if level in ("region", "departement", "commune") and code:
        return TerritoryRef(level, code)
    return None


# Petitions ------------------------------------------------------------------------------------

class PetitionIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field(max_length=10_000)
    authority_kind: AuthorityKind
    authority_name: str = Field(max_length=200)
    territory_level: str = Level
    territory_code: str = Field(max_length=9)
    threshold: int = Field(ge=1, le=10_000_000)
    deadline: datetime
    authority_organisation_id: int | None = Field(None, ge=1, le=2**62)


class PetitionOut(Schema):
    id: int
    title: str
    body: str
    authority_kind: str
    authority_name: str
    territory_level: str
    territory_code: str
    territory_name: str
    status: str
    signatures: int
    threshold: int
    deadline: datetime
    threshold_reached: bool
    answer: str
    answered_at: datetime | None
    url: str


def _petition_out(petition: Petition) -> dict[str, Any]:
    progress = selectors.petition_progress(petition)
    return {"id": petition.pk, "title": petition.title, "body": petition.body,
            "authority_kind": petition.authority_kind, "authority_name": petition.authority_name,
            "territory_level": petition.territory_level,
            "territory_code": petition.territory_code, "territory_name": petition.territory_name,
            "status": petition.status, "signatures": progress.count,
            "threshold": petition.threshold, "deadline": petition.deadline,
            "threshold_reached": petition.threshold_reached_at is not None,
            "answer": petition.answer, "answered_at": petition.answered_at,
            "url": petition.get_absolute_url()}


def _petition(request: HttpRequest, pk: int) -> Petition:
    found = selectors.petition_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404("Pétition introuvable.")
    return found


@router.get("/petitions", response=list[PetitionOut], summary="Pétitions publiées")
def petitions(request: HttpRequest, level: str | None = Query(None, max_length=12),
              code: str | None = Query(None, max_length=9)):
    return [_petition_out(p) for p in selectors.petition_list(
        viewer=request.user, territory=_territory(level, code))]


@router.post("/petitions", response={201: PetitionOut, 400: ErrorOut, 403: ErrorOut},
             auth=django_auth, summary="Lancer une pétition (soumise à la modération)")
@field_errors
def create_petition(request: HttpRequest, payload: PetitionIn):
    data = payload.dict()
    data["authority_kind"] = str(payload.authority_kind.value)
    petition = services.petition_create(actor=request.user, **data)
    return Status(201, _petition_out(petition))


@router.get("/petitions/{pk}", response={200: PetitionOut, 404: ErrorOut},
            summary="Une pétition et sa progression")
def petition(request: HttpRequest, pk: int):
    return _petition_out(_petition(request, pk))


class SignIn(Schema):
    show_publicly: bool = False


@router.post("/petitions/{pk}/signatures", auth=django_auth,
             response={201: PetitionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Signer (une signature par personne vérifiée)")
@field_errors
def sign(request: HttpRequest, pk: int, payload: SignIn):
    petition = _petition(request, pk)
    services.petition_sign(actor=request.user, petition=petition,
                           show_publicly=payload.show_publicly)
    return Status(201, _petition_out(_petition(request, pk)))


class ModerationIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2000)


@router.post("/petitions/{pk}/moderation", auth=django_auth,
             response={200: PetitionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Publier ou refuser une pétition (modérateurs du territoire)")
@field_errors
def moderate_petition(request: HttpRequest, pk: int, payload: ModerationIn):
    petition = services.petition_moderate(actor=request.user, petition=_petition(request, pk),
                                          approve=payload.approve, reason=payload.reason)
    return _petition_out(petition)


class AnswerIn(Schema):
    answer: str = Field(max_length=20_000)


@router.post("/petitions/{pk}/answer", auth=django_auth,
             response={200: PetitionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Réponse officielle de l'autorité interpellée")
@field_errors
def answer(request: HttpRequest, pk: int, payload: AnswerIn):
    petition = services.petition_answer(actor=request.user, petition=_petition(request, pk),
                                        answer=payload.answer)
    return _petition_out(petition)


# Forums ---------------------------------------------------------------------------------------

class ThreadIn(Schema):
    territory_level: str = Level
    territory_code: str = Field(max_length=9)
    topic: Topic
    kind: ThreadKind = ThreadKind.DISCUSSION
    title: str = Field(max_length=200)
    body: str = Field(max_length=10_000)


class PostOut(Schema):
    id: int
    body: str
    author: str
    side: str
    quoted_id: int | None
    hidden: bool
    reactions: dict[str, int]
    created_at: datetime


class ThreadOut(Schema):
    id: int
    title: str
    body: str
    topic: str
    kind: str
    territory_name: str
    best_post_id: int | None
    url: str
    posts: list[PostOut] = []


def _author(user: Any) -> str:
    from maillage.participation.selectors import public_name

    return public_name(user)


def _thread_out(thread: ForumThread, posts: list[Post] | None = None) -> dict[str, Any]:
    return {"id": thread.pk, "title": thread.title, "body": thread.body,
            "topic": thread.topic, "kind": thread.kind, "territory_name": thread.territory_name,
            "best_post_id": thread.best_post_id, "url": thread.get_absolute_url(),
            "posts": [{"id": p.pk, "body": "" if p.is_hidden else p.body,
                       "author": _author(p.author), "side": p.side,
                       "quoted_id": p.quoted_id, "hidden": p.is_hidden,
                       "reactions": getattr(p, "reaction_counts", {}),
                       "created_at": p.created_at} for p in posts or []]}


def _thread(request: HttpRequest, pk: int) -> ForumThread:
    found = selectors.thread_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404("Discussion introuvable.")
    return found


@router.get("/threads", response=list[ThreadOut], summary="Discussions (recherche, filtres)")
def threads(request: HttpRequest, q: str = Query("", max_length=100),
            topic: Topic | None = None, kind: ThreadKind | None = None,
            level: str | None = Query(None, max_length=12),
            code: str | None = Query(None, max_length=9)):
    return [_thread_out(t) for t in selectors.thread_list(
        viewer=request.user, territory=_territory(level, code),
        topic=topic.value if topic else None, kind=kind.value if kind else None, query=q)]


@router.post("/threads", response={201: ThreadOut, 400: ErrorOut, 403: ErrorOut},
             auth=django_auth, summary="Ouvrir une discussion, une question ou un débat")
@field_errors
def create_thread(request: HttpRequest, payload: ThreadIn):
    thread = services.thread_create(
        actor=request.user, territory_level=payload.territory_level,
        territory_code=payload.territory_code, topic=payload.topic.value,
        kind=payload.kind.value, title=payload.title, body=payload.body)
    return Status(201, _thread_out(thread))


@router.get("/threads/{pk}", response={200: ThreadOut, 404: ErrorOut},
            summary="Une discussion et ses messages")
def thread(request: HttpRequest, pk: int):
    found = _thread(request, pk)
    return _thread_out(found, selectors.thread_posts(viewer=request.user, thread=found).posts)


class PostIn(Schema):
    body: str = Field(max_length=10_000)
    quoted_id: int | None = Field(None, ge=1, le=2**62)
    side: str = Field("", pattern="^(|for|against)$")


@router.post("/threads/{pk}/posts", auth=django_auth,
             response={201: PostOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Répondre (en citant un message ; pour ou contre dans un débat)")
@field_errors
def create_post(request: HttpRequest, pk: int, payload: PostIn):
    post = services.post_create(actor=request.user, thread=_thread(request, pk),
                                body=payload.body, quoted_id=payload.quoted_id,
                                side=payload.side)
    return Status(201, _thread_out(post.thread, [post])["posts"][0])


class ReactionIn(Schema):
    kind: ReactionKind


@router.post("/posts/{pk}/reactions", auth=django_auth,
             response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Ajouter ou retirer une réaction")
@field_errors
def react(request: HttpRequest, pk: int, payload: ReactionIn):
    post = Post.objects.filter(pk=pk).first()
    if post is None or selectors.thread_get(viewer=request.user, pk=post.thread_id) is None:
        raise Http404("Message introuvable.")
    return {"set": services.post_react(actor=request.user, post=post,
                                       kind=payload.kind.value)}


class BestIn(Schema):
    post_id: int | None = Field(None, ge=1, le=2**62)


@router.post("/threads/{pk}/best-answer", auth=django_auth,
             response={200: ThreadOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Choisir la meilleure réponse à une question")
@field_errors
def best_answer(request: HttpRequest, pk: int, payload: BestIn):
    found = _thread(request, pk)
    post = Post.objects.filter(pk=payload.post_id).first() if payload.post_id else None
    if payload.post_id and post is None:
        raise HttpError(400, "Message inconnu.")
    return _thread_out(services.thread_best_answer(actor=request.user, thread=found,
                                                   post=post))


class FollowIn(Schema):
    follow: bool = True


@router.post("/threads/{pk}/follow", auth=django_auth,
             response={200: dict, 403: ErrorOut, 404: ErrorOut},
             summary="Suivre une discussion (ou ne plus la suivre)")
def follow(request: HttpRequest, pk: int, payload: FollowIn):
    return {"following": services.thread_follow(actor=request.user,
                                                thread=_thread(request, pk),
                                                follow=payload.follow)}


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


@router.post("/moderation/{kind}/{pk}/{action}", auth=django_auth,
             response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Signaler (flag), masquer (hide) ou rétablir (restore) un message")
@field_errors
def moderate(request: HttpRequest, kind: str, pk: int, action: str, payload: ReasonIn):
    model = {"thread": ForumThread, "post": Post}.get(kind)
    content = model.objects.filter(pk=pk).first() if model else None
    operation = {"flag": services.content_report, "hide": services.content_hide,
                 "restore": services.content_restore}.get(action)
    if content is None or operation is None:
        raise Http404("Contenu ou action inconnus (thread|post, flag|hide|restore).")
    operation(actor=request.user, content=content, reason=payload.reason)
    return {"done": action}


# Campaigns ------------------------------------------------------------------------------------

class CampaignOut(Schema):
    id: int
    title: str
    theme: str
    organiser_name: str
    region: str
    criteria: dict[str, Any]
    communes: list[str]
    url: str


def _campaign_out(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "title": c.title, "theme": c.theme, "organiser_name": c.organiser_name,
            "region": c.region_id, "criteria": c.criteria,
            "communes": list(c.targets.values_list("commune_id", flat=True)),
            "url": c.get_absolute_url()}


@router.get("/campaigns", response=list[CampaignOut], summary="Campagnes de sensibilisation")
def campaigns(request: HttpRequest):
    return [_campaign_out(c) for c in selectors.campaign_list(viewer=request.user)]


class CampaignIn(Schema):
    region: str = Field(max_length=3)
    title: str = Field(max_length=200)
    theme: str = Field(max_length=20)
    body: str = Field(max_length=20_000)
    organiser_name: str = Field(max_length=200)
    desert_classes: list[int] = Field(default_factory=list, max_length=3)
    min_share_75: float | None = Field(None, ge=0, le=1)
    min_signalements: int | None = Field(None, ge=1, le=1_000_000)


@router.post("/campaigns", response={201: CampaignOut, 400: ErrorOut, 403: ErrorOut},
             auth=django_auth, summary="Lancer une campagne ciblée par indicateurs")
@field_errors
def create_campaign(request: HttpRequest, payload: CampaignIn):
    campaign = services.campaign_create(actor=request.user, **payload.dict())
    return Status(201, _campaign_out(campaign))


class ReachOut(Schema):
    views: int
    registrations: int
    by_commune: list[dict[str, Any]]


@router.get("/campaigns/{pk}/reach", auth=django_auth,
            response={200: ReachOut, 403: ErrorOut, 404: ErrorOut},
            summary="Portée : vues et inscriptions par commune (organisateurs)")
def reach(request: HttpRequest, pk: int):
    campaign = selectors.campaign_get(viewer=request.user, pk=pk)
    if campaign is None:
        raise Http404("Campagne introuvable.")
    if not request.user.has_perm("mobilization.change_campaign", campaign):
        raise HttpError(403, "Réservé aux organisateurs de la campagne.")
    found = selectors.campaign_reach(campaign)
    return {"views": found.views, "registrations": found.registrations,
            "by_commune": [{"code": c, "name": n, "targeted": t, "views": v,
                            "registrations": r} for c, n, t, v, r in found.by_commune]}


@router.post("/events/{pk}/registrations", auth=django_auth,
             response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="S'inscrire à un événement de campagne")
@field_errors
def register(request: HttpRequest, pk: int):
    event = CampaignEvent.objects.filter(pk=pk).first()
    if event is None or selectors.campaign_get(viewer=request.user,
                                               pk=event.campaign_id) is None:
        raise Http404("Événement introuvable.")
    registration = services.event_register(actor=request.user, event=event)
    return Status(201, {"id": registration.pk})


# Advocacy dossier -----------------------------------------------------------------------------

@router.get("/dossier.pdf", summary="Dossier de plaidoyer d'un territoire (PDF)")
@field_errors
def dossier_pdf(request: HttpRequest,
                level: str = Query(..., pattern="^(region|departement|commune)$"),
                code: str = Query(..., max_length=9)) -> HttpResponse:
    territory, name = services.territory_resolve(level, code)
    built = dossiers.dossier_build(territory=territory, name=name)
    return HttpResponse(dossiers.dossier_pdf(built), content_type="application/pdf")
