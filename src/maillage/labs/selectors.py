"""Reads of labs, with the viewer's rights applied.

A challenge's evidence comes from the other apps' selectors: access figures of its communes
(insights), signalements of its category and the priorities voted on its territory
(participation). Ideas are read through participation's proposal selectors, so hidden ones stay
hidden exactly as participation decides.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from maillage.insights.selectors import CLASS_LABELS, latest_run, run_results
from maillage.labs import scoring
from maillage.labs.models import (
    STAGE_ORDER,
    Challenge,
    Event,
    Idea,
    Lab,
    ProfileRole,
    Project,
    Registration,
    RegistrationStatus,
    Score,
    SkillProfile,
    Stage,
    Submission,
    Team,
    TeamMember,
)
from maillage.participation import selectors as participation
from maillage.participation.models import SignalementCategory


def lab_list() -> QuerySet[Lab]:
    return Lab.objects.annotate(challenge_count=Count("challenges", distinct=True),
                                project_count=Count("projects", distinct=True))


def lab_get(pk: int) -> Lab | None:
    return Lab.objects.select_related("process").filter(pk=pk).first()


def challenge_list(*, lab: Lab | None = None) -> QuerySet[Challenge]:
    found = Challenge.objects.select_related("lab").annotate(
        idea_count=Count("ideas", distinct=True,
                         filter=Q(ideas__proposal__hidden_at__isnull=True)))
    return found.filter(lab=lab) if lab is not None else found


def challenge_get(pk: int) -> Challenge | None:
    return (Challenge.objects.select_related("lab", "lab__process", "region")
            .prefetch_related("communes").filter(pk=pk).first())


# Evidence ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccessRow:
    code: str
    name: str
    population: float
    accessibility: float
    class_label: str
    nearest_minutes: float | None
    signalements: int


@dataclass
class Evidence:
    run: Any = None
    access: list[AccessRow] = field(default_factory=list)
    category_label: str = ""
    signalements_total: int = 0
    signalements: list[Any] = field(default_factory=list)  # latest rows, for the page
    priorities: list[Any] = field(default_factory=list)


def challenge_evidence(*, viewer: Any, challenge: Challenge, limit: int = 25) -> Evidence:
    """The facts behind a challenge: access in its communes (the least served first when it
    names none), the signalements of its category there, the priorities voted nearby."""
    evidence = Evidence()
    codes = {c.pk for c in challenge.communes.all()}
    rows = participation.signalement_rows(viewer=viewer, region=challenge.region_id,
                                          category=challenge.category or None)
    if codes:
        rows = [r for r in rows if r.signalement.commune_id in codes]
    elif challenge.territory_level != "region":
        field_name = ("departement_id" if challenge.territory_level == "departement"
                      else "code")
        rows = [r for r in rows
                if getattr(r.signalement.commune, field_name) == challenge.territory_code]
    per_commune = Counter(r.signalement.commune_id for r in rows)
    evidence.signalements_total = len(rows)
    evidence.signalements = rows[:10]
    if challenge.category:
        evidence.category_label = str(SignalementCategory(challenge.category).label)
    run = latest_run(challenge.region_id, challenge.profession)
    if run is not None:
        evidence.run = run
        results = run_results(run, sort="acces")
        if codes:
            results = results.filter(commune_id__in=codes)
        elif challenge.territory_level == "departement":
            results = results.filter(commune__departement_id=challenge.territory_code)
        elif challenge.territory_level == "commune":
            results = results.filter(commune_id=challenge.territory_code)
        evidence.access = [
            AccessRow(r.commune_id, r.commune.name, r.population, r.accessibility,
                      str(CLASS_LABELS.get(r.desert_class, r.desert_class)), r.nearest_minutes,
                      per_commune.get(r.commune_id, 0))
            for r in results[:limit]]
    evidence.priorities = participation.priority_results_in_territory(
        viewer=viewer, level=challenge.territory_level, code=challenge.territory_code)
    return evidence


# Ideas ---------------------------------------------------------------------------------------

def idea_list(*, viewer: Any, challenge: Challenge, sort: str = "recent") -> list[Idea]:
    """Visible ideas of a challenge; `idea.proposal` carries participation's support and
    comment counts and whether the viewer supports it."""
    ideas = {i.proposal_id: i for i in Idea.objects.filter(challenge=challenge)}
    proposals = participation.proposal_list(viewer=viewer, process=challenge.lab.process,
                                            sort="soutiens" if sort == "soutiens" else "recent")
    found = []
    for proposal in proposals:
        idea = ideas.get(proposal.pk)
        if idea is not None:
            idea.proposal = proposal
            idea.challenge = challenge
            found.append(idea)
    return found


def idea_get(*, viewer: Any, pk: int) -> Idea | None:
    idea = Idea.objects.select_related("challenge__lab__process").filter(pk=pk).first()
    if idea is None:
        return None
    proposal = participation.proposal_get(viewer=viewer, pk=idea.proposal_id)
    if proposal is None:
        return None
    idea.proposal = proposal
    return idea


def idea_comments(*, viewer: Any, idea: Idea) -> list[Any]:
    return participation.comment_thread(viewer=viewer, proposal=idea.proposal)


def idea_has_won(idea: Idea) -> bool:
    """Whether a team of the idea ranked first in a hackathon whose results are published."""
    for submission in Submission.objects.filter(
            team__idea=idea, event__results_published_at__isnull=False).select_related("event"):
        for result in event_results(submission.event):
            if result.submission.pk == submission.pk and result.rank == 1:
                return True
    return False


# Teams ---------------------------------------------------------------------------------------

def team_get(pk: int) -> Team | None:
    return (Team.objects.select_related("idea__proposal", "idea__challenge__lab")
            .prefetch_related("members__user", "tasks__assignee").filter(pk=pk).first())


def profile_of(user: Any) -> SkillProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return SkillProfile.objects.filter(user=user).first()


def people_directory(*, role: str | None = None) -> list[SkillProfile]:
    """Declared profiles, optionally those with a role (to find a developer, a patient
    partner…). Filtered in Python: a JSON list lookup is not portable to SQLite."""
    profiles = SkillProfile.objects.select_related("user").order_by("pk")
    return [p for p in profiles if not role or role in p.roles]


# Events --------------------------------------------------------------------------------------

def event_get(pk: int) -> Event | None:
    return (Event.objects.select_related("lab", "challenge")
            .prefetch_related("schedule", "mentors", "criteria").filter(pk=pk).first())


@dataclass(frozen=True)
class Seats:
    confirmed: int
    waiting: int
    free: int
    mine: Registration | None
    position: int | None  # in the waiting list, from 1


def event_seats(*, viewer: Any, event: Event) -> Seats:
    live = Registration.objects.filter(event=event).exclude(status=RegistrationStatus.CANCELLED)
    confirmed = live.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = list(live.filter(status=RegistrationStatus.WAITING)
                   .order_by("created_at", "pk").values_list("user_id", flat=True))
    mine = None
    position = None
    if getattr(viewer, "is_authenticated", False):
        mine = live.filter(user=viewer).first()
        if viewer.pk in waiting:
            position = waiting.index(viewer.pk) + 1
    return Seats(confirmed, len(waiting), max(event.capacity - confirmed, 0), mine, position)


def submissions_visible(*, viewer: Any, event: Event) -> list[Submission]:
    """The event's submissions the viewer may read: a juror all of this event's, a team its
    own, the lab's staff all."""
    found = (Submission.objects.filter(event=event).select_related("team", "team__idea__proposal",
                                                                    "event__lab")
             .prefetch_related("files"))
    return [s for s in found if viewer.has_perm("labs.view_submission", s)]


