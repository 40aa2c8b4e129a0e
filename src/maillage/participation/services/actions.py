"""Accountability: actions decided in a process, their progress and status updates."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.participation.models import Action, ActionStatus, ActionUpdate, Process
from maillage.participation.services.common import _deny, _text
from maillage.participation.services.notifications import followers, notify
from maillage.territories.models import Commune


def _progress(value: int) -> int:
    if not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError({"progress": _("L'avancement est un pourcentage de 0 à 100.")},
                              code="invalid")
    return value


@transaction.atomic
def action_create(
    *, actor: User, process: Process, title: str, responsible_body: str, description: str = "",
    proposal_ids: list[int] = (), consultation_ids: list[int] = (),
    commune_codes: list[str] = (), starts_on: date | None = None, ends_on: date | None = None,
    is_demo: bool = False,
) -> Action:
    """A decision becomes a tracked action, linked to what it answers."""
    if not actor.has_perm("participation.add_action", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    proposals = list(process.proposals.filter(pk__in=proposal_ids))
    consultations = list(process.consultations.filter(pk__in=consultation_ids))
    communes = list(Commune.objects.filter(pk__in=[c.upper() for c in commune_codes]))
    errors = {}
    if len(proposals) != len(set(proposal_ids)):
        errors["proposals"] = _("Une proposition citée n'appartient pas à la concertation.")
    if len(consultations) != len(set(consultation_ids)):
        errors["consultations"] = _("Un questionnaire cité n'appartient pas à la concertation.")
    if len(communes) != len(set(commune_codes)):
        errors["communes"] = _("Code INSEE inconnu parmi les communes citées.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("La fin prévue précède le début.")
    if errors:
        raise ValidationError(errors, code="invalid")
    action = Action.objects.create(
        process=process, title=_text(title, "title", limit=200, required=True),
        responsible_body=_text(responsible_body, "responsible_body", limit=200, required=True),
        description=description.strip(), starts_on=starts_on, ends_on=ends_on, is_demo=is_demo)
    action.proposals.set(proposals)
    action.consultations.set(consultations)
    action.communes.set(communes)
    return action


@transaction.atomic
def action_update_add(*, actor: User, action: Action, text: str, status: str, progress: int
                      ) -> ActionUpdate:
    """Publish news of an action; its followers (process, linked proposals, communes) hear."""
    if not actor.has_perm("participation.change_action", action):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("État inconnu : %(s)s") % {"s": status}},
                              code="invalid")
    update = ActionUpdate.objects.create(
        action=action, author=actor, text=_text(text, "text", limit=5000, required=True),
        status=status, progress=_progress(progress))
    Action.objects.filter(pk=action.pk).update(status=status, progress=progress)
    action.status, action.progress = status, progress
    notify(user_ids=followers(processes=[action.process], proposals=action.proposals.all(),
                              communes=action.communes.values_list("code", flat=True)),
           title=_("Action « %(t)s » : %(s)s, %(p)s %%")
           % {"t": action.title, "s": action.get_status_display(), "p": progress},
           body=update.text, url=action.get_absolute_url())
    return update
