"""Per-object permissions of participation (django-rules), named `participation.<verb>_<model>`.

Built from small predicates. What a person may do in a process follows its calendar through
`phase_allows(Feature.X)`, which reads the active phase computed once per process object
(`phases.phase_state`). Role checks are memoised on the user object, so a page listing many
rows asks the database once per territory, not once per row.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import rules
from django.utils import timezone

from maillage.accounts.models import Role
from maillage.accounts.rules import is_superuser, roles_of
from maillage.participation.models import (
    Action,
    Answer,
    Comment,
    Committee,
    Consultation,
    Conversation,
    Feature,
    Meeting,
    PriorityOption,
    PriorityVote,
    Process,
    Proposal,
    Signalement,
    Statement,
)
from maillage.participation.phases import phase_state
from maillage.participation.verification import residence_verifier
from maillage.territories.selectors import TerritoryRef, territory_contains

# How long an author may still edit what they wrote (and only before any official answer).
EDIT_WINDOW = timedelta(hours=1)

ORGANISER_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
MODERATOR_ROLES = frozenset({Role.MODERATOR, Role.ADMINISTRATOR})


def process_of(obj: Any) -> Process | None:
    if isinstance(obj, Process):
        return obj
    if isinstance(obj, Proposal | Consultation | PriorityVote | Action | Committee
                  | Conversation):
        return obj.process
    if isinstance(obj, Statement):
        return obj.conversation.process
    if isinstance(obj, Comment):
        return obj.proposal.process
    if isinstance(obj, PriorityOption):
        return obj.vote.process
    if isinstance(obj, Meeting):
        return obj.committee.process
    if isinstance(obj, Answer):
        return obj.response.consultation.process
    return None


def territory_of(obj: Any) -> TerritoryRef | None:
    if isinstance(obj, TerritoryRef):
        return obj
    if isinstance(obj, Signalement):
        return TerritoryRef("commune", obj.commune_id)
    process = process_of(obj)
    if process is not None:
        return TerritoryRef(process.territory_level, process.territory_code)
    return None


def _holds(user: Any, roles: frozenset[str], obj: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if isinstance(obj, Signalement) and "commune" in obj._state.fields_cache:
        return holds_role_over_commune(user, roles, obj.commune)
    territory = territory_of(obj)
    if territory is None:
        return False
    memo = user.__dict__.setdefault("_maillage_participation_roles", {})
    key = (roles, territory)
    if key not in memo:
        memo[key] = any(territory_contains(scope, territory)
                        for scope in role_scopes(user, roles))
    return memo[key]


def organisation_scope(organisation: Any) -> TerritoryRef | None:
    """Where an organisation acts: its commune, else its département, else its région.

    A CPTS, an ARS or a collectivity organises within that territory; an organisation placed
    nowhere organises nothing (never the whole country by default).
    """
    if organisation is None:
        return None
    if organisation.commune_id:
        return TerritoryRef("commune", organisation.commune_id)
    if organisation.departement_id:
        return TerritoryRef("departement", organisation.departement_id)
    if organisation.region_id:
        return TerritoryRef("region", organisation.region_id)
    return None


def role_scopes(user: Any, roles: frozenset[str]) -> list[TerritoryRef]:
    """The territories over which the user holds one of `roles`: a role given in a territory,
    or in an organisation (a CPTS, a commune, the Région…), which then acts over its own."""
    scopes = []
    for assignment in roles_of(user):
        if assignment.role not in roles:
            continue
        if assignment.territory_level:
            scopes.append(TerritoryRef(assignment.territory_level, assignment.territory_code))
        elif (scope := organisation_scope(assignment.organisation)) is not None:
            scopes.append(scope)
    return scopes


def holds_role_over_commune(user: Any, roles: frozenset[str], commune: Any) -> bool:
    """Whether one of the user's scopes holds a loaded commune, answered from memory."""
    for scope in role_scopes(user, roles):
        level, code = scope.level, scope.code
        if (level == "france"
                or (level == "commune" and code == commune.code)
                or (level == "region" and code == commune.region_id)
                or (level == "departement" and code == commune.departement_id)
                or (level == "epci" and code == commune.epci_id)):
            return True
    return False


@rules.predicate
def is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_verified_person(user: Any) -> bool:
    return residence_verifier().is_verified_person(user)


@rules.predicate
def is_resident(user: Any, obj: Any) -> bool:
    territory = territory_of(obj)
    return territory is not None and residence_verifier().resides_in(user, territory)


@rules.predicate
def is_organiser(user: Any, obj: Any) -> bool:
    return _holds(user, ORGANISER_ROLES, obj)


@rules.predicate
def is_moderator(user: Any, obj: Any) -> bool:
    return _holds(user, MODERATOR_ROLES, obj)


@rules.predicate
def is_author(user: Any, obj: Any) -> bool:
    return (getattr(user, "is_authenticated", False)
            and getattr(obj, "author_id", None) == user.pk)


@rules.predicate
def is_visible(user: Any, obj: Any) -> bool:
    return getattr(obj, "hidden_at", None) is None


@rules.predicate
def is_anonymous_content(user: Any, obj: Any) -> bool:
    return bool(getattr(obj, "anonymous", False))


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    process = process_of(obj)
    return process is not None and process.is_published


