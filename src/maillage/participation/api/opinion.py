"""Opinion maps: conversations, the next statement to vote on, votes, statements, the map.

Individual votes are never returned, except a person's own; the map holds groups, statements
and anonymous points only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.participation.api.common import ErrorOut, field_errors, router
from maillage.participation.models import Conversation, Statement, StatementStatus
from maillage.participation.phases import phase_state, phase_state_load
from maillage.participation.selectors import process_get
from maillage.participation.services import opinion as services

MAX_ID = 2**63 - 1


class ConversationIn(Schema):
    phase: int
    title: str
    statements: list[str]
    description: str = ""
    allow_statements: bool = True


class VoteIn(Schema):
    statement: int
    value: int | str


class StatementIn(Schema):
    text: str


class ModerationIn(Schema):
    action: str
    reason: str = ""


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    conversation = (Conversation.objects.select_related("process", "phase")
                    .filter(pk=pk).first() if 0 < pk <= MAX_ID else None)
    if conversation is None or not request.user.has_perm("participation.view_conversation",
                                                          conversation):
        raise HttpError(404, "Carte d'opinion inconnue.")
    phase_state_load(conversation.process)
    return conversation


def _statement_out(statement: Statement) -> dict[str, Any]:
    return {"id": statement.pk, "text": statement.text, "status": statement.status,
            "is_seed": statement.is_seed}


def _conversation_out(request: HttpRequest, conversation: Conversation) -> dict[str, Any]:
    user = request.user
    snapshot = services.latest_snapshot(conversation)
    return {
        "id": conversation.pk, "process": conversation.process_id, "title": conversation.title,
        "description": conversation.description, "source": conversation.source,
        "phase": conversation.phase_id,
        "status": phase_state(conversation.process).status_of(conversation.phase),
        "allow_statements": conversation.allow_statements,
        "can_vote": user.has_perm("participation.vote_statement", conversation),
        "can_add_statement": user.has_perm("participation.add_statement", conversation),
        "map_computed_at": snapshot.computed_at if snapshot else None,
        "statements": [_statement_out(s) for s in conversation.statements.filter(
            status=StatementStatus.ACCEPTED, hidden_at__isnull=True)],
    }


@router.get("/opinion/conversations", summary="Cartes d'opinion")
def list_conversations(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for conversation in Conversation.objects.select_related("process", "phase").prefetch_related(
            "process__phases"):
        if request.user.has_perm("participation.view_conversation", conversation):
            rows.append({"id": conversation.pk, "process": conversation.process_id,
                         "title": conversation.title,
                         "status": phase_state(conversation.process).status_of(
                             conversation.phase)})
    return rows


@router.post("/processes/{pk}/opinion/conversations", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Ouvrir une carte d'opinion (organisateurs)")
@field_errors
def create_conversation(request: HttpRequest, pk: int, payload: ConversationIn):
    process = process_get(viewer=request.user, pk=pk) if 0 < pk <= MAX_ID else None
    if process is None:
        raise HttpError(404, "Concertation inconnue.")
    phase = process.phases.filter(pk=payload.phase).first() if 0 < payload.phase <= MAX_ID \
        else None
    if phase is None:
        raise ValidationError({"phase": "Cette phase n'appartient pas à la concertation."})
    conversation = services.conversation_create(
        actor=request.user, process=process, phase=phase, title=payload.title,
        statements=payload.statements, description=payload.description,
        allow_statements=payload.allow_statements)
    return Status(201, _conversation_out(request, conversation))


@router.get("/opinion/conversations/{pk}", summary="Une carte d'opinion et ses affirmations")
def get_conversation(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _conversation_out(request, _conversation(request, pk))


@router.get("/opinion/conversations/{pk}/next", auth=django_auth,
            summary="L'affirmation à voter ensuite (priorité de routage de Pol.is)")
def next_statement(request: HttpRequest, pk: int) -> dict[str, Any]:
    conversation = _conversation(request, pk)
    if not request.user.has_perm("participation.vote_statement", conversation):
        raise HttpError(403, "Cette carte d'opinion n'est pas ouverte au vote pour vous.")
    found = services.next_statement(viewer=request.user, conversation=conversation)
    return {"statement": _statement_out(found.statement) if found.statement else None,
            "voted": found.voted, "remaining": found.remaining}


@router.get("/opinion/conversations/{pk}/my-votes", auth=django_auth,
            summary="Mes votes (visibles de moi seul)")
def my_votes(request: HttpRequest, pk: int) -> dict[str, int]:
    conversation = _conversation(request, pk)
    return {str(k): v for k, v in services.my_votes(viewer=request.user,
                                                    conversation=conversation).items()}


@router.post("/opinion/conversations/{pk}/votes", response={201: dict, 400: ErrorOut},
             auth=django_auth,
             summary="Voter sur une affirmation : agree (1), disagree (-1), pass (0)")
@field_errors
def vote(request: HttpRequest, pk: int, payload: VoteIn):
    conversation = _conversation(request, pk)
    if not 0 < payload.statement <= MAX_ID:
        raise ValidationError({"statement": "Identifiant d'affirmation invalide."})
    cast = services.vote_cast(actor=request.user, conversation=conversation,
                              statement=payload.statement, value=payload.value)
    return Status(201, {"statement": cast.statement_id, "value": cast.value})


@router.post("/opinion/conversations/{pk}/statements", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Proposer une affirmation (relue avant d'être votée)")
@field_errors
def add_statement(request: HttpRequest, pk: int, payload: StatementIn):
    statement = services.statement_add(actor=request.user,
                                       conversation=_conversation(request, pk),
                                       text=payload.text)
    return Status(201, _statement_out(statement))


@router.post("/opinion/statements/{pk}/moderation", response={200: dict, 400: ErrorOut},
             auth=django_auth, summary="Accepter (accept) ou refuser (reject) une affirmation")
@field_errors
def moderate_statement(request: HttpRequest, pk: int, payload: ModerationIn):
    statement = (Statement.objects.select_related("conversation__process")
                 .filter(pk=pk).first() if 0 < pk <= MAX_ID else None)
    if statement is None or not request.user.has_perm("participation.view_conversation",
                                                       statement.conversation):
        raise HttpError(404, "Affirmation inconnue.")
    if payload.action == "accept":
        services.statement_accept(actor=request.user, statement=statement,
                                  reason=payload.reason)
    elif payload.action == "reject":
        services.statement_reject(actor=request.user, statement=statement,
                                  reason=payload.reason)
    else:
        raise ValidationError({"action": "Action inconnue : accept ou reject."})
    return _statement_out(statement)


@router.get("/opinion/conversations/{pk}/map",
            summary="La carte d'opinion : groupes, consensus, affirmations qui font pont")
def get_map(request: HttpRequest, pk: int) -> dict[str, Any]:
    conversation = _conversation(request, pk)
    snapshot = services.latest_snapshot(conversation)
    return {"conversation": conversation.pk,
            "computed_at": snapshot.computed_at if snapshot else None,
            "source": conversation.source,
            **(snapshot.summary if snapshot else {})}