def submission_get(*, viewer: Any, pk: int) -> Submission | None:
    submission = (Submission.objects.select_related("event__lab", "team__idea__proposal")
                  .prefetch_related("files").filter(pk=pk).first())
    if submission is None or not viewer.has_perm("labs.view_submission", submission):
        return None
    return submission


def juror_scores(*, viewer: Any, submission: Submission) -> dict[int, int]:
    """The viewer's own notes on a submission, by criterion (jurors never see each other's)."""
    return dict(Score.objects.filter(submission=submission, juror__user=viewer)
                .values_list("criterion_id", "value"))


@dataclass(frozen=True)
class ResultRow:
    submission: Submission
    score: float | None
    rank: int | None
    tied: bool
    jurors: int
    abstentions: int  # jurors in conflict of interest with the team
    criterion_means: dict[int, float]


def event_results(event: Event) -> list[ResultRow]:
    """The ranking computed from the jury's notes (see `labs.scoring`)."""
    criteria = {c.pk: c.weight for c in event.criteria.all()}
    submissions = {s.pk: s for s in Submission.objects.filter(event=event)
                   .select_related("team", "team__idea__proposal")}
    if not criteria or not submissions:
        return [ResultRow(s, None, None, False, 0, 0, {}) for s in submissions.values()]
    jurors = dict(event.jurors.values_list("pk", "user_id"))
    members: dict[int, set[int]] = {}
    for team_id, user_id in TeamMember.objects.filter(
            team__submissions__event=event).values_list("team_id", "user_id"):
        members.setdefault(team_id, set()).add(user_id)
    conflicts = [(juror, s.pk) for juror, user in jurors.items() for s in submissions.values()
                 if user in members.get(s.team_id, set())]
    notes = [scoring.Note(sub, juror, criterion, value) for sub, juror, criterion, value in
             Score.objects.filter(submission__event=event)
             .values_list("submission_id", "juror_id", "criterion_id", "value")]
    ranked = scoring.rank(criteria, notes, score_max=event.score_max,
                          submissions=list(submissions), conflicts=conflicts)
    abstaining = Counter(sub for _juror, sub in conflicts)
    return [ResultRow(submissions[r.submission], r.score, r.rank, r.tied, r.jurors,
                      abstaining[r.submission], r.criterion_means) for r in ranked]


