"""Processes and phases, proposals and comments, consultations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.participation import results as consultation_results
from maillage.participation import selectors, services
from maillage.participation.api.common import ErrorOut, field_errors, router
from maillage.participation.blueprints import BLUEPRINTS
from maillage.participation.models import (
    Comment,
    Consultation,
    Phase,
    Process,
    Proposal,
)
from maillage.participation.phases import phase_state
from maillage.territories.selectors import TerritoryRef

# Processes ------------------------------------------------------------------------------------

class PhaseOut(Schema):
    id: int
    type: str
    label: str
    starts_at: datetime
    ends_at: datetime
    status: str
    features: list[str]


class ProcessOut(Schema):
    id: int
    title: str
    summary: str
    description: str
    territory_level: str
    territory_code: str
    territory_name: str
    organiser_name: str
    is_published: bool
    is_demo: bool
    active_phase: PhaseOut | None
    features: list[str]
    phases: list[PhaseOut]


def _phase_out(phase: Phase, status: str) -> dict[str, Any]:
    return {"id": phase.pk, "type": phase.type, "label": phase.label,
            "starts_at": phase.starts_at, "ends_at": phase.ends_at, "status": status,
            "features": sorted(phase.features)}


def _process_out(process: Process) -> dict[str, Any]:
    state = phase_state(process)
    return {
        "id": process.pk, "title": process.title, "summary": process.summary,
        "description": process.description, "territory_level": process.territory_level,
        "territory_code": process.territory_code, "territory_name": process.territory_name,
        "organiser_name": process.organiser_name, "is_published": process.is_published,
        "is_demo": process.is_demo,
        "active_phase": _phase_out(state.active, "active") if state.active else None,
        "features": sorted(state.features),
        "phases": [_phase_out(p, state.status_of(p)) for p in state.phases],
    }


class ProcessIn(Schema):
    title: str
    territory_level: str
    territory_code: str
    organiser_name: str
    summary: str = ""
    description: str = ""
    blueprint: str | None = None
    starts_on: date | None = None
    is_published: bool = False


class PhaseIn(Schema):
    type: str
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    description: str = ""


def _process(request: HttpRequest, pk: int) -> Process:
    process = selectors.process_get(viewer=request.user, pk=pk)
    if process is None:
        raise HttpError(404, "Concertation inconnue.")
    return process


@router.get("/blueprints", summary="Modèles de concertation (suites de phases)")
def blueprints(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"key": b.key, "label": str(b.label), "description": str(b.description),
             "phases": [{"type": s.type, "days": s.days} for s in b.steps]}
            for b in BLUEPRINTS.values()]


@router.get("/processes", response=list[ProcessOut], summary="Concertations")
def list_processes(request: HttpRequest):
    return [_process_out(p) for p in selectors.process_list(viewer=request.user)]


@router.post("/processes", response={201: ProcessOut, 400: ErrorOut}, auth=django_auth,
             summary="Ouvrir une concertation (organisateurs du territoire)")
@field_errors
def create_process(request: HttpRequest, payload: ProcessIn):
    try:
        territory = TerritoryRef(payload.territory_level, payload.territory_code)
    except ValueError as exc:
        raise ValidationError({"territory_level": str(exc)}) from exc
    created = services.process_create(
        actor=request.user, title=payload.title, territory=territory,
        organiser_name=payload.organiser_name, summary=payload.summary,
        description=payload.description, blueprint=payload.blueprint,
        starts_on=payload.starts_on, is_published=payload.is_published)
    return Status(201, _process_out(_process(request, created.pk)))


@router.get("/processes/{pk}", response=ProcessOut)
def get_process(request: HttpRequest, pk: int):
    return _process_out(_process(request, pk))


class ProcessPatchIn(Schema):
    title: str | None = None
    summary: str | None = None
    description: str | None = None
    organiser_name: str | None = None
    is_published: bool | None = None


@router.patch("/processes/{pk}", response={200: ProcessOut, 400: ErrorOut}, auth=django_auth,
              summary="Modifier ou publier / dépublier une concertation (organisateurs)")
@field_errors
def update_process(request: HttpRequest, pk: int, payload: ProcessPatchIn):
    changes = payload.dict(exclude_unset=True)
    services.process_update(actor=request.user, process=_process(request, pk), **changes)
    return _process_out(_process(request, pk))


@router.post("/processes/{pk}/phases", response={201: PhaseOut, 400: ErrorOut},
             auth=django_auth, summary="Ajouter une phase (sans chevauchement)")
@field_errors
def add_phase(request: HttpRequest, pk: int, payload: PhaseIn):
    phase = services.phase_add(actor=request.user, process=_process(request, pk),
                               spec=services.PhaseSpec(**payload.dict()))
    return Status(201, _phase_out(phase, ""))


@router.put("/phases/{pk}", response={200: PhaseOut, 400: ErrorOut}, auth=django_auth,
            summary="Modifier une phase (sans chevauchement)")
@field_errors
def update_phase(request: HttpRequest, pk: int, payload: PhaseIn):
    phase = Phase.objects.filter(pk=pk).first()
    if phase is None:
        raise HttpError(404, "Phase inconnue.")
    phase.process = _process(request, phase.process_id)
    services.phase_update(actor=request.user, phase=phase,
                          spec=services.PhaseSpec(**payload.dict()))
    return _phase_out(phase, phase_state(phase.process).status_of(phase))


# Proposals ------------------------------------------------------------------------------------

class ProposalOut(Schema):
    id: int
    process: int
    title: str
    body: str
    commune: str | None
    author: str
    status: str
    status_label: str
    answer: str
    supports: int
    supported: bool
    created_at: datetime


def _proposal_out(p: Proposal) -> dict[str, Any]:
    return {"id": p.pk, "process": p.process_id, "title": p.title,
            "body": "" if p.is_hidden else p.body, "commune": p.commune_id,
            "author": selectors.public_name(p.author), "status": p.status,
            "status_label": p.get_status_display(), "answer": p.answer,
            "supports": getattr(p, "support_count", 0),
            "supported": bool(getattr(p, "supported_by_viewer", False)),
            "created_at": p.created_at}


class ProposalIn(Schema):
    title: str
    body: str
    commune: str | None = None


class AnswerIn(Schema):
    status: str
    answer: str = ""


class CommentIn(Schema):
    body: str
    parent: int | None = None


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    if proposal is None:
        raise HttpError(404, "Proposition inconnue.")
    return proposal


@router.get("/processes/{pk}/proposals", response=list[ProposalOut])
def list_proposals(request: HttpRequest, pk: int,
                   sort: str = Query("recent", pattern="^(recent|soutiens)$")):
    process = _process(request, pk)
    return [_proposal_out(p) for p in selectors.proposal_list(viewer=request.user,
                                                              process=process, sort=sort)]


@router.post("/processes/{pk}/proposals", response={201: ProposalOut, 400: ErrorOut},
             auth=django_auth, summary="Déposer une proposition (phase de propositions)")
@field_errors
def create_proposal(request: HttpRequest, pk: int, payload: ProposalIn):
    proposal = services.proposal_create(actor=request.user, process=_process(request, pk),
                                        title=payload.title, body=payload.body,
                                        commune_code=payload.commune)
    return Status(201, _proposal_out(_proposal(request, proposal.pk)))


@router.get("/proposals/{pk}", response=ProposalOut)
def get_proposal(request: HttpRequest, pk: int):
    return _proposal_out(_proposal(request, pk))


@router.patch("/proposals/{pk}", response={200: ProposalOut, 400: ErrorOut}, auth=django_auth,
              summary="Modifier sa proposition (dans le délai, avant toute réponse)")
@field_errors
def update_proposal(request: HttpRequest, pk: int, payload: ProposalIn):
    services.proposal_update(actor=request.user, proposal=_proposal(request, pk),
                             title=payload.title, body=payload.body)
    return _proposal_out(_proposal(request, pk))


@router.post("/proposals/{pk}/support", response={201: ProposalOut, 400: ErrorOut},
             auth=django_auth, summary="Soutenir (un soutien par personne vérifiée)")
@field_errors
def support(request: HttpRequest, pk: int):
    services.proposal_support(actor=request.user, proposal=_proposal(request, pk))
    return Status(201, _proposal_out(_proposal(request, pk)))


@router.delete("/proposals/{pk}/support", response={200: ProposalOut, 400: ErrorOut},
               auth=django_auth, summary="Retirer son soutien")
@field_errors
def unsupport(request: HttpRequest, pk: int):
    services.proposal_unsupport(actor=request.user, proposal=_proposal(request, pk))
    return _proposal_out(_proposal(request, pk))


@router.post("/proposals/{pk}/answer", response={200: ProposalOut, 400: ErrorOut},
             auth=django_auth, summary="Réponse officielle et statut (organisateurs)")
@field_errors
def answer(request: HttpRequest, pk: int, payload: AnswerIn):
    services.proposal_answer(actor=request.user, proposal=_proposal(request, pk),
                             status=payload.status, answer=payload.answer)
    return _proposal_out(_proposal(request, pk))


@router.get("/proposals/{pk}/comments", summary="Fil de commentaires")
def comments(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    proposal = _proposal(request, pk)
    return [{"id": i.comment.pk, "parent": i.comment.parent_id, "depth": i.depth,
             "author": i.author_label, "hidden": i.comment.is_hidden,
             "body": i.comment.body if i.show_body else "",
             "created_at": i.comment.created_at.isoformat()}
            for i in selectors.comment_thread(viewer=request.user, proposal=proposal)]


@router.post("/proposals/{pk}/comments", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Commenter, ou répondre à un commentaire")
@field_errors
def comment(request: HttpRequest, pk: int, payload: CommentIn):
    proposal = _proposal(request, pk)
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent).first()
        if parent is None:
            raise ValidationError({"parent": "Commentaire inconnu."})
    created = services.comment_create(actor=request.user, proposal=proposal,
                                      body=payload.body, parent=parent)
    return Status(201, {"id": created.pk})


# Consultations --------------------------------------------------------------------------------

class QuestionIn(Schema):
    kind: str
    text: str
    required: bool = True
    choices: list[str] = []
    help_text: str = ""
    scale_min: int = 1
    scale_max: int = 5


class ConsultationIn(Schema):
    phase: int
    title: str
    description: str = ""
    anonymous: bool = True
    results_public: bool = True
    questions: list[QuestionIn]


class ResponseIn(Schema):
    # question field ("q<id>") → choice id, list of choice ids, number, text or INSEE code
    answers: dict[str, Any]


def _consultation(request: HttpRequest, pk: int) -> Consultation:
    consultation = selectors.consultation_get(viewer=request.user, pk=pk)
    if consultation is None:
        raise HttpError(404, "Consultation inconnue.")
    return consultation


def _consultation_out(request: HttpRequest, c: Consultation) -> dict[str, Any]:
    return {
        "id": c.pk, "process": c.process_id, "title": c.title, "description": c.description,
        "anonymous": c.anonymous, "results_public": c.results_public,
        "phase": _phase_out(c.phase, phase_state(c.process).status_of(c.phase)),
        "can_answer": request.user.has_perm("participation.answer_consultation", c),
        "answered": selectors.has_answered(viewer=request.user, consultation=c),
        "questions": [{"field": services.question_field(q), "kind": q.kind, "text": q.text,
                       "help_text": q.help_text, "required": q.required,
                       "scale": [q.scale_min, q.scale_max],
                       "choices": [{"id": ch.pk, "label": ch.label} for ch in q.choices.all()]}
                      for q in c.questions.all()],
    }


@router.post("/processes/{pk}/consultations", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Créer un questionnaire (organisateurs)")
@field_errors
def create_consultation(request: HttpRequest, pk: int, payload: ConsultationIn):
    process = _process(request, pk)
    phase = process.phases.filter(pk=payload.phase).first()
    if phase is None:
        raise ValidationError({"phase": "Cette phase n'appartient pas à la concertation."})
    created = services.consultation_create(
        actor=request.user, process=process, phase=phase, title=payload.title,
        description=payload.description, anonymous=payload.anonymous,
        results_public=payload.results_public,
        questions=[services.QuestionSpec(**q.dict()) for q in payload.questions])
    return Status(201, _consultation_out(request, _consultation(request, created.pk)))


@router.get("/processes/{pk}/consultations", summary="Questionnaires d'une concertation")
def list_consultations(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    process = _process(request, pk)
    state = phase_state(process)
    return [{"id": c.pk, "title": c.title, "anonymous": c.anonymous,
             "results_public": c.results_public, "is_demo": c.is_demo,
             "phase": _phase_out(c.phase, state.status_of(c.phase)),
             "open": state.active is not None and state.active.pk == c.phase_id}
            for c in process.consultations.select_related("phase").order_by("pk")]


@router.get("/consultations/{pk}", summary="Un questionnaire et ses questions")
def get_consultation(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _consultation_out(request, _consultation(request, pk))


@router.post("/consultations/{pk}/responses", response={201: dict, 400: ErrorOut},
             auth=django_auth,
             summary="Répondre (une fois par personne ; answers : champ « q<id> » → réponse)")
@field_errors
def respond(request: HttpRequest, pk: int, payload: ResponseIn):
    response = services.consultation_answer(actor=request.user,
                                            consultation=_consultation(request, pk),
                                            answers=payload.answers)
    return Status(201, {"id": response.pk})


def _results_allowed(request: HttpRequest, consultation: Consultation) -> None:
    if not request.user.has_perm("participation.view_consultation_results", consultation):
        raise HttpError(403, "Les résultats de cette consultation ne sont pas publics.")


@router.get("/consultations/{pk}/results", summary="Résultats en direct")
def results(request: HttpRequest, pk: int) -> dict[str, Any]:
    consultation = _consultation(request, pk)
    _results_allowed(request, consultation)
    count, per_question = consultation_results.consultation_results(consultation)
    return {"responses": count, "questions": [
        {"field": r.field, "kind": r.question.kind, "text": r.question.text,
         "answered": r.answered, "mean": r.mean,
         "rows": [{"label": label, "value": value, "share": share}
                  for label, value, share in r.rows]}
        for r in per_question]}


@router.get("/consultations/{pk}/results.csv",
            summary="Réponses en CSV (qui a répondu : seulement pour les organisateurs d'un "
                    "questionnaire nominatif)")
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    _results_allowed(request, consultation)
    named = request.user.has_perm("participation.view_consultation_respondents", consultation)
    return HttpResponse(
        consultation_results.consultation_csv(consultation, with_respondents=named),
        content_type="text/csv; charset=utf-8")




@router.get("/consultations/{pk}/questions/{question}/texts",
            summary="Réponses en texte libre à une question (les plus récentes d'abord)")
def text_answers(request: HttpRequest, pk: int, question: int, page: int = 1,
                 page_size: int = 25) -> dict[str, Any]:
    consultation = _consultation(request, pk)
    _results_allowed(request, consultation)
    found = consultation.questions.filter(pk=question, kind="text").first()
    if found is None:
        raise HttpError(404, "Question inconnue.")
    texts = consultation_results.text_answers(found)
    size = min(max(page_size, 1), 100)
    start = (max(page, 1) - 1) * size
    return {"question": found.text, "count": len(texts), "page": max(page, 1),
            "page_size": size, "texts": texts[start:start + size]}
