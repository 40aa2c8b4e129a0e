"""Background tasks of the insights app."""

from __future__ import annotations

from django_tasks import task

from maillage.core.progress import progress_message_set, tracked
from maillage.insights.models import AccessRun
from maillage.insights.services import access_run_execute


@task()
def access_run_task(run_id: int, progress_key: str) -> dict[str, object]:
    run = AccessRun.objects.get(pk=run_id)
    with tracked(progress_key) as report:
        run = access_run_execute(run, progress=report)
        progress_message_set(
            progress_key,
            f"{run.summary['communes']} communes calculées ; moyenne {run.summary['mean']:.2f} "
            f"{run.unit}.",
        )
    return run.summary
