"""Background tasks of the planning app."""

from __future__ import annotations

from django_tasks import task

from maillage.core.progress import progress_message_set, tracked
from maillage.planning.models import SitingRun


@task()
def siting_run_task(run_id: int, progress_key: str) -> dict[str, object]:
    from maillage.planning.optimisation import siting_run_execute

    run = SitingRun.objects.get(pk=run_id)
    with tracked(progress_key) as report:
        run = siting_run_execute(run, progress=report)
        gap = run.result.get("gap")
        progress_message_set(
            progress_key,
            f"{len(run.result['chosen'])} sites choisis ; gain {run.result['objective']:,.0f} "
            "habitants" + (f" ; écart à la borne {100 * gap:.1f} %." if gap is not None
                           else "."))
    return run.result
