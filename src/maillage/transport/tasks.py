"""Background tasks of solidarity transport."""

from __future__ import annotations

from django_tasks import task

from maillage.core.progress import progress_message_set, tracked
from maillage.transport.models import DayPlan
from maillage.transport.services import day_plan_execute


@task()
def day_plan_task(plan_id: int, token: str, progress_key: str,
                  time_limit_s: float = 10.0) -> dict[str, object]:
    plan = DayPlan.objects.get(pk=plan_id)
    with tracked(progress_key) as report:
        plan = day_plan_execute(plan, token=token, time_limit_s=time_limit_s, progress=report)
        summary = plan.summary
        progress_message_set(
            progress_key,
            f"{summary.get('served', 0)} trajets planifiés, {summary.get('unserved', 0)} sans "
            f"chauffeur ; {summary.get('km', 0)} km.",
        )
    return plan.summary
