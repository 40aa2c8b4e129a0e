"""The HTTP API: one Django Ninja instance, OpenAPI schema at /api/openapi.json, docs at /api/docs.

Every error is JSON with a `detail` message; malformed requests get a 4xx, never a 500.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

logger = logging.getLogger(__name__)


def build_api() -> NinjaAPI:
    rate = f"{settings.MAILLAGE_API_RATE_PER_MINUTE}/m"
    api = NinjaAPI(
        title="Maillage API",
        version="1",
        description="Accès aux soins dans les territoires : données, mesures, participation. "
                    "Données territoriales : INSEE COG (Licence Ouverte), IGN Admin Express.",
        urls_namespace="api",
        throttle=[AnonRateThrottle(rate), AuthRateThrottle(rate)],
    )

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": "Requête invalide.", "errors": exc.errors}, status=422
        )

    @api.exception_handler(ValidationError)
    def django_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or "Accès refusé."}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, {"detail": "Authentification requise."}, status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or "Introuvable."}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    from maillage.accounts.api import router as accounts_router
    from maillage.coordination.api import router as coordination_router
    from maillage.core.api import router as core_router
    from maillage.financing.api import router as financing_router
    from maillage.initiatives.api import router as initiatives_router
    from maillage.insights.api import router as insights_router
    from maillage.labs.api import router as labs_router
    from maillage.mobilization.api import router as mobilization_router
    from maillage.participation.api import router as participation_router
    from maillage.planning.api import router as planning_router
    from maillage.territories.api import router as territories_router
    from maillage.transport.api import router as transport_router

    api.add_router("/territories", territories_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/tasks", core_router)
    api.add_router("/access", insights_router)
    api.add_router("/participation", participation_router)
    api.add_router("/transport", transport_router)
    api.add_router("/financing", financing_router)
    api.add_router("/coordination", coordination_router)
    api.add_router("/mobilization", mobilization_router)
    api.add_router("/planning", planning_router)
    api.add_router("/labs", labs_router)
    api.add_router("/initiatives", initiatives_router)
    return api


api = build_api()
