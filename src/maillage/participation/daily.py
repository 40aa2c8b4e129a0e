"""Participation's daily jobs (run by `maillage daily`)."""

from __future__ import annotations

from datetime import date

from maillage.participation.services import digest_send, phases_started_announce


def _notify(today: date) -> str:
    phases = phases_started_announce()
    digests = digest_send()
    return f"{phases} phase(s) annoncée(s), {digests} résumé(s) envoyé(s)"


JOBS = {"notify": _notify}
