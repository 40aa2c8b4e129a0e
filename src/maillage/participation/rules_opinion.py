"""Permissions of opinion maps (imported by `rules`, which holds the shared predicates)."""

from __future__ import annotations

from typing import Any

import rules

from maillage.participation.models import Conversation, Feature
from maillage.participation.phases import phase_state
from maillage.participation.rules import (
    can_moderate,
    can_organise,
    is_published,
    is_resident,
)


@rules.predicate
def conversation_is_open(user: Any, conversation: Conversation) -> bool:
    state = phase_state(conversation.process)
    return (state.active is not None and state.active.pk == conversation.phase_id
            and state.allows(Feature.OPINION))


@rules.predicate
def accepts_statements(user: Any, conversation: Conversation) -> bool:
    return conversation.allow_statements


rules.add_perm("participation.add_conversation", can_organise)
rules.add_perm("participation.view_conversation", is_published | can_organise)
rules.add_perm("participation.vote_statement",
               is_published & is_resident & conversation_is_open)
rules.add_perm("participation.add_statement",
               is_published & (can_organise
                                | (is_resident & conversation_is_open & accepts_statements)))
# Accept or refuse the statements participants propose (refusing hides, with a reason).
rules.add_perm("participation.moderate_statement", can_moderate | can_organise)
# The full report (votes per pseudonym, CSV) feeds the committee: organisers only.
rules.add_perm("participation.export_conversation", can_organise)
rules.add_perm("participation.compute_conversation", can_organise)
