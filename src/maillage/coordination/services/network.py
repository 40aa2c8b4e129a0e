"""Writes of the directory (cooperations, members, services, people) and of templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.coordination.models import (
    ActivityDefinition,
    HealthcareService,
    NetworkMembership,
    NetworkProfessional,
    PathwayTemplate,
)
from maillage.coordination.services.common import (
    TEMPLATES_FILE,
    _require,
)

# — Directory ——————————————————————————————————————————————————————————————————————————————————


def network_member_add(*, actor: User, cooperation: Organisation, member: Organisation,
                       facility_id: int | None = None) -> NetworkMembership:
    _require(actor, "coordination.manage_network", cooperation,
             _("Seule la coordination de la coopération gère ses membres."))
    if member.pk == cooperation.pk:
        raise ValidationError({"member": _("Une coopération n'est pas membre d'elle-même.")})
    membership, _created = NetworkMembership.objects.get_or_create(
        cooperation=cooperation, member=member, defaults={"facility_id": facility_id})
    return membership


SERVICE_FIELDS = ("name", "category", "description", "commune_id", "address", "eligibility",
                  "referral", "telephone", "accepts_new_patients", "active")


@transaction.atomic
def service_save(*, actor: User, organisation: Organisation,
                 service: HealthcareService | None = None, **fields: Any) -> HealthcareService:
    """Create or update one of an organisation's services (members manage their own entries)."""
    _require(actor, "coordination.manage_organisation", organisation,
             _("Vous ne gérez pas les fiches de cette organisation."))
    if service is not None and service.organisation_id != organisation.pk:
        raise PermissionDenied(_("Ce service appartient à une autre organisation."))
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    service = service or HealthcareService(organisation=organisation)
    for name, value in fields.items():
        setattr(service, name, value)
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def professional_save(*, actor: User, organisation: Organisation,
                      professional: NetworkProfessional | None = None,
                      service_ids: list[int] | None = None, **fields: Any
                      ) -> NetworkProfessional:
    _require(actor, "coordination.manage_organisation", organisation,
             _("Vous ne gérez pas les fiches de cette organisation."))
    if professional is not None and professional.organisation_id != organisation.pk:
        raise PermissionDenied(_("Cette fiche appartient à une autre organisation."))
    professional = professional or NetworkProfessional(organisation=organisation)
    for name, value in fields.items():
        if name not in {"name", "profession", "role", "user_id", "practitioner_id"}:
            raise ValidationError(_("Champ inconnu : %(f)s") % {"f": name})
        setattr(professional, name, value)
    professional.full_clean()
    professional.save()
    if service_ids is not None:
        services = list(HealthcareService.objects.filter(pk__in=service_ids,
                                                         organisation=organisation))
        if len(services) != len(set(service_ids)):
            raise ValidationError({"service_ids": _("Service inconnu dans cette organisation.")})
        professional.services.set(services)
    return professional


# — Pathway templates ———————————————————————————————————————————————————————————————————————————


@dataclass(frozen=True)
class TemplatesLoaded:
    templates: int
    activities: int


@transaction.atomic
def templates_load(path: Path | str = TEMPLATES_FILE) -> TemplatesLoaded:
    """Load (or refresh) the pathway templates from a JSON file; a re-run changes nothing."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationError(_("%(file)s : fichier illisible (%(e)s)")
                              % {"file": path.name, "e": exc}) from exc
    activities = 0
    for i, item in enumerate(data.get("templates", [])):
        steps = item.pop("activities", [])
        try:
            template, _created = PathwayTemplate.objects.update_or_create(
                code=item["code"], defaults={k: v for k, v in item.items() if k != "code"})
            template.full_clean()
        except (KeyError, TypeError, ValidationError) as exc:
            raise ValidationError(_("%(file)s, modèle n°%(i)s : %(e)s")
                                  % {"file": path.name, "i": i + 1, "e": exc}) from exc
        kept = []
        for position, step in enumerate(steps):
            activity, _created = ActivityDefinition.objects.update_or_create(
                template=template, code=step["code"],
                defaults={**{k: v for k, v in step.items() if k != "code"},
                          "position": position})
            try:
                activity.full_clean()
            except ValidationError as exc:
                raise ValidationError(_("%(file)s, %(t)s, activité %(a)s : %(e)s") % {
                    "file": path.name, "t": template.code, "a": step["code"],
                    "e": "; ".join(exc.messages)}) from exc
            kept.append(activity.pk)
            activities += 1
        template.activities.exclude(pk__in=kept).delete()
    return TemplatesLoaded(PathwayTemplate.objects.count(), activities)


