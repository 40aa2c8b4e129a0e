"""Closing the loop: scenarios put to the people, the chosen one tracked as an action.

Votes and actions live in the participation app: these services call its own services
(`priority_vote_create`, `action_create`) and its results (`priority_results`), and keep only
the links and what voters and deciders were shown (the expected effect, frozen).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import User
from maillage.engines.access import DesertClass
from maillage.insights.models import AccessRun, Method
from maillage.participation import services as participation
from maillage.participation.models import Phase, PriorityVote, Process
from maillage.participation.phases import phase_state
from maillage.participation.priority_results import priority_results
from maillage.planning.models import Scenario, ScenarioAction, ScenarioBallot, ScenarioOption
from maillage.territories.selectors import TerritoryRef, territory_contains

STATUS_QUO = gettext_lazy("Ne rien changer (situation actuelle)")


def _check_publisher(actor: User | None, scenario: Scenario) -> None:
    if actor is not None and not actor.has_perm("planning.publish_scenario", scenario):
        raise PermissionDenied(_("Seuls les analystes qui ont préparé le scénario « %(s)s » "
                                 "le publient.") % {"s": scenario.name})


def expected_effect(scenario: Scenario) -> dict[str, object]:
    """What the scenario is expected to do, as shown to voters and deciders (frozen JSON)."""
    effects = list(scenario.effects.all())
    priority = int(DesertClass.PRIORITY)
    return {
        "summary": dict(scenario.summary or {}),
        "computed_at": scenario.computed_at.isoformat() if scenario.computed_at else None,
        "base_run": scenario.base_run_id,
        "communes_lifted": sum(1 for e in effects if e.class_before == priority
                               and e.class_after != priority),
        "communes": {e.commune_id: [e.before, e.after, e.class_before, e.class_after,
                                    e.population] for e in effects},
    }


def _require_computed(scenario: Scenario) -> None:
    if scenario.state != Scenario.State.COMPUTED or scenario.base_run_id is None:
        raise ValidationError({"scenarios": _("Le scénario « %(s)s » n'est pas calculé : "
                                              "calculez son effet avant de le publier.")
                               % {"s": scenario.name}})


@transaction.atomic
def scenario_publish(*, actor: User | None, scenario: Scenario) -> Scenario:
    """Make a computed scenario public; from then on it no longer changes. Idempotent."""
    _check_publisher(actor, scenario)
    if scenario.published_at is None:
        _require_computed(scenario)
        scenario.published_at = timezone.now()
        Scenario.objects.filter(pk=scenario.pk).update(published_at=scenario.published_at)
    return scenario


def _in_region(process: Process, region: str) -> bool:
    return territory_contains(TerritoryRef("region", region),
                              TerritoryRef(process.territory_level, process.territory_code))


def effect_sentence(expected: dict[str, object]) -> str:
    """The expected effect in plain French, as voters read it beside each option."""
    summary = expected.get("summary") or {}
    lifted = float(summary.get("population_lifted") or 0)  # type: ignore[union-attr]
    fallen = float(summary.get("population_fallen") or 0)  # type: ignore[union-attr]
    elderly = float(summary.get("population_75_reached") or 0)  # type: ignore[union-attr]
    improved = int(summary.get("communes_improved") or 0)  # type: ignore[union-attr]
    parts = [_("%(n)s habitants sortiraient de la zone d'intervention prioritaire "
               "(%(c)s communes)") % {"n": f"{lifted:,.0f}".replace(",", "\u202f"),
                                       "c": expected.get("communes_lifted", 0)},
             _("l'accès s'améliorerait dans %(n)s communes") % {"n": improved},
             _("%(n)s personnes de 75 ans et plus mieux servies")
             % {"n": f"{elderly:,.0f}".replace(",", "\u202f")}]
    if fallen:
        parts.append(_("%(n)s habitants entreraient en zone d'intervention prioritaire")
                     % {"n": f"{fallen:,.0f}".replace(",", "\u202f")})
    return " ; ".join(parts) + "."


@transaction.atomic
def scenarios_put_to_vote(
    *, actor: User, scenarios: list[Scenario], process: Process, phase: Phase, title: str,
    kind: str = PriorityVote.Kind.RANKED, budget: int | None = None, description: str = "",
    status_quo: bool | None = None,
) -> ScenarioBallot:
    """Open a priority vote in a process whose options are the scenarios (published).

    Only the process's organisers open it (participation's own rule). A single scenario is
    put against "change nothing" (``status_quo`` defaults to True for one scenario).
    """
    errors: dict[str, str] = {}
    unique = list(dict.fromkeys(scenarios))
    if not unique:
        errors["scenarios"] = _("Choisissez au moins un scénario.")
    if kind not in (PriorityVote.Kind.RANKED, PriorityVote.Kind.POINTS):
        errors["kind"] = _("Les scénarios se départagent par classement ou par points.")
    for scenario in unique:
        if not _in_region(process, scenario.region_id):
            errors["process"] = _("La concertation « %(p)s » n'est pas dans la région du "
                                  "scénario « %(s)s ».") % {"p": process.title, "s": scenario.name}
    if errors:
        raise ValidationError(errors)
    for scenario in unique:
        _check_publisher(actor, scenario)
        _require_computed(scenario)
    with_status_quo = len(unique) == 1 if status_quo is None else status_quo
    labels = [s.name for s in unique] + ([str(STATUS_QUO)] if with_status_quo else [])
    expected = {s.pk: expected_effect(s) for s in unique}
    lines = [description.strip()] if description.strip() else []
    lines += [f"{s.name} : {effect_sentence(expected[s.pk])}" for s in unique]
    lines.append(_("Effet calculé de chaque option, carte, méthode et version des données : "
                   "page « Voter en connaissant les effets »."))
    vote = participation.priority_vote_create(
        actor=actor, process=process, phase=phase, title=title, kind=kind, options=labels,
        description="\n\n".join(lines), budget=budget, allow_new_options=False)
    ballot = ScenarioBallot.objects.create(vote=vote, created_by=actor)
    options = {o.label: o for o in vote.options.all()}
    for scenario in unique:
        scenario_publish(actor=actor, scenario=scenario)
        ScenarioOption.objects.create(ballot=ballot, scenario=scenario,
                                      option=options[scenario.name.strip()[:200]],
                                      expected=expected[scenario.pk],
                                      base_run_id=scenario.base_run_id)
    if with_status_quo:
        ScenarioOption.objects.create(ballot=ballot, scenario=None,
                                      option=options[str(STATUS_QUO)])
    return ballot


def ballot_winner(ballot: ScenarioBallot) -> ScenarioOption | None:
    """The option ahead in the vote's results (the runoff winner of a ranked vote)."""
    results = priority_results(ballot.vote)
    if results.participants == 0:
        return None
    option = results.winner or (results.rows[0].option if results.rows else None)
    if option is None:
        return None
    return ballot.options.select_related("scenario").filter(option=option).first()


