"""Writes on the geography: launching an import, with the acting user's right checked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.models import TaskProgress
from maillage.core.progress import progress_create
from maillage.territories.importers import REGION_CODE
from maillage.territories.selectors import TerritoryRef


def territory_import_start(*, actor: User, region: str | None) -> TaskProgress:
    """Queue an import of one région (or all of France) and return its progress record."""
    if region is not None and not REGION_CODE.match(region):
        raise ValidationError(_("Code de région mal formé : %(code)s") % {"code": region})
    territory = TerritoryRef("region", region) if region else TerritoryRef("france")
    if not actor.has_perm("territories.import_territory", territory):
        raise PermissionDenied(_("Vous ne pouvez pas importer ce territoire."))
    from maillage.territories.tasks import import_territories_task

    title = _("Import des territoires (%(scope)s)") % {"scope": region or _("France entière")}
    progress = progress_create(title=title, owner=actor)
    result = import_territories_task.enqueue(progress_key=str(progress.key), region=region)
    TaskProgress.objects.filter(pk=progress.pk).update(task_result_id=str(result.id))
    progress.refresh_from_db()
    return progress
