"""Background tasks of participation: computing opinion maps."""

from __future__ import annotations

from django_tasks import task

from maillage.core.progress import progress_message_set, tracked


@task()
def opinion_map_task(conversation_id: int, progress_key: str) -> dict[str, object]:
    from maillage.participation.models import Conversation
    from maillage.participation.services.opinion import opinion_map_compute

    conversation = Conversation.objects.get(pk=conversation_id)
    with tracked(progress_key) as report:
        snapshot = opinion_map_compute(conversation, progress=report)
        progress_message_set(progress_key, f"{snapshot.summary['k']} groupes ; "
                             f"{snapshot.n_votes} votes de {snapshot.n_participants} "
                             "participants.")
    return {"snapshot": snapshot.pk, "k": snapshot.summary["k"]}
