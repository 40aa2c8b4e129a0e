"""The payment models: one function per model, vectorised over the population's rows.

Each function returns a :class:`ModelResult`: what the team earns per patient and per
professional group, and what the payer spends per patient, under that model. Team-level rules
(Peps's cap, Ipep's quality gate, MSSP's minimum savings rate) apply per year, the population
being one team.

>>> from maillage.engines.payment.population import synthetic_population
>>> from maillage.engines.payment.parameters import FeeForServiceParameters
>>> population = synthetic_population(200, seed=1)
>>> result = fee_for_service(population, FeeForServiceParameters())
>>> bool(np.allclose(result.team_revenue, population.fees.sum(axis=1)
...                  + population.episode_spending))
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from maillage.engines.payment.parameters import (
    EpisodeParameters,
    FeeForServiceParameters,
    IpepParameters,
    MsspParameters,
    PepsParameters,
)
from maillage.engines.payment.population import (
    AGE_BANDS,
    ELDERLY_BAND,
    PROFESSIONS,
    FloatArray,
    IntArray,
    Population,
    reference_spending,
)

# Questionnaires score patient experience on 0–20 points; Ipep scales them to its majoration.
EXPERIENCE_SCALE = 20.0


@dataclass(frozen=True, eq=False)
class ModelResult:
    """One model applied to a population."""

    code: str
    by_group: FloatArray  # (n, len(GROUPS)): what each group earns for each patient row
    payer_cost: FloatArray  # (n,): what the payer spends for each patient row
    # Team-level figures per year (in the order of Population.years()), for the tables.
    per_year: dict[str, FloatArray] = field(default_factory=dict)
    # Per-patient components shown in the tables (episode phases, bonuses…).
    components: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def team_revenue(self) -> FloatArray:
        return self.by_group.sum(axis=1)


def _year_sums(values: FloatArray, year_index: IntArray, years: int) -> FloatArray:
    return np.bincount(year_index, weights=values, minlength=years)


def team_quality(population: Population, experience_max_points: float = 20.0
                 ) -> tuple[FloatArray, FloatArray]:
    """Per year: mean indicator points (0–100) and patient-experience points (0–max)."""
    years, index = population.years()
    count = np.bincount(index, minlength=len(years))
    indicators = _year_sums(population.quality, index, len(years)) / np.maximum(count, 1)
    answered = ~np.isnan(population.experience)
    answers = np.bincount(index[answered], minlength=len(years))
    experience = np.bincount(index[answered], weights=population.experience[answered],
                             minlength=len(years)) / np.maximum(answers, 1)
    points = np.clip(experience, 0, EXPERIENCE_SCALE) / EXPERIENCE_SCALE * experience_max_points
    return indicators, points


def _split_by_fee_share(amount: FloatArray, fees: FloatArray, year_index: IntArray,
                        years: int, columns: list[int]) -> FloatArray:
    """Share a team amount among groups pro rata their fee-for-service earnings of the year."""
    out = np.zeros((len(amount), len(PROFESSIONS)))
    sums = np.stack([_year_sums(fees[:, c], year_index, years) for c in columns], axis=1)
    total = sums.sum(axis=1, keepdims=True)
    shares = np.where(total > 0, sums / np.where(total > 0, total, 1), 1 / len(columns))
    out[:, columns] = amount[:, None] * shares[year_index]
    return out


def fee_for_service(population: Population, parameters: FeeForServiceParameters
                    ) -> ModelResult:
    """The baseline: each act paid its recorded value (times an optional tariff change)."""
    factor = 1.0 + parameters.tariff_change
    primary = population.fees * factor
    by_group = np.column_stack([primary, population.episode_spending])
    payer = population.spending + (factor - 1.0) * population.fees.sum(axis=1)
    return ModelResult("fee_for_service", by_group, payer)


def peps_capitation(population: Population, parameters: PepsParameters) -> ModelResult:
    """Team capitation as in Peps.

    Per patient: ``base × age × ALD × CSS × deprivation × quality modulation`` replaces the
    fee-for-service of the covered professions (GPs and nurses, physiotherapists as an option;
    Peps cahier des charges 2019). The base is calibrated, when not given, so that the
    adjusted forfaits add up to the covered fee-for-service of the year (budget neutral before
    quality). Quality moves the forfait by up to ± ``quality_modulation`` around a score of 50.
    The year's total is then capped at ``(1 + cap) ×`` the covered fee-for-service (arrêté of
    10 November 2022), by scaling every forfait of the year alike.
    """
    p = parameters
    if len(p.age_coefficients) != len(AGE_BANDS) or len(p.deprivation_coefficients) != 5:
        raise ValueError("Peps : il faut 6 coefficients d'âge et 5 de défavorisation")
    years, index = population.years()
    y = len(years)
    covered = [0, 1, 2] if p.include_physiotherapists else [0, 1]
    covered_ffs = population.fees[:, covered].sum(axis=1)
    coefficient = (
        np.take(p.age_coefficients, population.age_band)
        * np.where(population.ald_count > 0, p.ald_coefficient, 1.0)
        * np.where(population.css, p.css_coefficient, 1.0)
        * np.take(p.deprivation_coefficients, population.deprivation_quintile - 1)
    )
    ffs_year = _year_sums(covered_ffs, index, y)
    if p.base_amount > 0:
        base = np.full(y, float(p.base_amount))
    else:
        weight = _year_sums(coefficient, index, y)
        base = np.where(weight > 0, ffs_year / np.where(weight > 0, weight, 1), 0.0)
    quality, _experience = team_quality(population)
    modulation = 1.0 + p.quality_modulation * (2.0 * np.clip(quality, 0, 100) / 100.0 - 1.0)
    forfait = base[index] * coefficient * modulation[index]
    uncapped = _year_sums(forfait, index, y)
    cap = (1.0 + p.cap_over_fee_for_service) * ffs_year
    scale = np.ones(y)
    over = uncapped > cap  # implies uncapped > 0
    scale[over] = cap[over] / uncapped[over]
    forfait = forfait * scale[index]
    primary = population.fees.copy()
    primary[:, covered] = 0.0
    primary += _split_by_fee_share(forfait, population.fees, index, y, covered)
    by_group = np.column_stack([primary, population.episode_spending])
    payer = population.spending - covered_ffs + forfait
    return ModelResult("peps", by_group, payer, per_year={
        "base_amount": base, "quality_points": quality, "quality_modulation": modulation,
        "covered_fee_for_service": ffs_year, "cap": cap, "uncapped": uncapped,
        "cap_scale": scale,
    }, components={"forfait": forfait})


def ipep_bonus(population: Population, parameters: IpepParameters) -> ModelResult:
    """Shared-savings bonus as in Ipep, on top of fee-for-service.

    Amount per patient ``Cpartage × (Cécart · max(0, reference − spending) + Cévolution ·
    max(0, previous × (1 + reference growth) − spending))``, negative gaps brought to zero
    (Ipep cahier des charges). As the cahier des charges does, the gaps are those of the
    group's spending per patient in the year (the same amount is then paid for each patient);
    ``per_patient_gaps`` computes them patient by patient instead, which pays for every
    patient below the reference without offsetting those above. The growth gap is taken over
    the patients whose previous spending is known. Then times the year's quality factor: zero
    below ``quality_gate`` points, otherwise ``min(1, score / quality_full)``, the score being
    the indicator points plus up to ``experience_max_points`` for patient experience.
    """
    p = parameters
    years, index = population.years()
    y = len(years)
    reference = reference_spending(population)
    known = ~np.isnan(population.spending_previous)
    expected = np.where(known, population.spending_previous * (1.0 + p.reference_growth), 0.0)
    if p.per_patient_gaps:
        gap = np.maximum(0.0, reference - population.spending)
        growth_gap = np.where(known, np.maximum(0.0, expected - population.spending), 0.0)
    else:
        count = np.maximum(np.bincount(index, minlength=y), 1)
        known_count = np.maximum(np.bincount(index[known], minlength=y), 1)
        mean_gap = _year_sums(reference - population.spending, index, y) / count
        mean_growth_gap = _year_sums(np.where(known, expected - population.spending, 0.0),
                                     index, y) / known_count
        gap = np.maximum(0.0, mean_gap)[index]
        growth_gap = np.maximum(0.0, mean_growth_gap)[index]
    savings = p.sharing_rate * (p.gap_weight * gap + p.growth_weight * growth_gap)
    indicators, experience = team_quality(population, p.experience_max_points)
    score = indicators + experience
    factor = np.where(score >= p.quality_gate, np.minimum(1.0, score / p.quality_full), 0.0)
    bonus = savings * factor[index]
    primary = population.fees + _split_by_fee_share(bonus, population.fees, index, y,
                                                    [0, 1, 2])
    by_group = np.column_stack([primary, population.episode_spending])
    return ModelResult("ipep", by_group, population.spending + bonus, per_year={
        "quality_points": indicators, "experience_points": experience, "quality_score": score,
        "quality_factor": factor, "savings_before_quality": _year_sums(savings, index, y),
        "bonus": _year_sums(bonus, index, y),
    }, components={"gap": gap, "growth_gap": growth_gap, "bonus": bonus})


def episode_bundle(population: Population, parameters: EpisodeParameters) -> ModelResult:
    """Episode bundle as in the EDS experiment, for the surgical episodes of the year.

    The bundle ``price(episode) × risk`` (risk: 80 and over, ALD) replaces the episode's
    fee-for-service spending (pre-operative, stay, post-operative phases split by
    ``phase_shares``), and a quality envelope ``rate × bundle × quality / 100`` is paid on top.
    Primary-care acts outside the episode stay paid per act.
    """
    p = parameters
    if len(p.prices) != 3 or len(p.phase_shares) != 3:
        raise ValueError("Épisode : il faut 3 forfaits (PTH, PTG, colectomie) et 3 phases")
    has = population.episode > 0
    price = np.take((0.0, *p.prices), population.episode)
    risk = (np.where(population.age_band == ELDERLY_BAND, p.elderly_coefficient, 1.0)
            * np.where(population.ald_count > 0, p.ald_coefficient, 1.0))
    bundle = np.where(has, price * risk, 0.0)
    envelope = p.quality_envelope_rate * bundle * np.clip(population.quality, 0, 100) / 100.0
    episode_team = np.where(has, bundle + envelope, population.episode_spending)
    by_group = np.column_stack([population.fees, episode_team])
    payer = population.spending - population.episode_spending + episode_team
    shares = np.asarray(p.phase_shares) / max(sum(p.phase_shares), 1e-12)
    return ModelResult("episode", by_group, payer, components={
        "pre": bundle * shares[0], "stay": bundle * shares[1], "post": bundle * shares[2],
        "envelope": envelope, "bundle": bundle,
    })


def mssp_shared_savings(population: Population, parameters: MsspParameters) -> ModelResult:
    """Shared savings as in the US MSSP (42 CFR 425), the population being the ACO.

    Per year: benchmark = sum of the risk-adjusted references; savings = benchmark − spending.
    Savings of at least the minimum savings rate are shared from the first euro at
    ``sharing_rate × quality factor``, up to ``performance_payment_limit × benchmark``. In a
    two-sided model, losses of at least the minimum loss rate are owed at ``1 − final sharing
    rate`` bounded to [floor, ceiling], up to ``loss_limit × benchmark``. The quality factor is
    1 at or above the quality standard, proportional below (sliding scale). The team amount is
    spread over patients pro rata their benchmark, and over groups pro rata their fees.
    """
    p = parameters
    years, index = population.years()
    y = len(years)
    reference = reference_spending(population)
    benchmark = _year_sums(reference, index, y)
    actual = _year_sums(population.spending, index, y)
    savings = benchmark - actual
    indicators, _experience = team_quality(population)
    quality = np.clip(indicators / 100.0, 0, 1)
    quality_factor = np.where(quality >= p.quality_standard, 1.0, quality / p.quality_standard)
    final_rate = p.sharing_rate * quality_factor
    earned = (savings > 0) & (savings >= p.minimum_savings_rate * benchmark)
    shared = np.where(earned, np.minimum(final_rate * savings,
                                         p.performance_payment_limit * benchmark), 0.0)
    loss_rate = np.clip(1.0 - final_rate, p.loss_rate_floor, p.loss_rate_ceiling)
    owed_losses = (savings < 0) & (-savings >= p.minimum_loss_rate * benchmark)
    losses = np.where(owed_losses & p.two_sided,
                      np.minimum(loss_rate * -savings, p.loss_limit * benchmark), 0.0)
    net = shared - losses
    weight = np.where(benchmark > 0, net / np.where(benchmark > 0, benchmark, 1), 0.0)
    per_patient = weight[index] * reference
    primary = population.fees + _split_by_fee_share(per_patient, population.fees, index, y,
                                                    [0, 1, 2])
    by_group = np.column_stack([primary, population.episode_spending])
    return ModelResult("mssp", by_group, population.spending + per_patient, per_year={
        "benchmark": benchmark, "spending": actual, "savings": savings,
        "quality_factor": quality_factor, "final_sharing_rate": final_rate,
        "shared_savings": shared, "shared_losses": losses, "loss_rate": loss_rate,
    }, components={"net": per_patient})
