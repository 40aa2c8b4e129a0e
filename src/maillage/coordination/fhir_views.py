"""The FHIR R4 read API at the site root (`/fhir/`): a care-team member's patients.

Plain Django views over the same functions as the JSON API's FHIR endpoints
(`fhir.patient_read`, `fhir.patient_everything`, `fhir.patient_search`,
`selectors.patients_visible`): same rights,
same consent checks, same access-log entries. Errors are OperationOutcome resources; a patient
the caller may not see gets the same 404 as one that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.coordination import fhir, selectors

FHIR_JSON = "application/fhir+json; charset=utf-8"


def _fhir(data: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=FHIR_JSON,
                            status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _outcome(status: int, code: str, diagnostics: str) -> HttpResponse:
    response = _fhir(fhir.operation_outcome(code, diagnostics), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Session realm="maillage"'
    return response


def _not_found() -> HttpResponse:
    return _outcome(404, "not-found", _("Ressource introuvable."))


def _authenticated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _outcome(401, "login", _("Authentification requise."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _key(raw: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        return None


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """CapabilityStatement (public, as FHIR requires)."""
    return _fhir(fhir.capability_statement(request.build_absolute_uri("/fhir/")))


@require_GET
@_authenticated
def patients(request: HttpRequest) -> HttpResponse:
    """GET /fhir/Patient: a searchset Bundle of the caller's patients (each one logged)."""
    return _fhir(fhir.patients_bundle(selectors.patients_visible(actor=request.user,
                                                                 reason="FHIR Patient")))


@require_GET
@_authenticated
def patient(request: HttpRequest, key: str) -> HttpResponse:
    found = _key(key)
    if found is None:
        return _not_found()
    try:
        return _fhir(fhir.patient_read(actor=request.user, patient_key=found))
    except Http404:
        return _not_found()


@require_GET
@_authenticated
def everything(request: HttpRequest, key: str) -> HttpResponse:
    found = _key(key)
    if found is None:
        return _not_found()
    try:
        return _fhir(fhir.patient_everything(actor=request.user, patient_key=found))
    except Http404:
        return _not_found()


@require_GET
@_authenticated
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    """GET /fhir/<type>?patient=<key>: that type of resource in one of the caller's patients."""
    if resource_type not in fhir.SEARCHABLE_TYPES:
        return unknown(request)
    raw = request.GET.get("patient") or request.GET.get("subject") or ""
    if not raw:
        return _outcome(400, "required", _("Paramètre « patient » obligatoire (clé du patient)."))
    try:
        return _fhir(fhir.patient_search(actor=request.user, patient=raw,
                                         resource_type=resource_type))
    except Http404:
        return _not_found()


def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /fhir/: an OperationOutcome rather than the HTML 404 page."""
    if not request.user.is_authenticated:
        return _outcome(401, "login", _("Authentification requise."))
    return _outcome(404, "not-supported", _("Opération non prise en charge."))
