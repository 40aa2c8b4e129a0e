"""Mobilisation's daily jobs (run by `maillage daily`)."""

from __future__ import annotations

from datetime import date

from maillage.mobilization.services import petition_answer_reminders_send, petitions_close_expired


def _petitions(today: date) -> str:
    closed = petitions_close_expired()
    reminded = petition_answer_reminders_send()
    return f"{closed} pétition(s) close(s), {reminded} rappel(s) envoyé(s)"


JOBS = {"petitions": _petitions}
