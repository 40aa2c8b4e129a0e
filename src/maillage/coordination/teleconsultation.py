"""Teleconsultation links: a Jitsi Meet room with an unguessable name, a JWT when required.

The server is `MAILLAGE_JITSI_URL` (default meet.jit.si); when `MAILLAGE_JITSI_APP_SECRET` is
set the server requires tokens, and each participant's link carries their own JWT, limited to
the room and to the slot; only the professional is moderator.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.coordination.audit import Action, access_record
from maillage.coordination.models import Teleconsultation
from maillage.coordination.rules import can

DEFAULT_SERVER = "https://meet.jit.si"
EARLY = timedelta(minutes=15)  # a participant may join a quarter of an hour early
LATE = timedelta(minutes=30)  # and the room stays open half an hour past the slot


def server_url() -> str:
    return getattr(settings, "MAILLAGE_JITSI_URL", "") or DEFAULT_SERVER


def token_claims(visit: Teleconsultation, user: Any, *, moderator: bool) -> dict[str, Any]:
    start = visit.starts_at
    end = start + timedelta(minutes=visit.minutes)
    # The id is a hash: the server learns neither the e-mail nor the database key.
    opaque = hashlib.sha256(f"{visit.room}:{user.pk}".encode()).hexdigest()[:16]
    return {
        "aud": "jitsi", "iss": getattr(settings, "MAILLAGE_JITSI_APP_ID", "maillage"),
        "sub": urlsplit(server_url()).hostname or "", "room": visit.room,
        "nbf": int((start - EARLY).timestamp()), "exp": int((end + LATE).timestamp()),
        "moderator": moderator,
        "context": {"user": {"id": opaque, "name": user.display_name or _("Participant·e"),
                             "moderator": moderator}},
    }


def join_url(*, actor: Any, visit: Teleconsultation, now: datetime | None = None) -> str:
    """The actor's own link to the room, within the slot; the professional and the patient only."""
    pathway = visit.pathway
    # Talking in the room shares the patient's data: the same right as the thread (an active
    # consent, and the patient, the coordination or a care-team member), checked here too.
    if not can(actor, "coordination.message_pathway", pathway):
        raise Http404(_("Téléconsultation introuvable."))
    is_professional = actor.pk == visit.professional_id
    is_patient = pathway.patient.user_id == actor.pk
    if not (is_professional or is_patient):
        raise PermissionDenied(_("Seuls le ou la professionnel·le et le patient rejoignent "
                                 "cette téléconsultation."))
    now = now or timezone.now()
    end = visit.starts_at + timedelta(minutes=visit.minutes)
    if not visit.starts_at - EARLY <= now <= end + LATE:
        raise PermissionDenied(_("La salle s'ouvre un quart d'heure avant le rendez-vous."))
    access_record(actor=actor, pathway=pathway, action=Action.READ, what=_("téléconsultation"))
    url = f"{server_url().rstrip('/')}/{visit.room}"
    secret = getattr(settings, "MAILLAGE_JITSI_APP_SECRET", "")
    if secret:
        token = jwt.encode(token_claims(visit, actor, moderator=is_professional), secret,
                           algorithm="HS256")
        url += f"?jwt={token}"
    return url
