"""Who may launch an access run over a région (autodiscovered by django-rules).

A run always covers a whole région (its halo needs it), but the people who launch one are
often analysts of a smaller territory: a CPTS, a département, an EPCI. They may launch runs
over the région that holds their territory; the figures are aggregate open data.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.models import Role
from maillage.accounts.rules import is_analyst_of, is_superuser, roles_of
from maillage.territories.selectors import TerritoryRef, territory_contains

ANALYST_ROLES = {Role.ANALYST, Role.ADMINISTRATOR}


def _organisation_regions(organisation: Any) -> set[str]:
    regions = {organisation.region_id} if organisation.region_id else set()
    if organisation.departement_id:
        regions.add(organisation.departement.region_id)
    if organisation.commune_id:
        regions.add(organisation.commune.region_id)
    return regions


@rules.predicate
def is_analyst_within(user: Any, region: TerritoryRef | None) -> bool:
    """An analyst (or administrator) of a territory or organisation inside the région."""
    if region is None or region.level != "region":
        return False
    for assignment in roles_of(user):
        if assignment.role not in ANALYST_ROLES:
            continue
        if assignment.territory_level:
            scope = TerritoryRef(assignment.territory_level, assignment.territory_code)
            if territory_contains(region, scope):
                return True
        if assignment.organisation_id and region.code in _organisation_regions(
                assignment.organisation):
            return True
    return False


rules.add_perm("insights.add_accessrun", is_superuser | is_analyst_of | is_analyst_within)
