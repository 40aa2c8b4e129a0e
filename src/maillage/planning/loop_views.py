"""Pages of the loop: publish a scenario, put scenarios to a vote, vote knowing the effects,
decide, and compare the expected effect with the measured one. Thin: services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.insights.models import AccessRun
from maillage.participation.forms import BallotForm
from maillage.participation.models import Feature, Phase, PriorityVote
from maillage.participation.phases import phase_state
from maillage.participation.selectors import process_list
from maillage.planning import evaluation, loop, selectors
from maillage.planning.models import Scenario, ScenarioAction, ScenarioBallot


def scenario_loop_context(request: HttpRequest, scenario: Scenario) -> dict[str, Any]:
    """What the scenario page shows of the loop: publication, votes, actions."""
    return {
        "can_publish": request.user.has_perm("planning.publish_scenario", scenario),
        "scenario_votes": ScenarioBallot.objects.filter(options__scenario=scenario)
        .select_related("vote", "vote__process").distinct(),
        "scenario_actions": scenario.actions.select_related("action"),
    }


def _vote_phases(request: HttpRequest, scenarios: list[Scenario]) -> list[tuple[int, str]]:
    """Vote phases not yet over of the processes the user organises, in the scenarios' région."""
    regions = {s.region_id for s in scenarios}
    choices = []
    for process in process_list(viewer=request.user):
        if not request.user.has_perm("participation.add_priority_vote", process):
            continue
        if not all(loop._in_region(process, region) for region in regions):
            continue
        state = phase_state(process)
        for phase in state.phases:
            if Feature.VOTE in phase.features and state.status_of(phase) != "past":
                dates = f"{phase.starts_at:%d/%m/%Y} → {phase.ends_at:%d/%m/%Y}"
                choices.append((phase.pk, f"{process.title} — {phase.label} ({dates})"))
    return choices


class PutToVoteForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Question posée aux habitants"), max_length=200)
    phase = forms.TypedChoiceField(label=gettext_lazy("Concertation et phase de vote"),
                                   coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Type de vote"), choices=[
        (PriorityVote.Kind.RANKED, gettext_lazy("Classement (vote alternatif)")),
        (PriorityVote.Kind.POINTS, gettext_lazy("Répartition de points"))])
    budget = forms.IntegerField(label=gettext_lazy("Points à répartir (vote par points)"),
                                min_value=1, required=False)
    description = forms.CharField(label=gettext_lazy("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    status_quo = forms.BooleanField(
        label=gettext_lazy("Proposer aussi « ne rien changer »"), required=False,
        help_text=gettext_lazy("Toujours proposé quand un seul scénario est soumis."))

    def __init__(self, *args: Any, phases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases


def _chosen(request: HttpRequest) -> list[Scenario]:
    ids = [int(v) for v in request.GET.getlist("s") + request.POST.getlist("s")
           if v.isdigit()][:10]
    return selectors.scenarios_chosen(request.user, ids)[0]


@login_required
def put_to_vote(request: HttpRequest) -> HttpResponse:
    scenarios = _chosen(request)
    if not scenarios:
        raise Http404(_("Choisissez au moins un scénario."))
    if not all(request.user.has_perm("planning.publish_scenario", s) for s in scenarios):
        raise PermissionDenied(_("Seuls les analystes qui ont préparé ces scénarios les "
                                 "soumettent au vote."))
    phases = _vote_phases(request, scenarios)
    initial = {"title": _("Quel projet pour l'accès aux soins ?"), "kind": "ranked"}
    form = PutToVoteForm(request.POST or None, phases=phases, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phase = Phase.objects.select_related("process").get(pk=data["phase"])
        try:
            ballot = loop.scenarios_put_to_vote(
                actor=request.user, scenarios=scenarios, process=phase.process, phase=phase,
                title=data["title"], kind=data["kind"], budget=data["budget"],
                description=data["description"],
                status_quo=True if data["status_quo"] else None)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Vote ouvert : les scénarios sont publiés."))
            return redirect(ballot)
    return render(request, "planning/put_to_vote.html", {
        "form": form, "scenarios": scenarios, "has_phases": bool(phases),
        "title": _("Soumettre au vote des habitants")}, status=400 if form.errors else 200)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = selectors.scenario_visible(request.user, pk)
    if scenario is None:
        raise Http404(_("Scénario inconnu."))
    try:
        loop.scenario_publish(actor=request.user, scenario=scenario)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Scénario publié : tout le monde peut le lire."))
    return redirect(scenario)


def _ballot(pk: int) -> ScenarioBallot:
    ballot = (ScenarioBallot.objects.select_related("vote", "vote__process", "vote__phase")
              .filter(pk=pk).first())
    if ballot is None:
        raise Http404(_("Vote inconnu."))
    return ballot


def ballot_detail(request: HttpRequest, pk: int, *, ballot_form: Any = None) -> HttpResponse:
    """Each option with its expected effect and its map, then the ballot (participation's
    form, posted to participation's own endpoint)."""
    ballot = _ballot(pk)
    vote = ballot.vote
    if not request.user.has_perm("participation.view_process", vote.process):
        raise Http404(_("Vote inconnu."))
    user = request.user
    can_vote = user.has_perm("participation.vote_priority", vote)
    voted = user.is_authenticated and vote.ballots.filter(voter=user).exists()
    options = list(ballot.options.select_related("scenario", "scenario__base_run", "option"))
    visible = [o.option for o in options if not o.option.is_hidden]
    status = phase_state(vote.process).status_of(vote.phase)
    cards = [{"entry": o, "sentence": loop.effect_sentence(o.expected) if o.scenario else "",
              "summary": (o.expected or {}).get("summary") or {}} for o in options]
    decided = ballot.actions.select_related("action").first()
    return render(request, "planning/ballot.html", {
        "ballot": ballot, "vote": vote, "process": vote.process, "cards": cards,
        "can_vote": can_vote, "voted": voted, "phase_status": status,
        "ballot_form": ballot_form or (BallotForm(vote=vote, options=visible)
                                       if can_vote and not voted else None),
        "can_decide": status == "past" and decided is None
        and user.has_perm("participation.add_action", vote.process),
        "decided": decided,
        "title": vote.title}, status=400 if ballot_form is not None else 200)


@login_required
@require_POST
def ballot_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = _ballot(pk)
    try:
        link = loop.ballot_decide(actor=request.user, ballot=ballot,
                                  responsible_body=request.POST.get("responsible_body", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(ballot)
    messages.success(request, _("Le scénario retenu devient une action suivie."))
    return redirect(link)


def _link(pk: int) -> ScenarioAction:
    link = (ScenarioAction.objects.select_related("action", "action__process", "scenario",
                                                  "scenario__region", "base_run", "after_run")
            .filter(pk=pk).first())
    if link is None:
        raise Http404(_("Action inconnue."))
    return link


def action_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(pk)
    if not request.user.has_perm("participation.view_process", link.action.process):
        raise Http404(_("Action inconnue."))
    result = evaluation.action_evaluation(link, request.user)
    can_measure = request.user.has_perm("planning.publish_scenario", link.scenario)
    can_link = request.user.has_perm("participation.change_action", link.action)
    chosen = {c.pk for c in link.feedback_consultations.all()}
    runs = []
    if can_measure:
        runs = list(AccessRun.objects.filter(
            region_id=link.scenario.region_id, profession=link.scenario.profession,
            method="apl", state=AccessRun.State.SUCCEEDED).exclude(pk=link.base_run_id)
            .order_by("-finished_at")[:20])
    return render(request, "planning/evaluation.html", {
        "link": link, "action": link.action, "scenario": link.scenario, "result": result,
        "can_measure": can_measure, "runs": runs, "can_link": can_link,
        "min_answers": evaluation.MIN_FEEDBACK_ANSWERS,
        "process_consultations": [(c, c.pk in chosen) for c in
                                  link.action.process.consultations.all()] if can_link else [],
        "title": _("Effet attendu et mesuré : %(t)s") % {"t": link.action.title}})


@login_required
@require_POST
def action_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(pk)
    ids = [int(v) for v in request.POST.getlist("consultations") if v.isdigit()]
    try:
        loop.scenario_action_feedback_set(actor=request.user, link=link, consultation_ids=ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consultations d'avis des usagers enregistrées."))
    return redirect(link)


@login_required
@require_POST
def action_measure(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(pk)
    value = request.POST.get("after_run", "")
    run = AccessRun.objects.filter(pk=int(value)).first() if value.isdigit() else None
    try:
        loop.scenario_action_measure_with(actor=request.user, link=link, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(link)


def actions_index(request: HttpRequest) -> HttpResponse:
    """Every action born of a scenario in a région, with its expected and measured effect."""
    region = request.GET.get("region") or None
    links = ScenarioAction.objects.select_related("action", "action__process", "scenario",
                                                  "scenario__region", "base_run", "after_run")
    if region:
        links = links.filter(scenario__region_id=region)
    rows = [evaluation.action_evaluation(link, request.user) for link in links[:100]
            if request.user.has_perm("participation.view_process", link.action.process)]
    return render(request, "planning/actions.html", {
        "rows": rows, "region": region,
        "title": _("Actions issues des scénarios : effet attendu et mesuré")})
