"""Each app declares what personal data it holds, so export and deletion cover them all.

An app registers an exporter (user → JSON-able data) and an eraser (called in the deletion's
transaction, before the user row is deleted: it anonymises what must outlive the person, such as a
vote's count, and deletes the rest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    exporter: Exporter
    eraser: Eraser | None = None


_SECTIONS: dict[str, PersonalDataSection] = {}


def register(name: str, exporter: Exporter, eraser: Eraser | None = None) -> None:
    _SECTIONS[name] = PersonalDataSection(name, exporter, eraser)


def sections() -> list[PersonalDataSection]:
    return list(_SECTIONS.values())
