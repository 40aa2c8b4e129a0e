from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.core.selectors import task_progress_get
from maillage.insights.selectors import latest_gp_runs
from maillage.territories.selectors import territory_counts


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {
        "counts": territory_counts(), "access_runs": latest_gp_runs()})


def task_status(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    progress = task_progress_get(user=request.user, key=str(key))
    if progress is None:
        raise Http404(_("Tâche inconnue."))
    template = "core/_task_status.html" if request.htmx else "core/task_status.html"
    return render(request, template, {"task": progress, "title": _("Suivi d'une tâche")})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the API's format under /api/ (a client reads JSON there), the page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Ressource introuvable : %(path)s")
                                           % {"path": request.path})}, status=404)
    return page_not_found(request, exception)
