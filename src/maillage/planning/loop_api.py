"""HTTP API of the loop (mounted on the planning router): the same use cases as its pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from maillage.insights.models import AccessRun
from maillage.participation.api.common import ErrorOut, field_errors
from maillage.participation.models import Phase, Process
from maillage.participation.phases import phase_state
from maillage.planning import evaluation, loop, selectors
from maillage.planning.models import ScenarioAction, ScenarioBallot

router = Router(tags=["planning"])


class PublishedOut(Schema):
    id: int
    published_at: str | None


class VoteIn(Schema):
    scenarios: list[int] = Field(min_length=1, max_length=10)
    phase: int = Field(description="Phase de vote (à venir ou en cours) de la concertation")
    title: str = Field(max_length=200)
    kind: str = Field("ranked", pattern="^(ranked|points)$")
    budget: int | None = Field(None, ge=1)
    description: str = Field("", max_length=5000)
    status_quo: bool | None = Field(None, description="Ajouter « ne rien changer » "
                                                      "(par défaut : si un seul scénario)")


class OptionOut(Schema):
    option: int
    label: str
    scenario: int | None
    effect: str
    expected: dict[str, Any]
    base_run: int | None


class BallotOut(Schema):
    id: int
    vote: int
    process: int
    title: str
    kind: str
    phase_status: str
    vote_url: str
    options: list[OptionOut]
    action: int | None


class DecideIn(Schema):
    responsible_body: str = Field(max_length=200)
    starts_on: date | None = None
    ends_on: date | None = None


class ActionIn(DecideIn):
    process: int


class LinkOut(Schema):
    id: int
    action: int
    scenario: int
    ballot: int | None
    expected: dict[str, Any]
    base_run: int | None
    after_run: int | None


class MeasureIn(Schema):
    after_run: int | None = Field(None, description="Calcul APL après l'action ; vide = "
                                                    "automatique")


def _ballot_out(request: HttpRequest, ballot: ScenarioBallot) -> BallotOut:
    vote = ballot.vote
    decided = ballot.actions.first()
    return BallotOut(
        id=ballot.pk, vote=vote.pk, process=vote.process_id, title=vote.title, kind=vote.kind,
        phase_status=phase_state(vote.process).status_of(vote.phase),
        vote_url=request.build_absolute_uri(ballot.get_absolute_url()),
        options=[OptionOut(option=o.option_id, label=o.option.label, scenario=o.scenario_id,
                           effect=loop.effect_sentence(o.expected) if o.scenario_id else "",
                           expected=o.expected or {}, base_run=o.base_run_id)
                 for o in ballot.options.select_related("option")],
        action=decided.action_id if decided else None)


def _link_out(link: ScenarioAction) -> LinkOut:
    return LinkOut(id=link.pk, action=link.action_id, scenario=link.scenario_id,
                   ballot=link.ballot_id, expected=link.expected or {},
                   base_run=link.base_run_id, after_run=link.after_run_id)


def _visible_scenario(request: HttpRequest, pk: int):
    scenario = selectors.scenario_visible(request.user, pk)
    if scenario is None:
        raise Http404(_("Scénario introuvable."))
    return scenario


def _ballot(request: HttpRequest, pk: int) -> ScenarioBallot:
    ballot = ScenarioBallot.objects.select_related("vote", "vote__process", "vote__phase") \
        .filter(pk=pk).first()
    if ballot is None or not request.user.has_perm("participation.view_process",
                                                   ballot.vote.process):
        raise Http404(_("Vote introuvable."))
    return ballot


def _link(request: HttpRequest, pk: int) -> ScenarioAction:
    link = ScenarioAction.objects.select_related(
        "action", "action__process", "scenario", "base_run", "after_run").filter(pk=pk).first()
    if link is None or not request.user.has_perm("participation.view_process",
                                                 link.action.process):
        raise Http404(_("Action introuvable."))
    return link


@router.post("/scenarios/{pk}/publish", auth=django_auth,
             response={200: PublishedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Publier un scénario calculé (il ne change plus)")
@field_errors
def publish(request: HttpRequest, pk: int):
    scenario = loop.scenario_publish(actor=request.user, scenario=_visible_scenario(request, pk))
    return PublishedOut(id=scenario.pk, published_at=scenario.published_at.isoformat()
                        if scenario.published_at else None)


@router.post("/votes", auth=django_auth,
             response={201: BallotOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Soumettre des scénarios au vote des habitants (vote de priorités)")
@field_errors
def put_to_vote(request: HttpRequest, payload: VoteIn):
    scenarios = [_visible_scenario(request, pk) for pk in payload.scenarios]
    phase = Phase.objects.select_related("process").filter(pk=payload.phase).first()
    if phase is None:
        raise Http404(_("Phase introuvable."))
    ballot = loop.scenarios_put_to_vote(
        actor=request.user, scenarios=scenarios, process=phase.process, phase=phase,
        title=payload.title, kind=payload.kind, budget=payload.budget,
        description=payload.description, status_quo=payload.status_quo)
    return Status(201, _ballot_out(request, ballot))


@router.get("/votes/{pk}", response={200: BallotOut, 404: ErrorOut},
            summary="Un vote sur des scénarios : chaque option et son effet calculé")
def ballot(request: HttpRequest, pk: int):
    return _ballot_out(request, _ballot(request, pk))


@router.post("/votes/{pk}/decide", auth=django_auth,
             response={201: LinkOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Le vote clos, le scénario en tête devient une action suivie")
@field_errors
def decide(request: HttpRequest, pk: int, payload: DecideIn):
    link = loop.ballot_decide(actor=request.user, ballot=_ballot(request, pk), **payload.dict())
    return Status(201, _link_out(link))


@router.post("/scenarios/{pk}/actions", auth=django_auth,
             response={201: LinkOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Faire d'un scénario une action d'une concertation (sans vote)")
@field_errors
def make_action(request: HttpRequest, pk: int, payload: ActionIn):
    process = Process.objects.filter(pk=payload.process).first()
    if process is None:
        raise Http404(_("Concertation introuvable."))
    data = payload.dict()
    data.pop("process")
    link = loop.scenario_action_create(actor=request.user,
                                       scenario=_visible_scenario(request, pk),
                                       process=process, **data)
    return Status(201, _link_out(link))


@router.get("/actions", response=list[dict[str, Any]],
            summary="Les actions issues des scénarios : effet attendu et mesuré")
def actions(request: HttpRequest, region: str | None = Query(None, max_length=3)):
    links = ScenarioAction.objects.select_related("action", "action__process", "scenario",
                                                  "base_run", "after_run")
    if region:
        links = links.filter(scenario__region_id=region)
    return [evaluation.action_evaluation(link, request.user).as_dict() for link in links[:100]
            if request.user.has_perm("participation.view_process", link.action.process)]


@router.get("/actions/{pk}/evaluation", response={200: dict[str, Any], 404: ErrorOut},
            summary="Effet attendu et mesuré d'une action (calculs avant / après)")
def action_evaluation(request: HttpRequest, pk: int):
    return evaluation.action_evaluation(_link(request, pk), request.user).as_dict()


@router.post("/actions/{pk}/measure", auth=django_auth,
             response={200: dict[str, Any], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Choisir le calcul d'accessibilité qui mesure l'effet")
@field_errors
def measure(request: HttpRequest, pk: int, payload: MeasureIn):
    link = _link(request, pk)
    run = None
    if payload.after_run is not None:
        run = AccessRun.objects.filter(pk=payload.after_run).first()
        if run is None:
            raise Http404(_("Calcul introuvable."))
    if not request.user.is_authenticated:
        raise PermissionDenied
    loop.scenario_action_measure_with(actor=request.user, link=link, run=run)
    return evaluation.action_evaluation(link, request.user).as_dict()


class FeedbackIn(Schema):
    consultations: list[int] = Field(default_factory=list, max_length=20,
                                     description="Consultations de la concertation dont les "
                                                 "questions à échelle sont l'avis des usagers")


@router.post("/actions/{pk}/feedback", auth=django_auth,
             response={200: dict[str, Any], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Choisir les consultations d'avis des usagers sur le service")
@field_errors
def feedback(request: HttpRequest, pk: int, payload: FeedbackIn):
    link = _link(request, pk)
    loop.scenario_action_feedback_set(actor=request.user, link=link,
                                      consultation_ids=payload.consultations)
    return evaluation.action_evaluation(link, request.user).as_dict()