# Projects ------------------------------------------------------------------------------------

def project_list(*, lab: Lab | None = None) -> QuerySet[Project]:
    found = Project.objects.select_related("lab", "pilot_commune", "idea__challenge")
    return found.filter(lab=lab) if lab is not None else found


def project_get(pk: int) -> Project | None:
    return (Project.objects.select_related("lab", "team", "pilot_commune", "action",
                                           "idea__proposal", "idea__challenge")
            .prefetch_related("milestones", "partners", "history").filter(pk=pk).first())


# Dashboard -----------------------------------------------------------------------------------

@dataclass
class Dashboard:
    challenges: list[Challenge]
    people: int
    by_profile: list[tuple[str, int]]
    by_commune: list[tuple[str, str, int]]
    by_stage: list[tuple[str, str, int]]


def lab_dashboard(lab: Lab) -> Dashboard:
    """Challenges with their counts; people taking part (idea authors, team members,
    registrants) by declared role and by home commune; projects by stage."""
    challenges = list(challenge_list(lab=lab).annotate(
        team_count=Count("ideas__teams", distinct=True)))
    authors = set(Idea.objects.filter(challenge__lab=lab, proposal__author__isnull=False)
                  .values_list("proposal__author_id", flat=True))
    members = set(TeamMember.objects.filter(team__idea__challenge__lab=lab)
                  .values_list("user_id", flat=True))
    registrants = set(Registration.objects.filter(event__lab=lab).exclude(
        status=RegistrationStatus.CANCELLED).values_list("user_id", flat=True))
    people = authors | members | registrants
    profiles = Counter()
    declared = set()
    for user_id, roles in SkillProfile.objects.filter(user_id__in=people).values_list(
            "user_id", "roles"):
        for role in roles:
            profiles[role] += 1
        if roles:
            declared.add(user_id)
    by_profile = [(str(ProfileRole(r).label), profiles[r]) for r in ProfileRole.values
                  if profiles[r]]
    undeclared = len(people - declared)
    if undeclared:
        by_profile.append(("—", undeclared))
    from maillage.accounts.models import User

    communes = Counter(User.objects.filter(pk__in=people, home_commune__isnull=False)
                       .values_list("home_commune_id", "home_commune__name"))
    by_commune = [(code, name, n) for (code, name), n in communes.most_common()]
    stages = Counter(Project.objects.filter(lab=lab).values_list("stage", flat=True))
    by_stage = [(s.value, str(s.label), stages[s.value]) for s in [*STAGE_ORDER, Stage.STOPPED]]
    return Dashboard(challenges, len(people), by_profile, by_commune, by_stage)
