"""The examples in the engine's docstrings run and give what they show."""

import doctest
import importlib

import pytest

MODULES = [
    "maillage.engines.opinion",
    "maillage.engines.opinion.matrix",
    "maillage.engines.opinion.pca",
    "maillage.engines.opinion.clustering",
    "maillage.engines.opinion.repness",
    "maillage.engines.opinion.bridging",
    "maillage.engines.opinion.conversation",
    "maillage.engines.opinion.incremental",
    "maillage.engines.opinion.routing",
    "maillage.engines.opinion.polis_export",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name.endswith(("conversation",))
