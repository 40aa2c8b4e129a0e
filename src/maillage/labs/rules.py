"""Per-object permissions of labs (django-rules), named `labs.<verb>_<model>`.

A lab's staff manage its challenges, events and projects; a team manages its own page, tasks and
submission; jurors see and score only the submissions of their event, never their own team's.
Verification of a person comes from participation's verifier; roles from accounts.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from maillage.accounts.models import Role
from maillage.accounts.rules import holds_role_over, is_superuser
from maillage.labs.models import (
    Challenge,
    ChallengeStatus,
    Event,
    Idea,
    Juror,
    Lab,
    LabStaff,
    Project,
    Submission,
    Task,
    Team,
    TeamMember,
)
from maillage.participation.verification import residence_verifier
from maillage.territories.selectors import TerritoryRef

ORGANISER_ROLES = frozenset({Role.ANALYST, Role.ADMINISTRATOR})


def lab_of(obj: Any) -> Lab | None:
    if isinstance(obj, Lab):
        return obj
    if isinstance(obj, Challenge | Event | Project):
        return obj.lab
    if isinstance(obj, Idea):
        return obj.challenge.lab
    if isinstance(obj, Team):
        return obj.idea.challenge.lab
    if isinstance(obj, Submission):
        return obj.event.lab
    return None


def team_of(obj: Any) -> Team | None:
    if isinstance(obj, Team):
        return obj
    if isinstance(obj, Task | Submission):
        return obj.team
    if isinstance(obj, Project):
        return obj.team
    return None


def _memo(user: Any, key: str) -> dict:
    return user.__dict__.setdefault(key, {})


def is_member_of_team(user: Any, team: Team | None) -> bool:
    if team is None or not getattr(user, "is_authenticated", False):
        return False
    memo = _memo(user, "_maillage_labs_teams")
    if team.pk not in memo:
        memo[team.pk] = TeamMember.objects.filter(team=team, user=user).exists()
    return memo[team.pk]


@rules.predicate
def is_verified_person(user: Any) -> bool:
    return residence_verifier().is_verified_person(user)


@rules.predicate
def is_organiser(user: Any, territory: Any) -> bool:
    return isinstance(territory, TerritoryRef) and holds_role_over(
        user, set(ORGANISER_ROLES), territory)


@rules.predicate
def is_staff(user: Any, obj: Any) -> bool:
    lab = lab_of(obj)
    if lab is None or not getattr(user, "is_authenticated", False):
        return False
    memo = _memo(user, "_maillage_labs_staff")
    if lab.pk not in memo:
        memo[lab.pk] = LabStaff.objects.filter(lab=lab, user=user).exists()
    return memo[lab.pk]


@rules.predicate
def is_team_member(user: Any, obj: Any) -> bool:
    return is_member_of_team(user, team_of(obj))


@rules.predicate
def is_juror(user: Any, obj: Any) -> bool:
    event = obj if isinstance(obj, Event) else getattr(obj, "event", None)
    if event is None or not getattr(user, "is_authenticated", False):
        return False
    memo = _memo(user, "_maillage_labs_juries")
    if event.pk not in memo:
        memo[event.pk] = Juror.objects.filter(event=event, user=user).exists()
    return memo[event.pk]


@rules.predicate
def challenge_open(user: Any, challenge: Challenge) -> bool:
    return (challenge.status == ChallengeStatus.OPEN
            and challenge.ideas_close_at > timezone.now())


@rules.predicate
def registration_open(user: Any, event: Event) -> bool:
    return event.starts_at > timezone.now()


@rules.predicate
def results_published(user: Any, event: Event) -> bool:
    return event.results_published_at is not None


can_run = is_superuser | is_staff

rules.add_perm("labs.add_lab", is_superuser | is_organiser)
rules.add_perm("labs.change_lab", can_run)
rules.add_perm("labs.view_dashboard", can_run)
rules.add_perm("labs.add_challenge", can_run)
rules.add_perm("labs.change_challenge", can_run)
# Ideas: any verified person while the challenge is open (participation checks its calendar).
rules.add_perm("labs.add_idea", is_verified_person & challenge_open)
rules.add_perm("labs.shortlist_idea", can_run)
rules.add_perm("labs.change_profile", is_verified_person)
rules.add_perm("labs.add_team", is_verified_person)
rules.add_perm("labs.join_team", is_verified_person)
# Teams manage their own page and task list; the lab's staff may help.
rules.add_perm("labs.change_team", is_team_member | can_run)
rules.add_perm("labs.add_event", can_run)
rules.add_perm("labs.change_event", can_run)
rules.add_perm("labs.register_event", is_verified_person & registration_open)
rules.add_perm("labs.submit_event", is_team_member)
# A submission: its team, its event's jurors and the lab's staff. Scores: jurors not in the team.
rules.add_perm("labs.view_submission", is_team_member | is_juror | can_run)
rules.add_perm("labs.score_submission", is_juror & ~is_team_member)
rules.add_perm("labs.view_results", results_published | can_run)
rules.add_perm("labs.add_project", can_run)
rules.add_perm("labs.change_project", can_run | is_team_member)
