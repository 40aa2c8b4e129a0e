from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.core.selectors import task_progress_get

router = Router(tags=["tâches"], auth=django_auth)


class TaskOut(Schema):
    key: uuid.UUID
    title: str
    state: str
    step: str
    percent: int
    message: str
    updated_at: datetime


@router.get("/{key}", response=TaskOut, summary="Avancement d'une tâche de fond")
def task_get(request: HttpRequest, key: uuid.UUID):
    progress = task_progress_get(user=request.user, key=str(key))
    if progress is None:
        raise HttpError(404, "Tâche inconnue.")
    return progress
