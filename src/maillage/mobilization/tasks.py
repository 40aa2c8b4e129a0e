"""Background tasks of mobilization: e-mailing a campaign's message to its recipients."""

from __future__ import annotations

from django_tasks import task


@task()
def campaign_message_deliver_task(message_id: int) -> dict[str, int]:
    from maillage.mobilization.services import campaign_message_deliver

    return {"sent": campaign_message_deliver(message_id)}
