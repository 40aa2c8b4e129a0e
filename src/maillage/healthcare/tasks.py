"""Background tasks of the healthcare app."""

from __future__ import annotations

from django_tasks import task

from maillage.core.progress import progress_message_set, tracked
from maillage.healthcare.importers import import_supply


@task()
def import_supply_task(progress_key: str, kind: str, region: str | None = None,
                       path: str | None = None) -> dict[str, object]:
    with tracked(progress_key) as report:
        summary = import_supply(kind, path=path, region=region, progress=report)
        progress_message_set(progress_key, summary.message())
    return {**summary.__dict__, "details": dict(summary.details)}
