"""The synthetic population, the comparison, the parameter descriptions, the doctests."""

from __future__ import annotations

import doctest
import importlib
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

from maillage.engines.payment import (
    MODELS,
    PARAMETER_CLASSES,
    PopulationError,
    Scenario,
    describe,
    reference_spending,
    sensitivity,
    simulate,
    synthetic_population,
)
from tests.engines.payment.conftest import tiny

MODULES = ["maillage.engines.payment", "maillage.engines.payment.parameters",
           "maillage.engines.payment.population", "maillage.engines.payment.models",
           "maillage.engines.payment.compare"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_the_engine_never_imports_django():
    for name in MODULES:
        module = sys.modules.get(name) or importlib.import_module(name)
        with open(module.__file__, encoding="utf-8") as file:
            source = file.read()
        assert "import django" not in source and "from django" not in source


def test_the_same_seed_gives_the_same_population():
    a, b = synthetic_population(500, seed=11, years=2), synthetic_population(500, seed=11,
                                                                             years=2)
    assert_allclose(a.spending, b.spending)
    assert not np.allclose(a.spending, synthetic_population(500, seed=12, years=2).spending)


def test_synthetic_distributions_are_plausible():
    p = synthetic_population(20_000, seed=1)
    assert 0.08 < p.css.mean() < 0.14  # Bernoulli(0.11)
    assert 0.10 < (p.ald_count > 0).mean() < 0.22  # ≈ 17 % of the French population in ALD
    assert 2.5 < p.acts[:, 0].mean() < 6  # GP acts per person and year
    assert (p.fees >= 0).all() and (p.spending >= p.fees.sum(axis=1)).all()


def test_a_malformed_population_is_refused():
    with pytest.raises(PopulationError):
        tiny(n=2, deprivation_quintile=[0, 3])
    with pytest.raises(PopulationError):
        tiny(n=2, episode=[0, 9])


def test_the_reference_is_estimated_by_year_age_and_ald_when_missing():
    p = tiny(n=3, spending=[100, 300, 1000], spending_reference=[np.nan, np.nan, 500],
             ald_count=[0, 0, 1])
    assert_allclose(reference_spending(p), [200, 200, 500])


def test_the_comparison_adds_up_per_year_and_group():
    population = synthetic_population(400, seed=2, years=2)
    comparison = simulate(population, Scenario())
    assert list(comparison.results) == list(MODELS)
    for model in MODELS:
        assert_allclose(comparison.group_by_year[model].sum(axis=1),
                        comparison.team_by_year[model])
        assert_allclose(comparison.team_by_year[model].sum(),
                        comparison.results[model].team_revenue.sum())
    assert comparison.patients_by_year.tolist() == [400, 400]


def test_sensitivity_moves_one_parameter():
    population = synthetic_population(300, seed=4)
    team, _payer = sensitivity(population, Scenario(), "ipep", "sharing_rate", [0.0, 0.5, 1.0])
    ffs = population.fees.sum() + population.episode_spending.sum()
    assert team[0] == pytest.approx(ffs)
    assert team[2] - ffs == pytest.approx(2 * (team[1] - ffs))


def test_every_parameter_has_a_label_and_a_source():
    for cls in PARAMETER_CLASSES.values():
        for info in describe(cls):
            assert info.label and info.source and isinstance(info.assumption, bool)
