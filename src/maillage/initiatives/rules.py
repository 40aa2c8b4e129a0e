"""Per-object permissions of initiatives (django-rules), named `initiatives.<verb>_<model>`.

Verification of a person comes from participation's verifier; roles from accounts. An
initiative's territory is its commune, so moderators of its département or région moderate it.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.models import Role
from maillage.accounts.rules import holds_role_over, is_superuser
from maillage.initiatives.models import Initiative, Testimony, TestimonyStatus
from maillage.participation.verification import residence_verifier
from maillage.territories.selectors import TerritoryRef

MODERATOR_ROLES = frozenset({Role.MODERATOR, Role.ADMINISTRATOR})


def territory_of(obj: Any) -> TerritoryRef | None:
    if isinstance(obj, TerritoryRef):
        return obj
    if isinstance(obj, Testimony):
        obj = obj.initiative
    if isinstance(obj, Initiative):
        return TerritoryRef("commune", obj.commune_id)
    return None


def _initiative(obj: Any) -> Initiative | None:
    if isinstance(obj, Testimony):
        return obj.initiative
    return obj if isinstance(obj, Initiative) else None


@rules.predicate
def is_verified_person(user: Any) -> bool:
    return residence_verifier().is_verified_person(user)


@rules.predicate
def is_moderator(user: Any, obj: Any) -> bool:
    territory = territory_of(obj)
    if territory is None or not getattr(user, "is_authenticated", False):
        return False
    memo = user.__dict__.setdefault("_maillage_initiatives_moderates", {})
    if territory not in memo:
        memo[territory] = holds_role_over(user, set(MODERATOR_ROLES), territory)
    return memo[territory]


@rules.predicate
def is_owner(user: Any, obj: Any) -> bool:
    initiative = _initiative(obj)
    if initiative is None or not getattr(user, "is_authenticated", False):
        return False
    # Not memoised on the user: ownership changes while a user object lives (owner_add).
    return initiative.owners.filter(pk=user.pk).exists()


@rules.predicate
def is_author(user: Any, testimony: Testimony) -> bool:
    return (getattr(user, "is_authenticated", False)
            and getattr(testimony, "author_id", None) == user.pk)


@rules.predicate
def is_visible(user: Any, obj: Any) -> bool:
    initiative = _initiative(obj)
    return getattr(obj, "hidden_at", None) is None and (
        initiative is None or initiative.hidden_at is None)


@rules.predicate
def is_active(user: Any, initiative: Initiative) -> bool:
    return initiative.archived_at is None


@rules.predicate
def is_published_testimony(user: Any, testimony: Testimony) -> bool:
    return testimony.status == TestimonyStatus.PUBLISHED


@rules.predicate
def is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


can_moderate = is_superuser | is_moderator

# Anyone with a confirmed e-mail address describes an initiative; its owners alone edit it.
rules.add_perm("initiatives.add_initiative", is_verified_person)
rules.add_perm("initiatives.view_initiative", is_visible | is_owner | can_moderate)
rules.add_perm("initiatives.change_initiative", is_owner | is_superuser)
rules.add_perm("initiatives.moderate_initiative", can_moderate)
# Testimonies wait for a moderator of the initiative's territory before anyone else sees them.
rules.add_perm("initiatives.add_testimony", is_verified_person & is_visible & is_active)
rules.add_perm("initiatives.view_testimony",
               (is_published_testimony & is_visible) | is_author | can_moderate)
rules.add_perm("initiatives.moderate_testimony", can_moderate)
rules.add_perm("initiatives.react_initiative", is_verified_person & is_visible)
rules.add_perm("initiatives.follow_initiative", is_authenticated & is_visible)
