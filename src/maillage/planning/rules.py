"""Per-object permissions of scenarios (django-rules), named `planning.<verb>_<model>`.

A draft scenario is private to its author's organisation: the author, and the analysts who
hold their role through that organisation. A draft made outside any organisation belongs to the
analysts of its région. Once published (put to the people), everyone reads it; only the analysts
who could edit it may still publish it, put it to a vote or turn it into an action.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.models import Role
from maillage.accounts.rules import is_analyst_of, is_superuser, roles_of
from maillage.territories.selectors import TerritoryRef

ANALYST_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})


def _region(scenario: Any) -> TerritoryRef:
    return TerritoryRef("region", scenario.region_id)


@rules.predicate
def is_published(user: Any, scenario: Any) -> bool:
    return getattr(scenario, "published_at", None) is not None


@rules.predicate
def is_scenario_author(user: Any, scenario: Any) -> bool:
    return (bool(getattr(user, "is_authenticated", False))
            and scenario.created_by_id is not None and scenario.created_by_id == user.pk)


@rules.predicate
def is_of_its_organisation(user: Any, scenario: Any) -> bool:
    """The user holds an analyst role in the scenario's organisation; for a scenario made
    outside any organisation, an analyst role over its région."""
    if scenario.organisation_id is None:
        return bool(is_analyst_of(user, _region(scenario)))
    return any(a.organisation_id == scenario.organisation_id and a.role in ANALYST_ROLES
               for a in roles_of(user))


@rules.predicate
def is_analyst_of_region(user: Any, scenario: Any) -> bool:
    return bool(is_analyst_of(user, _region(scenario)))


can_work_on = is_superuser | (is_analyst_of_region & (is_scenario_author
                                                      | is_of_its_organisation))

rules.add_perm("planning.view_scenario", is_published | is_superuser | is_scenario_author
               | is_of_its_organisation)
rules.add_perm("planning.change_scenario", can_work_on & ~is_published)
rules.add_perm("planning.publish_scenario", can_work_on)



@rules.predicate
def is_analyst_of_its_region(user: Any, action: Any) -> bool:
    return bool(is_analyst_of(user, _region(action)))


@rules.predicate
def coordinates_its_cooperation(user: Any, action: Any) -> bool:
    return any(a.organisation_id == action.cooperation_id and a.role == Role.COORDINATOR
               for a in roles_of(user))


# Targeted prevention: the région's analysts or the cooperation's coordinators launch a
# screening action (on the unsaved action, which names its région and cooperation).
rules.add_perm("planning.add_screening_action",
               is_superuser | is_analyst_of_its_region | coordinates_its_cooperation)
