"""The initiatives directory's daily job (run by `maillage daily`)."""

from __future__ import annotations

from datetime import date

from maillage.initiatives.services import initiatives_sync


def _sync(today: date) -> str:
    summary = initiatives_sync()
    return f"{summary.created} créées, {summary.updated} mises à jour, {summary.archived} archivées"


JOBS = {"sync": _sync}
