"""Measured after: a decided scenario's expected effect beside the access runs that followed.

The observed change is the insights run comparison (`runs_compare`) between the run the
scenario was computed on and a run after the action was done: either the run an analyst names,
or the latest successful APL run of the same région and profession finished after the action
was first reported done. Other changes of supply in between are in the observed change too; the
page says so.

Users' feedback on the service comes from two places, both aggregated and anonymous:

- the scale questions (e.g. "satisfied with the care offer near you, 1 to 5") of the
  participation consultations linked to the action (in participation, or by the analyst here),
  their mean before and after the action was done, by the day each response was submitted; a
  mean is shown from ``MIN_FEEDBACK_ANSWERS`` answers in the period, and only to who may read
  the consultation's results;
- the patients' questionnaire scores (PREMs, PROMs) of the coordination app's public, anonymised
  territory evaluation, for the affected communes and their départements (current figures: that
  evaluation is not dated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.engines.access import DesertClass
from maillage.insights import selectors as insights
from maillage.insights.models import AccessRun, Method
from maillage.participation.models import ActionStatus, Answer, QuestionKind
from maillage.participation.selectors import signalement_rows
from maillage.planning.models import ScenarioAction

PRIORITY = int(DesertClass.PRIORITY)
# Fewer answers than this in a period and its mean is not shown (too few to mean anything, and
# a single answer would be readable).
MIN_FEEDBACK_ANSWERS = 5


@dataclass(frozen=True)
class FeedbackScore:
    """Mean answer to one scale question of a consultation, before and after the action."""

    consultation_id: int
    consultation: str
    question: str
    scale_min: int
    scale_max: int
    answers_before: int
    answers_after: int
    mean_before: float | None
    mean_after: float | None
    url: str

    @property
    def change(self) -> float | None:
        if self.mean_before is None or self.mean_after is None:
            return None
        return self.mean_after - self.mean_before


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if len(values) >= MIN_FEEDBACK_ANSWERS else None


def feedback_consultations(link: ScenarioAction) -> list[Any]:
    """The consultations whose answers are the users' feedback on the action's service."""
    linked = {c.pk: c for c in link.action.consultations.all()}
    linked.update({c.pk: c for c in link.feedback_consultations.all()})
    return [linked[k] for k in sorted(linked)]


def feedback_scores(link: ScenarioAction, viewer: Any, done_at: datetime | None
                    ) -> list[FeedbackScore]:
    """Scale questions of the feedback consultations the viewer may read the results of."""
    out = []
    for consultation in feedback_consultations(link):
        if not viewer.has_perm("participation.view_consultation_results", consultation):
            continue
        for question in consultation.questions.filter(kind=QuestionKind.SCALE):
            before: list[int] = []
            after: list[int] = []
            for number, day in Answer.objects.filter(
                    question=question, number__isnull=False).values_list(
                    "number", "response__submitted_on"):
                (after if done_at is not None and day >= done_at.date() else before
                 ).append(number)
            out.append(FeedbackScore(
                consultation_id=consultation.pk, consultation=consultation.title,
                question=question.text, scale_min=question.scale_min,
                scale_max=question.scale_max, answers_before=len(before),
                answers_after=len(after), mean_before=_mean(before), mean_after=_mean(after),
                url=consultation.get_absolute_url()))
    return out


def questionnaire_scores(link: ScenarioAction, codes: list[str]) -> list[Any]:
    """The coordination app's anonymised patient scores for the affected communes and their
    départements (rows below its own k-anonymity threshold are never returned)."""
    from maillage.coordination.selectors import territory_evaluation
    from maillage.territories.models import Commune

    departements = set(Commune.objects.filter(pk__in=codes).values_list("departement_id",
                                                                         flat=True))
    wanted = set(codes)
    return [row for row in territory_evaluation(region=link.scenario.region_id)
            if (row.level == "commune" and row.code in wanted)
            or (row.level == "departement" and row.code in departements)]


@dataclass(frozen=True)
class CommuneEvaluation:
    code: str
    name: str
    population: float
    predicted_before: float
    predicted_after: float
    observed_before: float | None
    observed_after: float | None
    predicted_class_after: int
    observed_class_after: int | None
    signalements_before: int | None = None
    signalements_after: int | None = None

    @property
    def predicted_delta(self) -> float:
        return self.predicted_after - self.predicted_before

    @property
    def observed_delta(self) -> float | None:
        if self.observed_before is None or self.observed_after is None:
            return None
        return self.observed_after - self.observed_before


@dataclass(frozen=True)
class Evaluation:
    link: ScenarioAction
    done_at: datetime | None
    before_run: AccessRun | None
    after_run: AccessRun | None
    status: str  # "waiting_done", "waiting_run", "measured"
    message: str
    predicted: dict[str, float]
    observed: dict[str, float] = field(default_factory=dict)
    communes: list[CommuneEvaluation] = field(default_factory=list)
    signalements_window_days: int | None = None
    feedback: list[FeedbackScore] = field(default_factory=list)
    questionnaires: list[Any] = field(default_factory=list)

    @property
    def signalements_before(self) -> int | None:
        """Signalements in the affected communes in the window before done (None: not done)."""
        if self.signalements_window_days is None:
            return None
        return sum(c.signalements_before or 0 for c in self.communes)

    @property
    def signalements_after(self) -> int | None:
        if self.signalements_window_days is None:
            return None
        return sum(c.signalements_after or 0 for c in self.communes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.link.action_id, "scenario": self.link.scenario_id,
            "status": self.status, "message": self.message,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "before_run": self.before_run.pk if self.before_run else None,
            "after_run": self.after_run.pk if self.after_run else None,
            "predicted": self.predicted, "observed": self.observed,
            "signalements_window_days": self.signalements_window_days,
            "signalements_before": self.signalements_before,
            "signalements_after": self.signalements_after,
            "communes": [{
                "code": c.code, "name": c.name, "population": c.population,
                "predicted_before": c.predicted_before, "predicted_after": c.predicted_after,
                "predicted_delta": c.predicted_delta, "observed_before": c.observed_before,
                "observed_after": c.observed_after, "observed_delta": c.observed_delta,
                "predicted_class_after": c.predicted_class_after,
                "observed_class_after": c.observed_class_after,
                "signalements_before": c.signalements_before,
                "signalements_after": c.signalements_after,
            } for c in self.communes],
            "feedback_min_answers": MIN_FEEDBACK_ANSWERS,
            "feedback": [{
                "consultation": f.consultation_id, "title": f.consultation,
                "question": f.question, "scale": [f.scale_min, f.scale_max],
                "answers_before": f.answers_before, "answers_after": f.answers_after,
                "mean_before": f.mean_before, "mean_after": f.mean_after, "change": f.change,
            } for f in self.feedback],
            "questionnaires": [{
                "level": q.level, "code": q.code, "territory": q.territory,
                "questionnaire": q.questionnaire, "kind": q.kind, "answers": q.answers,
                "mean_score": q.mean_score, "max_score": q.max_score,
            } for q in self.questionnaires],
        }


def action_done_at(link: ScenarioAction) -> datetime | None:
    """When the action was first reported done (its first "done" update), if it is done."""
    action = link.action
    if action.status != ActionStatus.DONE:
        return None
    first = action.updates.filter(status=ActionStatus.DONE).order_by("created_at").first()
    return first.created_at if first else action.updated_at


def after_run_for(link: ScenarioAction, done_at: datetime | None) -> AccessRun | None:
    if link.after_run_id is not None:
        return link.after_run
    if done_at is None:
        return None
    scenario = link.scenario
    return (AccessRun.objects.filter(region_id=scenario.region_id,
                                     profession=scenario.profession, method=Method.APL,
                                     state=AccessRun.State.SUCCEEDED, finished_at__gt=done_at)
            .order_by("-finished_at", "-pk").first())


def _signalements(codes: list[str], since: datetime, until: datetime) -> dict[str, int]:
    # Public, visible signalements only: counts, never who reported.
    viewer = AnonymousUser()
    counts = {}
    for code in codes:
        rows = signalement_rows(viewer=viewer, commune=code, limit=5000)
        counts[code] = sum(1 for r in rows if since <= r.signalement.created_at < until)
    return counts


def action_evaluation(link: ScenarioAction, viewer: Any = None) -> Evaluation:
    """Expected vs measured: per affected commune and in total, with the users' feedback."""
    found = _access_evaluation(link)
    viewer = viewer if viewer is not None else AnonymousUser()
    codes = [c.code for c in found.communes]
    return Evaluation(**{**found.__dict__,
                         "feedback": feedback_scores(link, viewer, found.done_at),
                         "questionnaires": questionnaire_scores(link, codes)})


