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


@router.post("/petitions/{pk}/close", auth=django_auth,
             response={200: PetitionOut, 403: ErrorOut, 404: ErrorOut},
             summary="Clore une pétition ouverte (organisateur·rice, modération)")
def close_petition(request: HttpRequest, pk: int):
    return _petition_out(services.petition_close(actor=request.user,
                                                 petition=_petition(request, pk)))


class PublicSignatureOut(Schema):
    name: str
    commune_code: str | None
    commune: str | None
    signed_at: datetime


@router.get("/petitions/{pk}/public-signatures", response={200: list[PublicSignatureOut],
                                                          404: ErrorOut},
            summary="Signataires ayant choisi d'afficher nom et commune")
def public_signatures(request: HttpRequest, pk: int):
    return [{"name": s.name, "commune_code": s.commune_id,
             "commune": s.commune.name if s.commune else None, "signed_at": s.created_at}
            for s in selectors.public_signatures(_petition(request, pk))]


def _exportable(request: HttpRequest, pk: int) -> Petition:
    found = _petition(request, pk)
    if not request.user.has_perm("mobilization.export_signatures", found):
        raise HttpError(403, "Réservé à l'organisateur·rice et à l'autorité interpellée.")
    return found


@router.get("/petitions/{pk}/signatures.csv", auth=django_auth,
            summary="Liste des signatures pour le dépôt officiel (CSV)")
