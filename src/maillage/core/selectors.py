"""Reading the state of background tasks, for their owner only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from maillage.accounts.models import User
from maillage.core.models import TaskProgress


def task_progress_get(*, user: User | AnonymousUser, key: str) -> TaskProgress | None:
    """The task's progress for its owner or staff; None when unknown or not theirs."""
    progress = TaskProgress.objects.filter(key=key).first()
    if progress is None or not user.is_authenticated:
        return None
    if user.is_staff or progress.owner_id == user.pk:
        return progress
    return None
