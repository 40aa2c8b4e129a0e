"""Targeted prevention from the priority index: an awareness campaign (mobilization) or a
pathway-screening action of a care cooperation (coordination), aimed at the communes that
come first in the index.

The campaign is created by the mobilization app's own service (its rights: the région's
coordinators, analysts and administrators); the screening action is this app's record, tied
to a coordination pathway template's activity and to a cooperation, read through the
coordination app's selectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.planning.models import ScreeningAction
from maillage.planning.priority import PriorityIndex, priority_index

MAX_TOP = 200


@dataclass(frozen=True)
class Targets:
    index: PriorityIndex
    top: int
    codes: list[str]

    def criteria(self) -> dict[str, Any]:
        """How the communes were chosen, recorded with the campaign or the action."""
        return {"source": "priority_index", "profession": self.index.profession,
                "weights": self.index.weights, "top": self.top, "access_run": self.index.run_id,
                "index": {r.code: round(r.index, 1) for r in self.index.rows[:self.top]}}


def targets(*, region: str, profession: str = "generaliste", top: int = 20,
            weights: Mapping[str, object] | None = None) -> Targets:
    """The ``top`` communes by priority index (ValidationError on a bad number or weight)."""
    if not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise ValidationError({"top": _("Le nombre de communes ciblées va de 1 à %(n)s.")
                               % {"n": MAX_TOP}})
    found = priority_index(region=region, profession=profession, weights=weights)
    if not found.rows:
        raise ValidationError({"region": _("Aucune commune dans la région « %(r)s ».")
                               % {"r": region}})
    return Targets(found, top, [r.code for r in found.rows[:top]])


def priority_campaign_create(*, actor: User, region: str, title: str, theme: str, body: str,
                             organiser_name: str, profession: str = "generaliste",
                             top: int = 20, weights: Mapping[str, object] | None = None
                             ) -> Any:
    """A mobilisation campaign targeted at the top communes of the priority index."""
    chosen = targets(region=region, profession=profession, top=top, weights=weights)
    from maillage.mobilization.services import campaign_create_for_communes

    return campaign_create_for_communes(
        actor=actor, region=region, title=title, theme=theme, body=body,
        organiser_name=organiser_name, commune_codes=chosen.codes, criteria=chosen.criteria())


def screening_activities(template: Any) -> list[Any]:
    """The activities of a pathway template an action can target (unconditional ones)."""
    return [a for a in template.activities.all() if not a.condition]


@transaction.atomic
def screening_action_create(
    *, actor: User, region: str, cooperation: Organisation, template: Any, activity_code: str,
    title: str, description: str = "", profession: str = "generaliste", top: int = 20,
    weights: Mapping[str, object] | None = None, starts_on: date | None = None,
    ends_on: date | None = None,
) -> ScreeningAction:
    """A cooperation's screening drive (one activity of a pathway template) in the top
    communes of the priority index; for the région's analysts or the cooperation's
    coordinators. Bad input: ValidationError naming the field, nothing stored."""
    from maillage.coordination.selectors import cooperations, templates_available
    from maillage.territories.models import Region

    if not Region.objects.filter(pk=region).exists():
        raise ValidationError({"region": _("Région inconnue : %(r)s.") % {"r": region}})
    action = ScreeningAction(region_id=region, cooperation=cooperation, template=template,
                             profession=profession, created_by=actor)
    if not actor.has_perm("planning.add_screening_action", action):
        raise PermissionDenied(_("Les analystes de la région ou les coordinateurs de la "
                                 "coopération lancent une action de dépistage."))
    errors: dict[str, str] = {}
    if not cooperations().filter(pk=cooperation.pk).exists():
        errors["cooperation"] = _("« %(o)s » n'est pas une coopération (CPTS ou réseau).") % {
            "o": cooperation.name}
    if not templates_available(cooperation).filter(pk=template.pk).exists():
        errors["template"] = _("Le parcours « %(p)s » n'est pas ouvert à cette coopération.") % {
            "p": template.name}
    elif activity_code not in {a.code for a in screening_activities(template)}:
        errors["activity_code"] = _("L'activité « %(a)s » n'est pas une activité du parcours "
                                    "« %(p)s ».") % {"a": activity_code, "p": template.name}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Donnez un titre à l'action.")
    elif len(title) > 200:
        errors["title"] = _("Le titre tient en 200 caractères.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("La fin précède le début.")
    if errors:
        raise ValidationError(errors)
    chosen = targets(region=region, profession=profession, top=top, weights=weights)
    action.title, action.description = title, (description or "").strip()[:5000]
    action.activity_code, action.communes = activity_code, chosen.codes
    action.criteria, action.starts_on, action.ends_on = chosen.criteria(), starts_on, ends_on
    action.save()
    return action


@dataclass(frozen=True)
class ScreeningTarget:
    code: str
    name: str
    index: float | None
    services: list[Any]  # coordination ServiceHit: the cooperation's services nearby


def screening_targets(action: ScreeningAction, *, radius_km: float = 30.0) -> list[ScreeningTarget]:
    """Each target commune with its index and the cooperation's network services within
    ``radius_km`` (who could screen there)."""
    from maillage.coordination.selectors import directory_search, network_of
    from maillage.territories.models import Commune

    members = {row["organisation"].pk for row in network_of(action.cooperation)}
    communes = {c.code: c for c in Commune.objects.filter(pk__in=action.communes)}
    index = (action.criteria or {}).get("index") or {}
    out = []
    for code in action.communes:
        commune = communes.get(code)
        if commune is None:
            continue
        hits = [h for h in directory_search(near=commune, radius_km=radius_km, limit=200)
                if h.service.organisation_id in members][:5]
        out.append(ScreeningTarget(code, commune.name, index.get(code), hits))
    return out


def activity_of(action: ScreeningAction) -> Any:
    return action.template.activities.filter(code=action.activity_code).first()
