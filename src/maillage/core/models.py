"""Cross-cutting records: the progress of background tasks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskProgress(models.Model):
    """Progress of one background task, written by the task, read by the status page.

    django-tasks' result record has no progress field, so we keep one beside it. The key is ours
    (made before enqueueing) so that a task run in-process can already report to it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("terminée")
        FAILED = "failed", _("échouée")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task_result_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("titre"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(_("étape"), max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("avancement d'une tâche")

    def __str__(self) -> str:
        return f"{self.title} ({self.percent} %)"

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED}
