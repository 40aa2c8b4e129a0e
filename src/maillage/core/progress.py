"""Long work reports progress: to a task's record (status page) or a terminal progress bar."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _

from maillage.core.models import TaskProgress

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]


def progress_create(*, title: str, owner: Any = None) -> TaskProgress:
    return TaskProgress.objects.create(title=title, owner=owner if owner and owner.pk else None)


@contextmanager
def tracked(progress_key: str) -> Iterator[ProgressCallback]:
    """Run a task body: marks its record running, then succeeded or failed with the message.

    The exception is re-raised so that django-tasks records the failure too.
    """
    TaskProgress.objects.filter(key=progress_key).update(state=TaskProgress.State.RUNNING)

    def report(step: str, done: int, total: int) -> None:
        TaskProgress.objects.filter(key=progress_key).update(step=step, done=done, total=total)

    try:
        yield report
    except Exception as exc:
        logger.exception("Background task %s failed", progress_key)
        TaskProgress.objects.filter(key=progress_key).update(
            state=TaskProgress.State.FAILED, message=str(exc)
        )
        raise
    TaskProgress.objects.filter(key=progress_key).update(
        state=TaskProgress.State.SUCCEEDED, step=_("Terminé")
    )


def progress_message_set(progress_key: str, message: str) -> None:
    TaskProgress.objects.filter(key=progress_key).update(message=message)


@contextmanager
def terminal_progress(description: str, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A tqdm bar driven by (step, done, total) callbacks."""
    from tqdm import tqdm

    with tqdm(total=1, desc=description, unit="étape", disable=not enabled) as bar:

        def report(step: str, done: int, total: int) -> None:
            bar.total = max(total, 1)
            bar.n = done
            bar.set_postfix_str(step)
            bar.refresh()

        yield report