@rules.predicate
def in_edit_window(user: Any, obj: Any) -> bool:
    return timezone.now() - obj.created_at <= EDIT_WINDOW


@rules.predicate
def is_unanswered(user: Any, proposal: Proposal) -> bool:
    return proposal.answered_at is None


@rules.predicate
def consultation_is_open(user: Any, consultation: Consultation) -> bool:
    state = phase_state(consultation.process)
    return (state.active is not None and state.active.pk == consultation.phase_id
            and state.allows(Feature.ANSWER_SURVEY))


@rules.predicate
def vote_is_open(user: Any, vote: PriorityVote) -> bool:
    state = phase_state(vote.process)
    return (state.active is not None and state.active.pk == vote.phase_id
            and state.allows(Feature.VOTE))


@rules.predicate
def accepts_new_options(user: Any, vote: PriorityVote) -> bool:
    return vote.allow_new_options


@rules.predicate
def meeting_is_ahead(user: Any, meeting: Meeting) -> bool:
    return meeting.ends_at > timezone.now()


@rules.predicate
def results_are_public(user: Any, consultation: Consultation) -> bool:
    return consultation.results_public


@rules.predicate
def is_shown_to_public(user: Any, obj: Any) -> bool:
    """An answer is seen by others only with its consultation's public results."""
    if isinstance(obj, Answer):
        consultation = obj.response.consultation
        return consultation.results_public and consultation.process.is_published
    return True


_PHASE_PREDICATES: dict[Feature, rules.Predicate] = {}


def phase_allows(feature: Feature) -> rules.Predicate:
    """A predicate: the object's process is in a phase that enables `feature`."""
    if feature not in _PHASE_PREDICATES:
        def check(user: Any, obj: Any) -> bool:
            process = process_of(obj)
            return process is not None and phase_state(process).allows(feature)

        _PHASE_PREDICATES[feature] = rules.predicate(check, name=f"phase_allows_{feature}")
    return _PHASE_PREDICATES[feature]


can_organise = is_superuser | is_organiser
can_moderate = is_superuser | is_moderator

# Signalements: any verified person files one; moderators of its commune see everything.
rules.add_perm("participation.add_signalement", is_verified_person)
rules.add_perm("participation.view_signalement", is_visible | is_author | can_moderate)
rules.add_perm("participation.view_signalement_author",
               ~is_anonymous_content | is_author | can_moderate)
# Comparing citizens' reports with measured access over a territory: the analyst's tool.
rules.add_perm("participation.analyse_signalements", can_organise)
# Authors edit their own signalements and comments within the edit window (as proposals).
rules.add_perm("participation.change_signalement", is_author & is_visible & in_edit_window)
rules.add_perm("participation.change_comment", is_author & is_visible & in_edit_window)

# Moderation of any citizen content (signalement, proposal, comment), in one's territory.
rules.add_perm("participation.moderate_content", can_moderate)
rules.add_perm("participation.flag_content",
               is_authenticated & is_visible & (is_shown_to_public | can_moderate))

# Processes: organisers (analysts, administrators) of the territory open and run them.
rules.add_perm("participation.add_process", can_organise)
rules.add_perm("participation.change_process", can_organise)
rules.add_perm("participation.view_process", is_published | can_organise)

# Proposals follow the calendar.
rules.add_perm("participation.add_proposal",
               is_published & (can_organise
                               | (is_verified_person & phase_allows(Feature.PROPOSE))))
rules.add_perm("participation.change_proposal",
               is_author & is_visible & in_edit_window & is_unanswered
               & phase_allows(Feature.PROPOSE))
rules.add_perm("participation.view_proposal",
               (is_published & is_visible) | is_author | can_moderate | can_organise)
rules.add_perm("participation.support_proposal",
               is_published & is_visible & is_resident & phase_allows(Feature.SUPPORT))
rules.add_perm("participation.comment_proposal",
               is_published & is_visible
               & (can_organise | (is_verified_person & phase_allows(Feature.COMMENT))))
rules.add_perm("participation.answer_proposal", can_organise)

# Consultations: open while their phase is active; one answer per verified resident.
rules.add_perm("participation.add_consultation", can_organise)
rules.add_perm("participation.answer_consultation",
               is_published & is_resident & consultation_is_open)
rules.add_perm("participation.view_consultation_results", results_are_public | can_organise)
# Who answered what, for identified consultations only: their organisers.
rules.add_perm("participation.view_consultation_respondents", can_organise)

# Priority votes: open while their phase (a vote phase) is active; one voice per resident.
rules.add_perm("participation.add_priority_vote", can_organise)
rules.add_perm("participation.vote_priority", is_published & is_resident & vote_is_open)
rules.add_perm("participation.add_priority_option",
               is_published & is_resident & vote_is_open & accepts_new_options)

# Accountability: organisers record actions and their progress; everyone reads them.
rules.add_perm("participation.add_action", can_organise)
rules.add_perm("participation.change_action", can_organise)

# Committees: organisers run them; verified people register for meetings still ahead.
rules.add_perm("participation.register_meeting",
               is_published & is_verified_person & meeting_is_ahead)

# Opinion maps: organisers open them; while their phase is active, residents vote on statements
# and propose new ones (moderated before anyone votes on them); everyone may read the map.
from maillage.participation import rules_opinion  # noqa: E402,F401  (registers its rules)
