"""The docstring examples of the engine run (STYLE.md: doctests that run)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "maillage.engines.access",
    "maillage.engines.access.apl",
    "maillage.engines.access.catchment",
    "maillage.engines.access.decay",
    "maillage.engines.access.deserts",
    "maillage.engines.access.errors",
    "maillage.engines.access.nearest",
    "maillage.engines.access.reference",
    "maillage.engines.access.scenario",
    "maillage.engines.access.siting",
    "maillage.engines.access.traveltime",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
    if name == "maillage.engines.access":
        assert result.attempted > 0  # the package's own runnable example
