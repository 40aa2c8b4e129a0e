"""Writes on the supply of care: launching an import, with the acting user's right checked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.models import TaskProgress
from maillage.core.progress import progress_create
from maillage.healthcare.importers import FILE_IMPORTERS, IMPORT_KINDS
from maillage.territories.importers import REGION_CODE
from maillage.territories.selectors import TerritoryRef


def supply_import_start(
    *, actor: User, kind: str, region: str | None, path: str | None = None
) -> TaskProgress:
    """Queue an import of supply data for one région (or all loaded communes).

    Loading open data is the territory administrator's right (`territories.import_territory`),
    over the région imported, or over France when no région is given.
    """
    if kind not in IMPORT_KINDS:
        raise ValidationError(_("Import inconnu : %(kind)s") % {"kind": kind})
    if region is not None and not REGION_CODE.match(region):
        raise ValidationError(_("Code de région mal formé : %(code)s") % {"code": region})
    if kind in FILE_IMPORTERS and not path:
        raise ValidationError(_("Cet import demande un fichier."))
    territory = TerritoryRef("region", region) if region else TerritoryRef("france")
    if not actor.has_perm("territories.import_territory", territory):
        raise PermissionDenied(_("Vous ne pouvez pas importer l'offre de soins de ce territoire."))
    from maillage.healthcare.tasks import import_supply_task

    title = _("Import de l'offre de soins : %(kind)s (%(scope)s)") % {
        "kind": kind, "scope": region or _("France entière")}
    progress = progress_create(title=title, owner=actor)
    result = import_supply_task.enqueue(progress_key=str(progress.key), kind=kind,
                                        region=region, path=path)
    TaskProgress.objects.filter(pk=progress.pk).update(task_result_id=str(result.id))
    progress.refresh_from_db()
    return progress
