"""Optional per-app modules (`<app>.demo`, `<app>.daily`): each app brings its own, or none."""

from __future__ import annotations

import importlib
from types import ModuleType


def import_if_present(module_name: str) -> ModuleType | None:
    """The module, or None when it does not exist (an error inside it still raises)."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
