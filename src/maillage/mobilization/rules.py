"""Per-object permissions of mobilization (django-rules), named `mobilization.<verb>_<model>`.

Verification of a person and residence come from participation's verifier; roles from accounts.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from maillage.accounts.models import Role
from maillage.accounts.rules import holds_role_over, is_superuser, roles_of
from maillage.mobilization.models import (
    Campaign,
    CampaignEvent,
    ForumThread,
    Petition,
    PetitionStatus,
    Post,
    ThreadKind,
)
from maillage.participation.verification import residence_verifier
from maillage.territories.selectors import TerritoryRef

MODERATOR_ROLES = frozenset({Role.MODERATOR, Role.ADMINISTRATOR})
ANALYST_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
CAMPAIGNER_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR})


def territory_of(obj: Any) -> TerritoryRef | None:
    if isinstance(obj, TerritoryRef):
        return obj
    if isinstance(obj, Post):
        obj = obj.thread
    if isinstance(obj, Petition | ForumThread):
        return TerritoryRef(obj.territory_level, obj.territory_code)
    if isinstance(obj, CampaignEvent):
        obj = obj.campaign
    if isinstance(obj, Campaign):
        return TerritoryRef("region", obj.region_id)
    return None


def _holds(user: Any, roles: frozenset[str], obj: Any) -> bool:
    territory = territory_of(obj)
    if territory is None or not getattr(user, "is_authenticated", False):
        return False
    memo = user.__dict__.setdefault("_maillage_mobilization_roles", {})
    key = (roles, territory)
    if key not in memo:
        memo[key] = holds_role_over(user, set(roles), territory)
    return memo[key]


@rules.predicate
def is_verified_person(user: Any) -> bool:
    return residence_verifier().is_verified_person(user)


@rules.predicate
def is_resident(user: Any, obj: Any) -> bool:
    territory = territory_of(obj)
    return territory is not None and residence_verifier().resides_in(user, territory)


@rules.predicate
def is_moderator(user: Any, obj: Any) -> bool:
    return _holds(user, MODERATOR_ROLES, obj)


@rules.predicate
def is_analyst(user: Any, obj: Any) -> bool:
    return _holds(user, ANALYST_ROLES, obj)


@rules.predicate
def is_campaigner(user: Any, obj: Any) -> bool:
    return _holds(user, CAMPAIGNER_ROLES, obj)


@rules.predicate
def is_author(user: Any, obj: Any) -> bool:
    return (getattr(user, "is_authenticated", False)
            and getattr(obj, "author_id", None) == user.pk)


@rules.predicate
def is_creator(user: Any, obj: Any) -> bool:
    return (getattr(user, "is_authenticated", False)
            and getattr(obj, "created_by_id", None) == user.pk)


@rules.predicate
def represents_authority(user: Any, petition: Petition) -> bool:
    """A role in the addressed organisation, or analyst/administrator of the territory."""
    if not getattr(user, "is_authenticated", False):
        return False
    organisation = petition.authority_organisation_id
    if organisation and any(a.organisation_id == organisation for a in roles_of(user)):
        return True
    return _holds(user, ANALYST_ROLES, petition)


@rules.predicate
def is_visible(user: Any, obj: Any) -> bool:
    return getattr(obj, "hidden_at", None) is None


@rules.predicate
def is_published_petition(user: Any, petition: Petition) -> bool:
    return petition.status in (PetitionStatus.PUBLISHED, PetitionStatus.CLOSED)


@rules.predicate
def is_open_for_signatures(user: Any, petition: Petition) -> bool:
    return petition.status == PetitionStatus.PUBLISHED and petition.deadline > timezone.now()


@rules.predicate
def awaits_answer(user: Any, petition: Petition) -> bool:
    return petition.threshold_reached_at is not None and petition.answered_at is None


@rules.predicate
def is_question(user: Any, thread: ForumThread) -> bool:
    return thread.kind == ThreadKind.QUESTION


@rules.predicate
def is_published_campaign(user: Any, campaign: Campaign) -> bool:
    return campaign.is_published


@rules.predicate
def event_is_ahead(user: Any, event: CampaignEvent) -> bool:
    return event.starts_at > timezone.now()


can_moderate = is_superuser | is_moderator

# Petitions: a verified resident of the territory starts one; moderation publishes it.
rules.add_perm("mobilization.add_petition", is_resident)
rules.add_perm("mobilization.view_petition",
               (is_published_petition & is_visible) | is_author | can_moderate
               | represents_authority)
rules.add_perm("mobilization.moderate_petition", can_moderate)
rules.add_perm("mobilization.sign_petition",
               is_verified_person & is_visible & is_open_for_signatures)
rules.add_perm("mobilization.answer_petition",
               (is_superuser | represents_authority) & is_visible & awaits_answer)
# The organiser (or a moderator) closes an open petition early; the deadline closes the others.
rules.add_perm("mobilization.close_petition",
               is_open_for_signatures & (is_author | can_moderate))
# The signature list (names of people) goes to the organiser and to the authority only.
rules.add_perm("mobilization.export_signatures",
               is_published_petition & (is_author | is_superuser | represents_authority))

# Forums: verified people open threads and reply; moderators of the territory moderate.
rules.add_perm("mobilization.add_thread", is_verified_person)
rules.add_perm("mobilization.view_thread", is_visible | is_author | can_moderate)
rules.add_perm("mobilization.reply_thread", is_verified_person & is_visible)
rules.add_perm("mobilization.choose_best_answer",
               is_question & is_visible & (is_author | can_moderate))
rules.add_perm("mobilization.react_post", is_verified_person & is_visible)
rules.add_perm("mobilization.moderate_content", can_moderate)

# Campaigns: coordinators, analysts and administrators of the région run them.
rules.add_perm("mobilization.add_campaign", is_superuser | is_campaigner)
rules.add_perm("mobilization.change_campaign", is_superuser | is_campaigner)
rules.add_perm("mobilization.view_campaign",
               is_published_campaign | is_superuser | is_campaigner)
rules.add_perm("mobilization.send_campaign_message",
               is_published_campaign & (is_superuser | is_campaigner))
rules.add_perm("mobilization.register_event", is_verified_person & event_is_ahead)
