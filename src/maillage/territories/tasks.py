"""Background tasks of the territories app."""

from __future__ import annotations

from django_tasks import task

from maillage.core.progress import progress_message_set, tracked
from maillage.territories.importers import import_territories
from maillage.territories.selectors import boundary_index_clear


@task()
def import_territories_task(progress_key: str, region: str | None = None) -> dict[str, object]:
    with tracked(progress_key) as report:
        summary = import_territories(region, progress=report)
        boundary_index_clear()
        progress_message_set(
            progress_key,
            f"{summary.communes} communes importées ({summary.with_boundary} avec contour).",
        )
    return summary.__dict__