def _access_evaluation(link: ScenarioAction) -> Evaluation:
    expected = link.expected or {}
    summary = expected.get("summary") or {}
    communes: dict[str, list[float]] = expected.get("communes") or {}
    predicted = {
        "population_lifted": float(summary.get("population_lifted") or 0.0),
        "population_fallen": float(summary.get("population_fallen") or 0.0),
        "mean_change": float(summary.get("mean_after") or 0.0)
        - float(summary.get("mean_before") or 0.0),
        "communes_lifted": float(expected.get("communes_lifted") or 0),
    }
    before = link.base_run
    done_at = action_done_at(link)
    after = after_run_for(link, done_at)
    names = dict(link.scenario.effects.values_list("commune_id", "commune__name"))
    if not names:
        from maillage.territories.models import Commune

        names = dict(Commune.objects.filter(pk__in=list(communes)).values_list("code", "name"))

    def rows(observed: dict[str, Any]) -> list[CommuneEvaluation]:
        out = []
        for code, (b, a, _cb, ca, population) in communes.items():
            row = observed.get(code)
            out.append(CommuneEvaluation(
                code=code, name=names.get(code, code), population=population,
                predicted_before=b, predicted_after=a,
                observed_before=row.before if row else None,
                observed_after=row.after if row else None, predicted_class_after=int(ca),
                observed_class_after=row.class_after if row else None))
        out.sort(key=lambda c: -abs(c.predicted_delta))
        return out

    if done_at is None and link.after_run_id is None:
        return Evaluation(link, None, before, None, "waiting_done",
                          _("L'action n'est pas encore réalisée : l'effet sera mesuré par le "
                            "premier calcul d'accessibilité qui suivra sa réalisation."),
                          predicted, communes=rows({}))
    if before is None or after is None:
        return Evaluation(link, done_at, before, None, "waiting_run",
                          _("Aucun calcul d'accessibilité (APL) depuis la réalisation : "
                            "importez l'offre à jour et relancez le calcul pour mesurer "
                            "l'effet."), predicted, communes=rows({}))
    comparison = insights.runs_compare(before, after)
    by_code = {r.code: r for r in comparison.rows}
    measured = rows(by_code)
    affected = [by_code[c] for c in communes if c in by_code]
    observed = {
        "population_lifted": comparison.population_lifted_out_of_priority,
        "population_fallen": comparison.population_fallen_into_priority,
        "mean_change": comparison.mean_delta,
        "communes_lifted": float(sum(1 for r in comparison.rows if r.class_before == PRIORITY
                                     and r.class_after != PRIORITY)),
        "population_lifted_in_affected_communes": sum(
            r.population for r in affected
            if r.class_before == PRIORITY and r.class_after != PRIORITY),
    }
    window = None
    if done_at is not None:
        now = timezone.now()
        window = max(1, min(365, (now - done_at).days or 1))
        span = timedelta(days=window)
        codes = [c.code for c in measured]
        earlier = _signalements(codes, done_at - span, done_at)
        later = _signalements(codes, done_at, done_at + span)
        measured = [CommuneEvaluation(**{**c.__dict__, "signalements_before": earlier[c.code],
                                         "signalements_after": later[c.code]})
                    for c in measured]
    return Evaluation(link, done_at, before, after, "measured",
                      _("Mesuré : calcul n°%(a)s comparé au calcul n°%(b)s sur lequel le "
                        "scénario avait été calculé. Les autres changements d'offre survenus "
                        "entre-temps comptent aussi dans l'effet observé.")
                      % {"a": after.pk, "b": before.pk}, predicted, observed, measured, window)
