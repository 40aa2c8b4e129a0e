"""Professional roles see other people's data: they must set up TOTP before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from maillage.accounts.models import PROFESSIONAL_ROLES
from maillage.accounts.rules import roles_of

_ALWAYS_ALLOWED = ("/comptes/", "/static/", "/i18n/", "/favicon")


class RequireMfaForProfessionalsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up_mfa(request):
            if request.path.startswith(("/api/", "/fhir/")):
                return JsonResponse(
                    {"detail": "Votre rôle exige l'authentification à deux facteurs (TOTP)."},
                    status=403,
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_mfa(self, request: HttpRequest) -> bool:
        if not settings.MAILLAGE_REQUIRE_MFA_FOR_PROFESSIONALS:
            return False
        user = request.user
        if not user.is_authenticated or request.path.startswith(_ALWAYS_ALLOWED):
            return False
        if not any(a.role in PROFESSIONAL_ROLES for a in roles_of(user)):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
