"""Who may vote, propose and moderate, phase by phase."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

EVERYWHERE = {"before", "diagnostic", "proposals", "vote", "after"}


@pytest.mark.parametrize(("perm", "expected"), [
    ("participation.vote_statement", {
        "anonymous": set(), "unverified": set(), "outsider": set(),
        "resident": {"diagnostic"}, "neighbour": {"diagnostic"}, "organiser": set(),
        "moderator": set()}),
    ("participation.add_statement", {
        "anonymous": set(), "unverified": set(), "outsider": set(),
        "resident": {"diagnostic"}, "organiser": EVERYWHERE, "moderator": set()}),
    ("participation.view_conversation", {
        "anonymous": EVERYWHERE, "resident": EVERYWHERE, "organiser": EVERYWHERE}),
    ("participation.export_conversation", {
        "anonymous": set(), "resident": set(), "moderator": set(), "organiser": EVERYWHERE}),
    ("participation.moderate_statement", {
        "anonymous": set(), "resident": set(), "moderator": EVERYWHERE,
        "far_moderator": set(), "organiser": EVERYWHERE}),
])
def test_rights_follow_the_calendar(conversation, people, anonymous_user, at, perm, expected):
    for who, moments in expected.items():
        user = people[who] or anonymous_user
        for moment in EVERYWHERE:
            conversation.process.__dict__.pop("_maillage_phase_state", None)
            with at(moment):
                allowed = user.has_perm(perm, conversation)
            assert allowed == (moment in moments), (who, moment, perm)


def test_an_unpublished_process_hides_its_conversation(conversation, people, anonymous_user):
    conversation.process.is_published = False
    conversation.process.save()
    assert not anonymous_user.has_perm("participation.view_conversation", conversation)
    assert people["organiser"].has_perm("participation.view_conversation", conversation)
