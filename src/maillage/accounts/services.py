"""Writes on people and roles: each takes the acting user and checks the right on the object."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts import personal_data
from maillage.accounts.models import Organisation, Role, RoleAssignment, User
from maillage.accounts.rules import forget_roles
from maillage.territories.models import Commune, Departement, Epci, Region
from maillage.territories.selectors import TerritoryRef

_TERRITORY_MODELS = {"region": Region, "departement": Departement, "epci": Epci,
                     "commune": Commune}


def _check_territory_exists(territory: TerritoryRef) -> None:
    model = _TERRITORY_MODELS.get(territory.level)
    if model is not None and not model.objects.filter(pk=territory.code).exists():
        raise ValidationError(
            _("Territoire inconnu : %(territory)s") % {"territory": territory},
            code="unknown_territory",
        )


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    territory: TerritoryRef | None = None,
    organisation: Organisation | None = None,
) -> RoleAssignment:
    """Give `user` a role in a territory (or an organisation). Idempotent."""
    if role not in Role.values:
        raise ValidationError(_("Rôle inconnu : %(role)s") % {"role": role}, code="unknown_role")
    if territory is None and organisation is None:
        raise ValidationError(_("Un territoire ou une organisation est requis."), code="no_scope")
    scope = territory or _organisation_territory(organisation)
    if territory is not None:
        _check_territory_exists(territory)
    if not actor.has_perm("accounts.assign_role", scope):
        raise PermissionDenied(_("Vous ne pouvez pas attribuer de rôle sur ce territoire."))
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        territory_level=territory.level if territory else "",
        territory_code=territory.code if territory else "",
        organisation=organisation,
        defaults={"granted_by": actor},
    )
    forget_roles(user)
    return assignment


def _organisation_territory(organisation: Organisation | None) -> TerritoryRef:
    if organisation is None or not (organisation.commune_id or organisation.departement_id
                                    or organisation.region_id):
        return TerritoryRef("france")
    if organisation.commune_id:
        return TerritoryRef("commune", organisation.commune_id)
    if organisation.departement_id:
        return TerritoryRef("departement", organisation.departement_id)
    return TerritoryRef("region", organisation.region_id or "")


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    scope = (
        TerritoryRef(assignment.territory_level, assignment.territory_code)
        if assignment.territory_level
        else _organisation_territory(assignment.organisation)
    )
    if not actor.has_perm("accounts.assign_role", scope):
        raise PermissionDenied(_("Vous ne pouvez pas retirer ce rôle."))
    assignment.delete()
    forget_roles(assignment.user)


def personal_data_export(*, actor: User, user: User) -> dict[str, Any]:
    """Everything Maillage holds about `user`, as JSON-able data (RGPD art. 15 and 20)."""
    if not actor.has_perm("accounts.export_user", user):
        raise PermissionDenied(_("Vous ne pouvez exporter que vos propres données."))
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "format": "maillage-personal-data/1",
    }
    for section in personal_data.sections():
        data[section.name] = section.exporter(user)
    return data


@transaction.atomic
def account_delete(*, actor: User, user: User, password: str) -> None:
    """Delete the account and the personal data of every app, in one transaction."""
    if not actor.has_perm("accounts.delete_user", user):
        raise PermissionDenied(_("Vous ne pouvez supprimer que votre propre compte."))
    if not user.check_password(password):
        raise ValidationError(_("Mot de passe incorrect."), code="wrong_password")
    for section in personal_data.sections():
        if section.eraser is not None:
            section.eraser(user)
    user.delete()


def _export_account(user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "email": user.email,
        "display_name": user.display_name,
        "home_commune": user.home_commune_id,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "roles": [
            {"role": r.role, "territory_level": r.territory_level,
             "territory_code": r.territory_code,
             "organisation": r.organisation.name if r.organisation else None,
             "since": r.created_at.isoformat()}
            for r in RoleAssignment.objects.filter(user=user).select_related("organisation")
        ],
        "mfa_methods": list(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
    }


def _export_tasks(user: User) -> list[dict[str, Any]]:
    from maillage.core.models import TaskProgress

    return [
        {"title": t.title, "state": t.state, "created_at": t.created_at.isoformat()}
        for t in TaskProgress.objects.filter(owner=user)
    ]


personal_data.register("account", _export_account)
personal_data.register("background_tasks", _export_tasks)
