"""Per-object permissions (django-rules), named `<app>.<verb>_<model>`.

A user's role assignments are loaded once per user object and reused by every predicate.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.models import Role, RoleAssignment
from maillage.territories.selectors import TerritoryRef, territory_contains


def roles_of(user: Any) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_maillage_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("organisation"))
        user._maillage_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, "_maillage_roles"):
        del user._maillage_roles


def holds_role_over(user: Any, roles: set[str], territory: TerritoryRef | None) -> bool:
    """Whether the user holds one of `roles` in a territory containing `territory`."""
    for assignment in roles_of(user):
        if assignment.role not in roles or not assignment.territory_level:
            continue
        if territory is None:
            return True
        scope = TerritoryRef(assignment.territory_level, assignment.territory_code)
        if territory_contains(scope, territory):
            return True
    return False


@rules.predicate
def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_administrator_of(user: Any, territory: TerritoryRef | None) -> bool:
    return holds_role_over(user, {Role.ADMINISTRATOR}, territory)


@rules.predicate
def is_analyst_of(user: Any, territory: TerritoryRef | None) -> bool:
    return holds_role_over(user, {Role.ANALYST, Role.ADMINISTRATOR}, territory)


@rules.predicate
def is_self(user: Any, other: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.pk == getattr(other, "pk", None)


# Giving someone a role in a territory: an administrator of a territory that contains it.
rules.add_perm("accounts.assign_role", is_superuser | is_administrator_of)
# Reading or exporting a person's own data; deleting their own account.
rules.add_perm("accounts.export_user", is_self)
rules.add_perm("accounts.delete_user", is_self)
# Loading or refreshing the open data of a territory.
rules.add_perm("territories.import_territory", is_superuser | is_administrator_of)
# The analyst's tools over a territory (dashboards, runs, exports).
rules.add_perm("territories.analyse_territory", is_superuser | is_analyst_of)
