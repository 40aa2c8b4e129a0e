"""The examples in the routing engine's docstrings run and say the truth."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["", ".model", ".schedule", ".solver", ".verify", ".cordeau", ".tighten"]


@pytest.mark.parametrize("suffix", MODULES)
def test_docstring_examples(suffix: str) -> None:
    module = importlib.import_module("maillage.engines.routing" + suffix)
    if suffix == ".cordeau" and not module.darp_data_dir().is_dir():
        pytest.skip("its example reads the DARP instances of the data mirror")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
