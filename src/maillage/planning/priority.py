"""Priority index per commune: measured access, vulnerability and citizens' voice, weighted.

Method (shown on the page with the weights, which the analyst adjusts):

- **access** (default weight 0.35): half the APL gap to the complementary-zone threshold,
  1 − min(APL / threshold, 1), half the desert class (priority zone 1, complementary 0.5,
  not under-served 0);
- **elderly** (0.20): the share of inhabitants aged 75 or more, as a percentile rank among
  the région's communes (0 where unknown);
- **population** (0.10): the population concerned, as a percentile rank;
- **voice** (0.20): visible signalements per 1,000 inhabitants, as a percentile rank among the
  communes that have some (0 without any);
- **votes** (0.15): the priorities voted, as supporters per 1,000 inhabitants, percentile rank
  among the communes that have some (0 without any). Supporters of a commune, over the
  priority votes of the published processes: each ranked ballot gives 1 to its first choice,
  each points ballot shares 1 in proportion of its points; an option counts for a commune when
  it is a scenario (put to the vote from this app) that improves the commune's access, and
  every participant of a vote held in a process of that very commune counts for it.

index = 100 × Σ w_k c_k / Σ w_k, in [0, 100]. Percentile ranks make components of different
units comparable and resist the outliers of small communes. Communes where measured access and
citizens' reports disagree (silent deserts, unmeasured difficulties) come from
``participation.selectors.divergences``, the same rule the signals map uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FloatArray = npt.NDArray[np.float64]

DEFAULT_WEIGHTS: dict[str, float] = {"access": 0.35, "elderly": 0.20, "population": 0.10,
                                     "voice": 0.20, "votes": 0.15}
CLASS_NEED = {0: 1.0, 1: 0.5, 2: 0.0}


def percentile_rank(values: npt.ArrayLike, present: npt.ArrayLike | None = None) -> FloatArray:
    """Average rank in [0, 1] among the ``present`` values (ties share a rank); 0 elsewhere.

    >>> percentile_rank([10.0, 30.0, 20.0, 20.0]).tolist()
    [0.0, 1.0, 0.5, 0.5]
    >>> percentile_rank([5.0, 0.0, 9.0], present=[True, False, True]).tolist()
    [0.0, 0.0, 1.0]
    """
    v = np.asarray(values, dtype=np.float64)
    mask = np.ones(v.size, bool) if present is None else np.asarray(present, bool)
    out = np.zeros(v.size)
    sub = v[mask]
    if sub.size <= 1:
        out[mask] = 1.0 if sub.size == 1 else 0.0
        return out
    order = np.sort(sub)
    low = np.searchsorted(order, sub, side="left")
    high = np.searchsorted(order, sub, side="right") - 1
    out[mask] = (low + high) / 2.0 / (sub.size - 1)
    return out


def check_weights(weights: Mapping[str, object] | None) -> dict[str, float]:
    """Weights from the analyst (missing ones take their default); ValidationError naming the
    weight when one is negative or not a number, or when all are 0."""
    out = dict(DEFAULT_WEIGHTS)
    errors = {}
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS or value in (None, ""):
            continue
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = float("nan")
        if not (np.isfinite(number) and 0 <= number <= 100):
            errors[f"w_{key}"] = _("Le poids « %(k)s » est un nombre de 0 à 100.") % {"k": key}
        else:
            out[key] = number
    if not errors and sum(out.values()) <= 0:
        errors["w_access"] = _("Au moins un poids doit être positif.")
    if errors:
        raise ValidationError(errors)
    return out


@dataclass(frozen=True, eq=False)
class PriorityComponents:
    access: FloatArray
    elderly: FloatArray
    population: FloatArray
    voice: FloatArray
    votes: FloatArray

    def index(self, weights: Mapping[str, float]) -> FloatArray:
        total = sum(weights.values())
        return 100.0 * sum(weights[k] * getattr(self, k) for k in DEFAULT_WEIGHTS) / total


def priority_components(*, apl: FloatArray, desert_class: npt.NDArray[np.int64],
                        complementary: float, share_75_plus: FloatArray,
                        population: FloatArray, per_1000: FloatArray,
                        votes_per_1000: FloatArray | None = None) -> PriorityComponents:
    """The five components in [0, 1] (NaN APL or class = not measured: access component 0).

    >>> c = priority_components(apl=np.array([0.0, 2.0, 5.0]), desert_class=np.array([0, 0, 2]),
    ...     complementary=4.0, share_75_plus=np.array([0.2, np.nan, 0.1]),
    ...     population=np.array([100.0, 300.0, 200.0]), per_1000=np.array([0.0, 5.0, 10.0]),
    ...     votes_per_1000=np.array([20.0, 0.0, 0.0]))
    >>> c.access.tolist(), c.elderly.tolist(), c.population.tolist(), c.voice.tolist()
    ([1.0, 0.75, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0])
    >>> c.votes.tolist()
    [1.0, 0.0, 0.0]
    >>> round(float(c.index(DEFAULT_WEIGHTS)[0]), 1)  # 100 × (0.35 + 0.20 + 0.15) / 1
    70.0
    """
    measured = np.isfinite(apl)
    gap = np.where(measured, 1.0 - np.minimum(np.nan_to_num(apl) / complementary, 1.0), 0.0)
    need = np.array([CLASS_NEED.get(int(c), 0.0) if c >= 0 else 0.0 for c in desert_class])
    access = np.where(measured, 0.5 * gap + 0.5 * need, 0.0)
    known_old = np.isfinite(share_75_plus)
    return PriorityComponents(
        access=access,
        elderly=percentile_rank(np.nan_to_num(share_75_plus), known_old),
        population=percentile_rank(population),
        voice=percentile_rank(per_1000, per_1000 > 0),
        votes=(np.zeros(apl.size) if votes_per_1000 is None
               else percentile_rank(votes_per_1000, votes_per_1000 > 0)),
    )


def _first_visible(ranking: list[int], visible: set[int]) -> int | None:
    return next((pk for pk in ranking if pk in visible), None)


def ballot_support(record: Mapping[str, object]) -> dict[int, float]:
    """Supporters of each option from a vote's public record (participation's
    ``priority_record``: no voter in it): a ranked ballot gives 1 to its first visible choice,
    a points ballot shares 1 in proportion to its points. Pairwise votes give nothing here.

    >>> ballot_support({"kind": "ranked", "options": [{"id": 1, "hidden": False},
    ...     {"id": 2, "hidden": False}], "ballots": [[2, 1], [1], [2]]})
    {2: 2.0, 1: 1.0}
    >>> ballot_support({"kind": "points", "options": [{"id": 1, "hidden": False},
    ...     {"id": 2, "hidden": True}], "ballots": [{"1": 3, "2": 1}, {"1": 0}]})
    {1: 1.0}
    """
    visible = {o["id"] for o in record["options"] if not o["hidden"]}  # type: ignore[union-attr,index]
    support: dict[int, float] = {}
    for ballot in record.get("ballots") or []:  # type: ignore[union-attr]
        if record["kind"] == "ranked":
            first = _first_visible(list(ballot), visible)
            if first is not None:
                support[first] = support.get(first, 0.0) + 1.0
        elif record["kind"] == "points":
            points = {int(k): float(v) for k, v in dict(ballot).items()
                      if int(k) in visible and float(v) > 0}
            total = sum(points.values())
            for pk, value in points.items():
                support[pk] = support.get(pk, 0.0) + value / total
    return support


def voted_priorities(region: str) -> dict[str, float]:
    """Supporters per commune of the région from the priority votes of published processes
    (see the module's method): scenario options count for the communes whose access they
    improve, every participant of a commune's own process counts for that commune."""
    from django.contrib.auth.models import AnonymousUser

    from maillage.participation.models import PriorityVote
    from maillage.participation.priority_results import priority_record
    from maillage.planning.models import ScenarioOption
    from maillage.territories.models import Commune

    public = AnonymousUser()
    codes = set(Commune.objects.filter(region_id=region).values_list("code", flat=True))
    out: dict[str, float] = {}
    options = (ScenarioOption.objects.filter(scenario__region_id=region)
               .select_related("ballot__vote__process"))
    by_vote: dict[int, list[ScenarioOption]] = {}
    for option in options:
        by_vote.setdefault(option.ballot.vote_id, []).append(option)
    for entries in by_vote.values():
        vote = entries[0].ballot.vote
        if not public.has_perm("participation.view_process", vote.process):
            continue
        support = ballot_support(priority_record(vote))
        for entry in entries:
            weight = support.get(entry.option_id, 0.0)
            if not weight:
                continue
            for code, row in ((entry.expected or {}).get("communes") or {}).items():
                if code in codes and row[1] > row[0]:
                    out[code] = out.get(code, 0.0) + weight
    local = PriorityVote.objects.filter(process__territory_level="commune",
                                        process__territory_code__in=codes
                                        ).select_related("process")
    for vote in local:
        if public.has_perm("participation.view_process", vote.process):
            code = vote.process.territory_code
            participants = float(priority_record(vote)["participants"])
            if participants:
                out[code] = out.get(code, 0.0) + participants
    return out


@dataclass(frozen=True)
class PriorityRow:
    code: str
    name: str
    index: float
    access: float
    elderly: float
    population_rank: float
    voice: float
    votes: float
    apl: float | None
    desert_class: int | None
    share_75_plus: float | None
    population: float
    signalements: int
    per_1000: float | None
    supporters: float = 0.0


@dataclass(frozen=True)
class PriorityIndex:
    region: str
    profession: str
    weights: dict[str, float]
    run_id: int | None
    rows: list[PriorityRow]  # highest index first
    silent_deserts: list[str]
    unmeasured_difficulties: list[str]


def priority_index(*, region: str, profession: str = "generaliste",
                   weights: Mapping[str, object] | None = None) -> PriorityIndex:
    """Every commune of the région with its index and components, highest first."""
    from maillage.participation.selectors import divergences, signals_beside_access
    from maillage.territories.models import Commune

    checked = check_weights(weights)
    figures = signals_beside_access(region=region, profession=profession)
    communes = figures.communes
    by_age = {c.code: c.share_75_plus for c in Commune.objects.filter(region_id=region).only(
        "code", "population", "population_by_age")}
    run = figures.run
    complementary = 4.0
    if run is not None:
        complementary = float((run.summary or {}).get("thresholds", {}).get(
            "complementary", 4.0)) or 4.0
    apl = np.array([np.nan if c.accessibility is None else c.accessibility for c in communes])
    classes = np.array([-1 if c.desert_class is None else c.desert_class for c in communes],
                       dtype=np.int64)
    share = np.array([np.nan if by_age.get(c.code) is None else by_age[c.code]
                      for c in communes], dtype=np.float64)
    population = np.array([c.population for c in communes], dtype=np.float64)
    rate = np.array([c.per_1000 or 0.0 for c in communes], dtype=np.float64)
    voted = voted_priorities(region)
    supporters = np.array([voted.get(c.code, 0.0) for c in communes], dtype=np.float64)
    votes_rate = np.where(population > 0, 1000.0 * supporters / np.maximum(population, 1.0),
                          0.0)
    parts = priority_components(apl=apl, desert_class=classes, complementary=complementary,
                                share_75_plus=share, population=population, per_1000=rate,
                                votes_per_1000=votes_rate)
    index = parts.index(checked)
    rows = [PriorityRow(
        code=c.code, name=c.name, index=float(index[i]), access=float(parts.access[i]),
        elderly=float(parts.elderly[i]), population_rank=float(parts.population[i]),
        voice=float(parts.voice[i]), votes=float(parts.votes[i]), apl=c.accessibility,
        desert_class=c.desert_class,
        share_75_plus=None if np.isnan(share[i]) else float(share[i]),
        population=c.population, signalements=c.total, per_1000=c.per_1000,
        supporters=float(supporters[i]))
        for i, c in enumerate(communes)]
    rows.sort(key=lambda r: (-r.index, r.code))
    split = divergences(region=region, profession=profession)
    return PriorityIndex(
        region=region, profession=profession, weights=checked,
        run_id=run.pk if run is not None else None, rows=rows,
        silent_deserts=[c.code for c in split.silent_deserts],
        unmeasured_difficulties=[c.code for c in split.unmeasured_difficulties])


def priority_communes(*, region: str, profession: str = "generaliste", top: int = 20,
                      weights: Mapping[str, object] | None = None) -> list[str]:
    """The ``top`` communes by priority index: the target list other apps use (a prevention
    campaign, a screening pathway)."""
    return [r.code for r in priority_index(region=region, profession=profession,
                                           weights=weights).rows[:top]]
