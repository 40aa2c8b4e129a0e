from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from maillage.accounts import services
from maillage.accounts.rules import roles_of

router = Router(tags=["comptes"], auth=django_auth)


class RoleOut(Schema):
    role: str
    territory_level: str
    territory_code: str
    organisation: str | None


class MeOut(Schema):
    email: str
    display_name: str
    home_commune: str | None
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="Mon profil et mes rôles")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "email": user.email, "display_name": user.display_name,
        "home_commune": user.home_commune_id,
        "roles": [{"role": r.role, "territory_level": r.territory_level,
                   "territory_code": r.territory_code,
                   "organisation": r.organisation.name if r.organisation else None}
                  for r in roles_of(user)],
    }


@router.get("/me/export", summary="Export de toutes mes données personnelles (JSON)")
def export(request: HttpRequest) -> dict[str, Any]:
    return services.personal_data_export(actor=request.user, user=request.user)