def signatures_csv(request: HttpRequest, pk: int) -> HttpResponse:
    from maillage.mobilization import exports

    found = _exportable(request, pk)
    response = HttpResponse(exports.signatures_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="petition-{found.pk}-signatures.csv"'
    return response


@router.get("/petitions/{pk}/petition.pdf", auth=django_auth,
            summary="Pétition, signatures par commune et accès aux soins du territoire (PDF)")
def petition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from maillage.mobilization import exports

    found = _exportable(request, pk)
    response = HttpResponse(exports.petition_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="petition-{found.pk}.pdf"'
    return response


class FlaggedOut(Schema):
    kind: str
    id: int
    text: str
    url: str


class ModerationQueueOut(Schema):
    pending_petitions: list[PetitionOut]
    flagged: list[FlaggedOut]


@router.get("/moderation", auth=django_auth, response=ModerationQueueOut,
            summary="File de modération : pétitions en attente, messages signalés")
def moderation_queue(request: HttpRequest):
    return {"pending_petitions": [_petition_out(p) for p in
                                  selectors.pending_petitions(viewer=request.user)],
            "flagged": [{"kind": "thread" if isinstance(c, ForumThread) else "post",
                         "id": c.pk, "text": str(c)[:300], "url": c.get_absolute_url()}
                        for c in selectors.flagged_content(viewer=request.user)]}


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
    messages_sent: int
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
            "messages_sent": found.messages_sent,
            "by_commune": [{"code": c, "name": n, "targeted": t, "views": v,
                            "registrations": r, "emails": e}
                           for c, n, t, v, r, e in found.by_commune]}


class EventOut(Schema):
    id: int
    title: str
    place: str
    commune_code: str | None
    starts_at: datetime
    capacity: int | None
    registrations: int
    registered: bool


class CampaignDetailOut(CampaignOut):
    body: str
    targets: list[dict[str, str]]
    events: list[EventOut]


def _event_out(event: CampaignEvent, registered: set[int]) -> dict[str, Any]:
    return {"id": event.pk, "title": event.title, "place": event.place,
            "commune_code": event.commune_id, "starts_at": event.starts_at,
            "capacity": event.capacity, "registrations": event.registrations.count(),
            "registered": event.pk in registered}


def _campaign(request: HttpRequest, pk: int) -> Any:
    found = selectors.campaign_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404("Campagne introuvable.")
    return found


@router.get("/campaigns/{pk}", response={200: CampaignDetailOut, 404: ErrorOut},
            summary="Une campagne : présentation, communes ciblées, événements")
def campaign(request: HttpRequest, pk: int):
    found = _campaign(request, pk)
    services.campaign_view_record(viewer=request.user, campaign=found)
    registered: set[int] = set()
    if request.user.is_authenticated:
        registered = set(request.user.mobilization_registrations.values_list("event_id",
                                                                               flat=True))
    return _campaign_out(found) | {
        "body": found.body,
        "targets": [{"code": t.commune_id, "name": t.commune.name}
                    for t in found.targets.select_related("commune").order_by("commune__name")],
        "events": [_event_out(e, registered) for e in found.events.all()]}


class EventIn(Schema):
    title: str = Field(max_length=200)
    place: str = Field(max_length=300)
    starts_at: datetime
    commune_code: str = Field("", max_length=5)
    capacity: int | None = Field(None, ge=1, le=1_000_000)


@router.post("/campaigns/{pk}/events", auth=django_auth,
             response={201: EventOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Ajouter un événement à une campagne (organisateurs)")
@field_errors
def create_event(request: HttpRequest, pk: int, payload: EventIn):
    event = services.event_create(actor=request.user, campaign=_campaign(request, pk),
                                  **payload.dict())
    return Status(201, _event_out(event, set()))


class CampaignMessageIn(Schema):
    subject: str = Field(max_length=200)
    body: str = Field(max_length=5000)


class CampaignMessageOut(Schema):
    id: int
    subject: str
    created_at: datetime
    recipients: int
    sent: int


def _organised(request: HttpRequest, pk: int) -> Any:
    found = _campaign(request, pk)
    if not request.user.has_perm("mobilization.change_campaign", found):
        raise HttpError(403, "Réservé aux organisateurs de la campagne.")
    return found


@router.get("/campaigns/{pk}/messages", auth=django_auth,
            response={200: list[CampaignMessageOut], 403: ErrorOut, 404: ErrorOut},
            summary="Messages envoyés par une campagne (organisateurs)")
def campaign_messages(request: HttpRequest, pk: int):
    return [{"id": m.pk, "subject": m.subject, "created_at": m.created_at,
             "recipients": m.recipients, "sent": m.sent}
            for m in selectors.campaign_messages(_organised(request, pk))]


@router.post("/campaigns/{pk}/messages", auth=django_auth,
             response={201: CampaignMessageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Écrire aux habitant·es vérifié·es des communes ciblées (e-mail, "
                     "avec lien de désinscription)")
@field_errors
def send_campaign_message(request: HttpRequest, pk: int, payload: CampaignMessageIn):
    message = services.campaign_message_send(
        actor=request.user, campaign=_campaign(request, pk), subject=payload.subject,
        body=payload.body, site_url=request.build_absolute_uri("/"))
    recipients = message.deliveries.count()
    return Status(201, {"id": message.pk, "subject": message.subject,
                        "created_at": message.created_at, "recipients": recipients,
                        "sent": message.deliveries.filter(sent_at__isnull=False).count()})


class UnsubscribeIn(Schema):
    token: str = Field(max_length=300)


@router.post("/campaign-messages/unsubscribe", response={200: dict, 400: ErrorOut},
             summary="Ne plus recevoir les messages de campagne (jeton du lien reçu)")
@field_errors
def unsubscribe(request: HttpRequest, payload: UnsubscribeIn):
    services.campaign_unsubscribe(token=payload.token)
    return {"receive": False}


class PreferenceIn(Schema):
    receive: bool


@router.get("/campaign-messages/preference", auth=django_auth, response=dict,
            summary="Est-ce que je reçois les messages de campagne ?")
def preference(request: HttpRequest):
    return {"receive": selectors.receives_campaign_messages(request.user)}


@router.put("/campaign-messages/preference", auth=django_auth, response=dict,
            summary="Recevoir ou non les messages de campagne")
def preference_set(request: HttpRequest, payload: PreferenceIn):
    return {"receive": services.campaign_messages_preference_set(actor=request.user,
                                                                 receive=payload.receive)}


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

class DossierOut(Schema):
    level: str
    code: str
    name: str
    built_at: datetime
    access: dict[str, Any]
    signalements_total: int
    signalements_by_category: list[dict[str, Any]]
    petitions: list[PetitionOut]
    consultations: list[dict[str, Any]]
    proposals: list[dict[str, Any]]


@router.get("/dossier", response={200: DossierOut, 400: ErrorOut},
            summary="Dossier de plaidoyer d'un territoire (données)")
@field_errors
def dossier(request: HttpRequest,
            level: str = Query(..., pattern="^(region|departement|commune)$"),
            code: str = Query(..., max_length=9)):
    territory, name = services.territory_resolve(level, code)
    built = dossiers.dossier_build(territory=territory, name=name)
    access = built.access
    return {
        "level": territory.level, "code": territory.code, "name": built.name,
        "built_at": built.built_at,
        "access": {"run": access.run.pk if access.run else None, "communes": access.communes,
                   "population": access.population,
                   "population_by_class": access.population_by_class,
                   "weighted_accessibility": access.weighted_accessibility,
                   "unit": access.unit, "provenance": access.provenance,
                   "least_served": [{"code": r.commune_id, "name": r.commune.name,
                                     "accessibility": r.accessibility,
                                     "population": r.population}
                                    for r in access.rows[:15]]},
        "signalements_total": built.signalements_total,
        "signalements_by_category": [{"category": label, "count": n}
                                     for label, n in built.signalements_by_category],
        "petitions": [_petition_out(p) for p in built.petitions],
        "consultations": [{"title": c.title, "process": c.process, "responses": c.responses,
                           "questions": [{"question": q, "rows": [
                               {"label": label, "value": value, "share": share}
                               for label, value, share in rows]} for q, rows in c.questions]}
                          for c in built.consultations],
        "proposals": [{"title": t, "status": st, "answer": a, "supports": n, "process": pr}
                      for t, st, a, n, pr in built.proposals],
    }


@router.get("/dossier.pdf", summary="Dossier de plaidoyer d'un territoire (PDF)")
@field_errors
def dossier_pdf(request: HttpRequest,
                level: str = Query(..., pattern="^(region|departement|commune)$"),
                code: str = Query(..., max_length=9)) -> HttpResponse:
    territory, name = services.territory_resolve(level, code)
    built = dossiers.dossier_build(territory=territory, name=name)
    return HttpResponse(dossiers.dossier_pdf(built), content_type="application/pdf")