@transaction.atomic
def scenario_action_create(
    *, actor: User, scenario: Scenario, process: Process, responsible_body: str,
    ballot: ScenarioBallot | None = None, starts_on: date | None = None,
    ends_on: date | None = None, is_demo: bool = False, consultation_ids: list[int] = (),
) -> ScenarioAction:
    """The decided scenario becomes a participation action, its expected effect recorded."""
    _check_publisher(actor, scenario)
    _require_computed(scenario)
    if not _in_region(process, scenario.region_id):
        raise ValidationError({"process": _("La concertation n'est pas dans la région du "
                                            "scénario.")})
    if ScenarioAction.objects.filter(scenario=scenario, action__process=process).exists():
        raise ValidationError({"scenario": _("Ce scénario est déjà une action de cette "
                                             "concertation.")})
    expected = expected_effect(scenario)
    codes = [code for code, row in expected["communes"].items()  # type: ignore[union-attr]
             if row[1] > row[0]]
    action = participation.action_create(
        actor=actor, process=process, title=scenario.name[:200],
        responsible_body=responsible_body,
        description=(scenario.description + "\n\n" if scenario.description else "")
        + _("Effet attendu : %(e)s") % {"e": effect_sentence(expected)},
        commune_codes=codes, starts_on=starts_on, ends_on=ends_on, is_demo=is_demo,
        consultation_ids=list(consultation_ids))
    scenario_publish(actor=actor, scenario=scenario)
    return ScenarioAction.objects.create(action=action, scenario=scenario, ballot=ballot,
                                         expected=expected, base_run_id=scenario.base_run_id,
                                         created_by=actor if actor.pk else None)


def ballot_decide(*, actor: User, ballot: ScenarioBallot, responsible_body: str,
                  starts_on: date | None = None, ends_on: date | None = None
                  ) -> ScenarioAction:
    """Once the vote is closed, its winning scenario becomes the process's action."""
    vote = ballot.vote
    if phase_state(vote.process).status_of(vote.phase) != "past":
        raise ValidationError({"ballot": _("Le vote n'est pas clos : attendez la fin de sa "
                                           "phase pour retenir un scénario.")})
    winner = ballot_winner(ballot)
    if winner is None:
        raise ValidationError({"ballot": _("Personne n'a voté : aucun scénario à retenir.")})
    if winner.scenario is None:
        raise ValidationError({"ballot": _("Les votants ont préféré ne rien changer.")})
    return scenario_action_create(actor=actor, scenario=winner.scenario,
                                  process=vote.process, responsible_body=responsible_body,
                                  ballot=ballot, starts_on=starts_on, ends_on=ends_on)


def scenario_action_measure_with(*, actor: User, link: ScenarioAction,
                                 run: AccessRun | None) -> ScenarioAction:
    """Name the access run that measures the action's effect (None: the automatic choice)."""
    if not actor.has_perm("planning.publish_scenario", link.scenario):
        raise PermissionDenied(_("Réservé aux analystes du scénario."))
    if run is not None:
        scenario = link.scenario
        if (run.region_id, run.profession, run.method) != (scenario.region_id,
                                                            scenario.profession, Method.APL):
            raise ValidationError({"after_run": _("Le calcul n°%(n)s ne porte pas sur la même "
                                                  "région, profession et méthode (APL).")
                                   % {"n": run.pk}})
        if run.state != AccessRun.State.SUCCEEDED:
            raise ValidationError({"after_run": _("Le calcul n°%(n)s n'a pas abouti.")
                                   % {"n": run.pk}})
        if link.base_run_id is not None and run.pk == link.base_run_id:
            raise ValidationError({"after_run": _("C'est le calcul d'avant l'action.")})
    ScenarioAction.objects.filter(pk=link.pk).update(after_run=run)
    link.after_run = run
    return link


@transaction.atomic
def scenario_action_feedback_set(*, actor: User, link: ScenarioAction,
                                 consultation_ids: list[int]) -> ScenarioAction:
    """Name the consultations of the action's process whose scale questions are the users'
    feedback on the service (replaces the previous choice; an empty list clears it)."""
    action = link.action
    if not actor.has_perm("participation.change_action", action):
        raise PermissionDenied(_("Seuls les organisateurs de la concertation choisissent les "
                                 "consultations d'avis des usagers."))
    wanted = set(consultation_ids)
    found = list(action.process.consultations.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"consultations": _(
            "Une consultation citée n'appartient pas à la concertation « %(p)s ».")
            % {"p": action.process.title}})
    link.feedback_consultations.set(found)
    return link
