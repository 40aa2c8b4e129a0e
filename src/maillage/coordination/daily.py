"""The care cooperation's daily jobs (run by `maillage daily`)."""

from __future__ import annotations

from datetime import date

from maillage.coordination import services


def _ruptures(today: date) -> str:
    summary = services.alerts_detect(today=today)
    return (f"{summary.pathways} parcours examinés : {summary.raised} alertes levées, "
            f"{summary.closed} closes")


def _questionnaires(today: date) -> str:
    sent = services.questionnaires_dispatch(today=today)
    return f"{sent.sent} questionnaires envoyés à {sent.patients_told} patients"


JOBS = {"detect-ruptures": _ruptures, "send-questionnaires": _questionnaires}
