"""Shared by the services: data files, limits, and the right checks on a pathway."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.coordination.audit import Action, access_record
from maillage.coordination.models import (
    Encounter,
    Pathway,
)
from maillage.coordination.rules import can

TEMPLATES_FILE = Path(__file__).parent.parent / "data" / "pathway_templates.json"
PLAN_HORIZON_DAYS = 365
# PHQ-9 (LOINC 44261-6): a score of 10 or more is a positive screen for depression.
PHQ9_LOINC = "44261-6"
PHQ9_POSITIVE = 10
FOLLOW_UP_KINDS = (Encounter.Kind.AMBULATORY, Encounter.Kind.HOME, Encounter.Kind.VIRTUAL)
# Allowed document types and the first bytes their content must start with.
DOCUMENT_TYPES = {"application/pdf": b"%PDF", "image/png": b"\x89PNG",
                  "image/jpeg": b"\xff\xd8\xff", "text/plain": None}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def _require(actor: Any, perm: str, obj: Any, message: str) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied(message)


def _require_on_pathway(actor: Any, perm: str, pathway: Pathway, what: str) -> None:
    """Check a right on a pathway; someone who cannot even see it gets a 404, and it is logged."""
    if can(actor, perm, pathway):
        return
    if actor is not None and getattr(actor, "is_authenticated", False):
        access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=what,
                      allowed=False)
    if not can(actor, "coordination.view_pathway", pathway):
        raise Http404(_("Parcours introuvable."))
    raise PermissionDenied(_("Vous ne pouvez pas faire cela dans ce parcours."))


