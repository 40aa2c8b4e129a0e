"""Who may see, simulate, export and delete a population: the members of its organisation.

A member holds a professional role (coordinator, health professional, analyst,
administrator) through a RoleAssignment with that organisation. No one else, superusers
included: the population is health data of the organisation's patients.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.models import Role
from maillage.accounts.rules import roles_of

MEMBER_ROLES = frozenset({Role.COORDINATOR, Role.HEALTH_PROFESSIONAL, Role.ANALYST,
                          Role.ADMINISTRATOR})
MANAGER_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR})


def organisation_ids(user: Any, roles: frozenset[str] = MEMBER_ROLES) -> set[int]:
    """The organisations in which the user holds one of `roles`."""
    return {a.organisation_id for a in roles_of(user)
            if a.organisation_id is not None and a.role in roles}


@rules.predicate
def is_member_of_organisation(user: Any, organisation: Any) -> bool:
    return organisation is not None and organisation.pk in organisation_ids(user)


@rules.predicate
def is_population_member(user: Any, population: Any) -> bool:
    return population is not None and population.organisation_id in organisation_ids(user)


@rules.predicate
def is_population_manager(user: Any, population: Any) -> bool:
    return population is not None and population.organisation_id in organisation_ids(
        user, MANAGER_ROLES)


@rules.predicate
def is_population_uploader(user: Any, population: Any) -> bool:
    return (population is not None and getattr(user, "is_authenticated", False)
            and population.uploaded_by_id == user.pk)


# `add_population` is checked on the Organisation the population will belong to.
rules.add_perm("financing.add_population", is_member_of_organisation)
rules.add_perm("financing.view_population", is_population_member)
rules.add_perm("financing.simulate_population", is_population_member)
rules.add_perm("financing.export_population", is_population_member)
rules.add_perm("financing.delete_population",
               is_population_manager | (is_population_member & is_population_uploader))


def can(user: Any, perm: str, obj: Any) -> bool:
    """`user.has_perm(perm, obj)` without Django's superuser shortcut.

    `has_perm` grants everything to an active superuser; a population is health data of an
    organisation's patients, so only the rule decides (a superuser must be a member too).
    """
    return bool(getattr(user, "is_active", False)) and rules.has_perm(perm, user, obj)
