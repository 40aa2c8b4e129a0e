"""Authors edit their own signalements and comments, within the edit window (`rules.EDIT_WINDOW`),
as they do their proposals. Past the window, on hidden content or someone else's: refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.insights.defaults import PROFESSIONS
from maillage.participation.models import Comment, Signalement, SignalementCategory
from maillage.participation.services.common import _deny, _text


@transaction.atomic
def signalement_update(*, actor: User, signalement: Signalement, category: str,
                       profession: str = "", text: str = "", anonymous: bool = False
                       ) -> Signalement:
    """The author corrects their signalement (the commune stays: it is what was counted)."""
    if not actor.has_perm("participation.change_signalement", signalement):
        raise _deny(_("Vous ne pouvez plus modifier ce signalement (délai d'une heure "
                      "dépassé, contenu masqué, ou signalement d'une autre personne)."))
    errors: dict[str, str] = {}
    if category not in SignalementCategory.values:
        errors["category"] = _("Choisissez une difficulté dans la liste.")
    if profession and profession not in PROFESSIONS:
        errors["profession"] = _("Profession inconnue : %(p)s.") % {"p": profession}
    if errors:
        raise ValidationError(errors, code="invalid")
    signalement.category, signalement.profession = category, profession
    signalement.text = _text(text, "text", limit=2000)
    signalement.anonymous = bool(anonymous)
    signalement.save(update_fields=["category", "profession", "text", "anonymous",
                                    "updated_at"])
    return signalement


@transaction.atomic
def comment_update(*, actor: User, comment: Comment, body: str) -> Comment:
    """The author corrects their comment (its place in the thread stays)."""
    if not actor.has_perm("participation.change_comment", comment):
        raise _deny(_("Vous ne pouvez plus modifier ce commentaire (délai d'une heure "
                      "dépassé, contenu masqué, ou commentaire d'une autre personne)."))
    comment.body = _text(body, "body", limit=3000, required=True)
    comment.save(update_fields=["body"])
    return comment
