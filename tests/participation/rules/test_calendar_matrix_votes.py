"""Priority votes and opinion maps: who may do what, per role, before, during and after phases.

Completes `test_calendar_matrix.py` (proposals, supports, comments, consultations)."""

from __future__ import annotations

import pytest

from maillage.participation.phases import phase_state_load
from tests.participation.conftest import MOMENTS

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "outsider", "resident", "organiser", "moderator"]
EVERYWHERE = set(MOMENTS)
NOBODY = {role: set() for role in ROLES}
MATRIX = {
    "participation.vote_priority": {**NOBODY, "resident": {"vote"}},
    "participation.add_priority_option": {**NOBODY, "resident": {"vote"}},
    "participation.vote_statement": {**NOBODY, "resident": {"diagnostic"}},
    "participation.add_statement": {**NOBODY, "resident": {"diagnostic"},
                                    "organiser": EVERYWHERE},
    "participation.moderate_statement": {**NOBODY, "organiser": EVERYWHERE,
                                         "moderator": EVERYWHERE},
    "participation.export_conversation": {**NOBODY, "organiser": EVERYWHERE},
    "participation.view_conversation": {role: EVERYWHERE for role in ROLES},
}


@pytest.fixture
def objects(process):
    from maillage.participation.models import (
        Conversation,
        PriorityOption,
        PriorityVote,
        Statement,
    )

    vote = PriorityVote.objects.create(process=process, phase=process.phases.get(type="vote"),
                                       kind="pairwise", title="Le plus important ?",
                                       allow_new_options=True)
    PriorityOption.objects.create(vote=vote, label="Un médecin")
    conversation = Conversation.objects.create(
        process=process, phase=process.phases.get(type="diagnostic"), title="Mende ?")
    statement = Statement.objects.create(conversation=conversation, text="Plus de médecins.",
                                         status="accepted", is_seed=True)
    return {"participation.vote_priority": vote,
            "participation.add_priority_option": vote,
            "participation.vote_statement": conversation,
            "participation.add_statement": conversation,
            "participation.moderate_statement": statement,
            "participation.export_conversation": conversation,
            "participation.view_conversation": conversation}


@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", list(MATRIX))
def test_the_permission_follows_the_calendar(permission, role, moment, people, objects,
                                             anonymous_user):
    from maillage.participation.rules import process_of

    user = people[role] or anonymous_user
    target = objects[permission]
    phase_state_load(process_of(target), now=MOMENTS[moment])
    assert user.has_perm(permission, target) is (moment in MATRIX[permission][role])


def test_a_vote_on_a_closed_conversation_is_refused_and_nothing_is_stored(people, objects):
    from django.core.exceptions import PermissionDenied

    from maillage.participation.models import StatementVote
    from maillage.participation.services.opinion import vote_cast

    conversation = objects["participation.vote_statement"]
    phase_state_load(conversation.process, now=MOMENTS["proposals"])
    with pytest.raises(PermissionDenied):
        vote_cast(actor=people["resident"], conversation=conversation,
                  statement=conversation.statements.get(), value="agree")
    assert not StatementVote.objects.exists()
