"""Authors edit their own signalements and comments within the edit window (1 hour)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.participation import selectors, services
from maillage.participation.api.common import ErrorOut, field_errors, router
from maillage.participation.api.processes import _proposal
from maillage.participation.api.signalements import SignalementOut, _signalement_out
from maillage.participation.models import Comment, Signalement, SignalementCategory


class SignalementEditIn(Schema):
    category: SignalementCategory
    profession: str = ""
    text: str = ""
    anonymous: bool = False


class CommentEditIn(Schema):
    body: str


@router.patch("/signalements/{pk}",
              response={200: SignalementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
              auth=django_auth,
              summary="Modifier son signalement (dans l'heure ; la commune ne change pas)")
@field_errors
def update_signalement(request: HttpRequest, pk: int, payload: SignalementEditIn):
    signalement = Signalement.objects.filter(pk=pk).first()
    if signalement is None or selectors.signalement_row(viewer=request.user, pk=pk) is None:
        raise HttpError(404, "Signalement inconnu.")
    services.signalement_update(actor=request.user, signalement=signalement,
                                category=payload.category, profession=payload.profession,
                                text=payload.text, anonymous=payload.anonymous)
    return _signalement_out(selectors.signalement_row(viewer=request.user, pk=pk))


@router.patch("/comments/{pk}", response={200: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
              auth=django_auth, summary="Modifier son commentaire (dans l'heure)")
@field_errors
def update_comment(request: HttpRequest, pk: int, payload: CommentEditIn) -> Any:
    comment = Comment.objects.filter(pk=pk).first()
    if comment is None:
        raise HttpError(404, "Commentaire inconnu.")
    comment.proposal = _proposal(request, comment.proposal_id)
    services.comment_update(actor=request.user, comment=comment, body=payload.body)
    return {"id": comment.pk, "proposal": comment.proposal_id, "body": comment.body}
