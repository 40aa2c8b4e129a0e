"""A cooperation's own pathway templates: derived from a shared (cited) template, then adapted.

Shared templates (`cooperation` empty) are loaded from the published guidance and are
read-only; a cooperation's coordinators derive their own copy, keep its citation, and adapt
its activities (who, how often, on which condition). Each change bumps the template's version.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.coordination.models import ActivityDefinition, PathwayTemplate, Questionnaire
from maillage.coordination.services.common import _require

TEMPLATE_FIELDS = ("name", "condition_label", "condition_codes", "source_title", "source_url",
                   "source_date", "discharge_follow_up_days")
ACTIVITY_FIELDS = ("name", "profession", "first_due_days", "interval_days", "window_days",
                   "condition", "loinc", "questionnaire", "rationale")


def _require_own(actor: User, template: PathwayTemplate) -> None:
    if template.cooperation_id is None:
        raise PermissionDenied(_("Un modèle partagé ne se modifie pas : dérivez-en un modèle "
                                 "pour votre coopération."))
    _require(actor, "coordination.change_template", template,
             _("Seule la coordination de la coopération modifie ses modèles."))


def _free_code(base: str) -> str:
    base = slugify(base)[:36] or "modele"
    code, n = base, 1
    while PathwayTemplate.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _bump(template: PathwayTemplate) -> None:
    PathwayTemplate.objects.filter(pk=template.pk).update(version=F("version") + 1)
    template.refresh_from_db(fields=["version"])


@transaction.atomic
def template_derive(*, actor: User, cooperation: Organisation, source: PathwayTemplate,
                    name: str = "", code: str = "") -> PathwayTemplate:
    """The cooperation's own copy of a template, with its activities and its citation."""
    _require(actor, "coordination.manage_templates", cooperation,
             _("Seule la coordination de la coopération définit ses modèles."))
    template = PathwayTemplate(
        code=code.strip() or _free_code(f"{source.code}-{cooperation.pk}"),
        name=name.strip() or source.name, condition_label=source.condition_label,
        condition_codes=source.condition_codes, source_title=source.source_title,
        source_url=source.source_url, source_date=source.source_date,
        discharge_follow_up_days=source.discharge_follow_up_days, version=1,
        cooperation=cooperation, derived_from=source)
    template.full_clean()
    template.save()
    ActivityDefinition.objects.bulk_create([ActivityDefinition(
        template=template, code=a.code, name=a.name, profession=a.profession,
        first_due_days=a.first_due_days, interval_days=a.interval_days,
        window_days=a.window_days, condition=a.condition, loinc=a.loinc,
        questionnaire=a.questionnaire, rationale=a.rationale, position=a.position)
        for a in source.activities.all()])
    return template


@transaction.atomic
def template_save(*, actor: User, cooperation: Organisation,
                  template: PathwayTemplate | None = None, code: str = "",
                  **fields: Any) -> PathwayTemplate:
    """Create a template of the cooperation from scratch, or change one of its own."""
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    if template is None:
        _require(actor, "coordination.manage_templates", cooperation,
                 _("Seule la coordination de la coopération définit ses modèles."))
        template = PathwayTemplate(cooperation=cooperation,
                                   code=code.strip() or _free_code(fields.get("name", "")))
    else:
        _require_own(actor, template)
        if template.cooperation_id != cooperation.pk:
            raise PermissionDenied(_("Ce modèle appartient à une autre coopération."))
    for name, value in fields.items():
        setattr(template, name, value)
    if not isinstance(template.condition_codes, list):
        raise ValidationError({"condition_codes": _("Une liste de {system, code}.")})
    template.full_clean()
    created = template.pk is None
    template.save()
    if not created:
        _bump(template)
    return template


@transaction.atomic
def template_activity_save(*, actor: User, template: PathwayTemplate,
                           activity: ActivityDefinition | None = None, code: str = "",
                           **fields: Any) -> ActivityDefinition:
    """Add an activity to one of the cooperation's templates, or change one."""
    _require_own(actor, template)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    if activity is None:
        code = slugify(code or fields.get("name", ""))[:60]
        if template.activities.filter(code=code).exists():
            raise ValidationError({"code": _("Ce modèle a déjà une activité de ce code.")})
        last = template.activities.order_by("-position").values_list("position", flat=True)
        activity = ActivityDefinition(template=template, code=code,
                                      position=(last.first() or 0) + 1)
    elif activity.template_id != template.pk:
        raise PermissionDenied(_("Cette activité appartient à un autre modèle."))
    for name, value in fields.items():
        setattr(activity, name, value)
    if activity.interval_days == 0:
        activity.interval_days = None
    if activity.questionnaire and not Questionnaire.objects.filter(
            code=activity.questionnaire).exists():
        raise ValidationError({"questionnaire": _("Questionnaire inconnu.")})
    activity.full_clean()
    activity.save()
    _bump(template)
    return activity


@transaction.atomic
def template_activity_remove(*, actor: User, activity: ActivityDefinition) -> None:
    """Take an activity out of a template; tasks already planned from it stay in the plans."""
    template = activity.template
    _require_own(actor, template)
    activity.delete()
    _bump(template)
