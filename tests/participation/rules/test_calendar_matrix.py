"""Who may do what, for each role, before, during and after each phase of a process."""

from __future__ import annotations

import pytest

from maillage.participation.phases import phase_state_load
from tests.participation.conftest import MOMENTS

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "outsider", "resident", "organiser", "moderator"]
# The moments at which each role holds the permission; every other moment it does not.
EVERYWHERE = set(MOMENTS)
MATRIX = {
    "participation.add_proposal": {
        "anonymous": set(), "unverified": set(), "outsider": {"proposals"},
        "resident": {"proposals"}, "organiser": EVERYWHERE, "moderator": {"proposals"},
    },
    "participation.support_proposal": {
        "anonymous": set(), "unverified": set(), "outsider": set(),
        "resident": {"proposals"}, "organiser": set(), "moderator": set(),
    },
    "participation.comment_proposal": {
        "anonymous": set(), "unverified": set(),
        "outsider": {"diagnostic", "proposals", "vote"},
        "resident": {"diagnostic", "proposals", "vote"}, "organiser": EVERYWHERE,
        "moderator": {"diagnostic", "proposals", "vote"},
    },
    "participation.answer_proposal": {
        "anonymous": set(), "unverified": set(), "outsider": set(), "resident": set(),
        "organiser": EVERYWHERE, "moderator": set(),
    },
    "participation.answer_consultation": {
        "anonymous": set(), "unverified": set(), "outsider": set(),
        "resident": {"diagnostic"}, "organiser": set(), "moderator": set(),
    },
}


@pytest.fixture
def objects(process, people):
    from maillage.participation.models import Consultation, Proposal

    proposal = Proposal.objects.create(process=process, author=people["resident"],
                                       title="Bus vers la MSP", body="Le mardi.")
    consultation = Consultation.objects.create(
        process=process, phase=process.phases.get(type="diagnostic"), title="Vos besoins")
    return {"participation.add_proposal": process,
            "participation.support_proposal": proposal,
            "participation.comment_proposal": proposal,
            "participation.answer_proposal": proposal,
            "participation.answer_consultation": consultation}


@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", list(MATRIX))
def test_the_permission_follows_the_calendar(permission, role, moment, people, objects,
                                             anonymous_user):
    """Each cell of the matrix: the calendar is frozen by computing the phase at `moment`."""
    from maillage.participation.rules import process_of

    user = people[role] or anonymous_user
    target = objects[permission]
    phase_state_load(process_of(target), now=MOMENTS[moment])
    expected = moment in MATRIX[permission][role]
    assert user.has_perm(permission, target) is expected


def test_an_unpublished_process_accepts_nothing_from_citizens(process, people, at):
    process.is_published = False
    process.save()
    with at("proposals"):
        phase_state_load(process)
        assert people["resident"].has_perm("participation.add_proposal", process) is False
        assert people["organiser"].has_perm("participation.view_process", process) is True
        assert people["resident"].has_perm("participation.view_process", process) is False


def test_moderators_act_only_in_their_territory(process, people):
    from maillage.participation.models import Proposal

    proposal = Proposal.objects.create(process=process, author=people["resident"],
                                       title="t", body="b")
    assert people["moderator"].has_perm("participation.moderate_content", proposal) is True
    assert people["far_moderator"].has_perm("participation.moderate_content", proposal) is False
    assert people["organiser"].has_perm("participation.moderate_content", proposal) is False


def test_the_active_phase_is_computed_once_per_process_object(process, django_assert_num_queries):
    from maillage.participation.phases import phase_state

    phase_state_load(process, now=MOMENTS["proposals"])
    with django_assert_num_queries(0):
        for _ in range(10):
            assert phase_state(process).active.type == "proposals"
