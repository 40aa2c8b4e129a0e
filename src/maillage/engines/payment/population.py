"""A patient population as arrays (one row per patient and year), and a seeded synthetic one.

>>> population = synthetic_population(1000, seed=7)
>>> len(population), population.acts.shape
(1000, (1000, 3))
>>> bool((population.spending >= 0).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

AGE_BANDS = ("0-17", "18-39", "40-59", "60-69", "70-79", "80+")
SEXES = ("F", "M")
# Professional groups paid per act in primary care, in the column order of `acts` and `fees`.
PROFESSIONS = ("generaliste", "infirmier", "kinesitherapeute")
# The team paid for a surgical episode: the last column of every model's `by_group`.
EPISODE_GROUP = "equipe_episode"
GROUPS = (*PROFESSIONS, EPISODE_GROUP)
# Episodes of the EDS experiment; code 0 = no surgical episode in the year.
EPISODES = ("", "pth", "ptg", "colectomie")
# ALD numbers: the ALD 30 list (art. D. 160-4 CSS), 31 (hors liste), 32 (polypathologie).
ALD_CODES = frozenset(range(1, 33))
ELDERLY_BAND = AGE_BANDS.index("80+")


class PopulationError(ValueError):
    """Arrays that do not describe a population (shapes, ranges)."""


@dataclass(frozen=True, eq=False)
class Population:
    """Patients × years. Amounts in euros per year; `nan` in optional columns means unknown."""

    year: IntArray
    age_band: IntArray  # index into AGE_BANDS
    sex: IntArray  # index into SEXES
    ald_count: IntArray  # number of ALD (0 = none)
    css: BoolArray  # complémentaire santé solidaire
    deprivation_quintile: IntArray  # 1 (least deprived) … 5 (most), FDep of the commune
    acts: FloatArray  # (n, len(PROFESSIONS)) yearly acts
    fees: FloatArray  # (n, len(PROFESSIONS)) their fee-for-service value
    spending: FloatArray  # all reimbursed spending of the year
    spending_previous: FloatArray  # the same, previous year (nan = unknown)
    spending_reference: FloatArray  # risk-adjusted reference (nan = estimated, see below)
    quality: FloatArray  # share of the patient's quality indicators met, 0–100 points
    experience: FloatArray  # patient-experience points (nan = not answered)
    episode: IntArray  # index into EPISODES
    episode_spending: FloatArray  # fee-for-service spending of the episode (pre, stay, post)

    def __post_init__(self) -> None:
        n = len(self.year)
        for f in fields(self):
            value = getattr(self, f.name)
            if len(value) != n:
                raise PopulationError(f"{f.name}: {len(value)} lignes au lieu de {n}")
        width = len(PROFESSIONS)
        if self.acts.shape != (n, width) or self.fees.shape != (n, width):
            raise PopulationError(f"acts et fees doivent avoir {width} colonnes")
        if np.any(self.age_band < 0) or np.any(self.age_band >= len(AGE_BANDS)):
            raise PopulationError("tranche d'âge hors liste")
        if np.any(self.episode < 0) or np.any(self.episode >= len(EPISODES)):
            raise PopulationError("épisode hors liste")
        if np.any((self.deprivation_quintile < 1) | (self.deprivation_quintile > 5)):
            raise PopulationError("quintile de défavorisation hors de 1 à 5")

    def __len__(self) -> int:
        return len(self.year)

    def years(self) -> tuple[IntArray, IntArray]:
        """The distinct years and, for each patient row, the index of its year."""
        values, index = np.unique(self.year, return_inverse=True)
        return values, index


def reference_spending(population: Population) -> FloatArray:
    """The risk-adjusted reference spending of each patient.

    Given in the file when the payer provides it; otherwise estimated as the mean spending of
    the patients of the same year, age band and ALD status (with or without) in the population
    itself — a stand-in for the payer's national risk model, said so on screen.
    """
    given = population.spending_reference
    missing = np.isnan(given)
    if not missing.any():
        return given
    _, year_index = population.years()
    cell = (year_index * len(AGE_BANDS) + population.age_band) * 2 + (population.ald_count > 0)
    cells = int(cell.max()) + 1
    totals = np.bincount(cell, weights=population.spending, minlength=cells)
    counts = np.bincount(cell, minlength=cells)
    means = totals / np.maximum(counts, 1)
    return np.where(missing, means[cell], given)


# Synthetic population: documented distributions (orders of magnitude of French primary care;
# none is an official figure, the generator exists so a team can try the simulator).
SYNTHETIC_AGE_SHARES = (0.21, 0.22, 0.26, 0.13, 0.10, 0.08)  # INSEE pyramid, rounded
SYNTHETIC_ALD_PROBABILITY = (0.02, 0.04, 0.12, 0.25, 0.35, 0.50)  # by age band
SYNTHETIC_AGE_CARE = (0.8, 0.7, 1.0, 1.4, 1.8, 2.4)  # relative use of care by age band
SYNTHETIC_CSS_PROBABILITY = 0.11  # ≈ 7.3 million CSS beneficiaries / 68 million people
SYNTHETIC_MEAN_ACTS = (3.2, 3.0, 1.5)  # GP, nurse, physiotherapist acts per year, before risk
SYNTHETIC_FEE_PER_ACT = (30.0, 9.5, 17.0)  # € : G = 30 € (2024 convention); AMI + travel; AMK
SYNTHETIC_BASE_SPENDING = 1100.0  # € of other reimbursed spending per year, before risk
SYNTHETIC_EPISODE_PROBABILITY = (0.0, 0.002, 0.008, 0.02, 0.03, 0.025)  # by age band
SYNTHETIC_EPISODE_SHARES = (0.45, 0.40, 0.15)  # PTH, PTG, colectomie
SYNTHETIC_EPISODE_COST = (9000.0, 9800.0, 15000.0)  # € mean fee-for-service episode cost


SYNTHETIC_REFERENCE_GROWTH = 0.03  # the payer's reference trend, and the mean growth
SYNTHETIC_TEAM_EFFECT = 0.02  # the team's spending grows this much slower than the trend


def synthetic_population(patients: int, *, seed: int, years: int = 1, first_year: int = 2024,
                         team_effect: float = SYNTHETIC_TEAM_EFFECT) -> Population:
    """A seeded population of `patients` followed for `years` years.

    Distributions: age band ~ categorical(SYNTHETIC_AGE_SHARES); sex F with p = 0.52; ALD ~
    Bernoulli by age band, their number 1 + Poisson(0.3); CSS ~ Bernoulli(0.11); deprivation
    quintile uniform on 1–5; risk = age care factor × (2.5 with ALD) × (1.15 with CSS);
    acts ~ Poisson(mean acts × risk) with the nurse's mean × 4 with ALD; fees = acts × fee per
    act; other spending ~ base × risk × log-normal(σ = 0.8, mean 1); spending growth from year
    to year ~ Normal(3 % − team effect after the first year, 8 %); the payer's reference is
    the expected spending of the risk model (no noise) growing 3 % a year; quality points ~
    100 × Beta(6, 3); patient experience answered with p = 0.3, points uniform on 0–20;
    surgical episode ~ Bernoulli by age band, its cost ~ mean × log-normal(σ = 0.25).
    """
    if patients < 1 or years < 1:
        raise PopulationError("il faut au moins un patient et une année")
    rng = np.random.default_rng(seed)
    n = patients
    age = rng.choice(len(AGE_BANDS), size=n, p=SYNTHETIC_AGE_SHARES)
    sex = (rng.random(n) >= 0.52).astype(np.int64)
    has_ald = rng.random(n) < np.take(SYNTHETIC_ALD_PROBABILITY, age)
    ald_count = np.where(has_ald, 1 + rng.poisson(0.3, n), 0)
    css = rng.random(n) < SYNTHETIC_CSS_PROBABILITY
    quintile = rng.integers(1, 6, n)
    risk = np.take(SYNTHETIC_AGE_CARE, age) * np.where(has_ald, 2.5, 1.0) * np.where(css, 1.15,
                                                                                     1.0)
    expected_other = SYNTHETIC_BASE_SPENDING * risk
    spending_before = expected_other * rng.lognormal(-0.32, 0.8, n)
    columns: dict[str, list[np.ndarray]] = {f.name: [] for f in fields(Population)}
    for k in range(years):
        means = np.outer(risk, SYNTHETIC_MEAN_ACTS)
        means[:, 1] *= np.where(has_ald, 4.0, 1.0)
        acts = rng.poisson(means).astype(np.float64)
        fees = acts * np.asarray(SYNTHETIC_FEE_PER_ACT)
        growth = rng.normal(SYNTHETIC_REFERENCE_GROWTH - (team_effect if k else 0.0), 0.08, n)
        other = spending_before * (1 + growth)
        episode = np.where(rng.random(n) < np.take(SYNTHETIC_EPISODE_PROBABILITY, age),
                           1 + rng.choice(3, size=n, p=SYNTHETIC_EPISODE_SHARES), 0)
        episode_cost = np.where(
            episode > 0,
            np.take((0.0, *SYNTHETIC_EPISODE_COST), episode) * rng.lognormal(-0.03, 0.25, n),
            0.0)
        spending = other + fees.sum(axis=1) + episode_cost
        trend = (1 + SYNTHETIC_REFERENCE_GROWTH) ** (k + 1)
        expected_episode = np.take(SYNTHETIC_EPISODE_PROBABILITY, age) * float(np.dot(
            SYNTHETIC_EPISODE_SHARES, SYNTHETIC_EPISODE_COST))
        reference = (expected_other * trend + means @ np.asarray(SYNTHETIC_FEE_PER_ACT)
                     + expected_episode)
        previous = spending_before + fees.sum(axis=1) if k == 0 else columns["spending"][-1]
        answered = rng.random(n) < 0.3
        values = {
            "year": np.full(n, first_year + k), "age_band": age, "sex": sex,
            "ald_count": ald_count, "css": css, "deprivation_quintile": quintile,
            "acts": acts, "fees": fees, "spending": spending, "spending_previous": previous,
            "spending_reference": reference,
            "quality": 100 * rng.beta(6, 3, n),
            "experience": np.where(answered, rng.uniform(0, 20, n), np.nan),
            "episode": episode, "episode_spending": episode_cost,
        }
        for name, value in values.items():
            columns[name].append(value)
        spending_before = other
    return Population(**{name: np.concatenate(parts) for name, parts in columns.items()})
