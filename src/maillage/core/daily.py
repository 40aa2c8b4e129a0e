"""The platform's daily work, in one place: each app lists its jobs in `<app>/daily.py`.

Rupture alerts, questionnaires whose window opens, notification digests, petitions past their
deadline, initiatives taken from the other apps: all are idempotent, so running the day's jobs
twice does no harm, and a job that fails does not stop the others. `maillage daily` runs them
once (for cron or a systemd timer); `maillage daily --loop` runs them now and then every day
(the demo starts it beside the web server and the task worker).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.apps import apps
from django.utils import timezone

from maillage.core.discovery import import_if_present

logger = logging.getLogger(__name__)

# A job gets the day it runs for and returns one line saying what it did.
DailyJob = Callable[[date], str]


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ok: bool
    summary: str
    seconds: float


def daily_jobs() -> dict[str, DailyJob]:
    """Every installed app's `daily.JOBS`, named `<app>.<job>`, in the order of INSTALLED_APPS."""
    found: dict[str, DailyJob] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.daily"
        if not config.name.startswith("maillage.") or module_name == __name__:
            continue
        module = import_if_present(module_name)
        if module is None:
            continue
        for name, job in module.JOBS.items():
            found[f"{config.label}.{name}"] = job
    return found


def job_selected(name: str, wanted: str) -> bool:
    """`wanted` names this job (`app.job`) or its whole app (`app`)."""
    return name == wanted or name.startswith(f"{wanted}.")


def daily_run(today: date | None = None, only: list[str] | None = None) -> Iterator[JobOutcome]:
    """Run the day's jobs one after the other, yielding each outcome as it comes."""
    day = today or timezone.localdate()
    for name, job in daily_jobs().items():
        if only and not any(job_selected(name, wanted) for wanted in only):
            continue
        started = time.monotonic()
        try:
            summary = job(day)
        except Exception as exc:  # one job's failure must not stop the others
            logger.exception("Daily job %s failed", name)
            yield JobOutcome(name, False, f"{type(exc).__name__}: {exc}",
                             time.monotonic() - started)
        else:
            yield JobOutcome(name, True, summary, time.monotonic() - started)


def next_run_after(moment: datetime, at: clock) -> datetime:
    """The next local time `at` strictly after `moment` (today's if still to come)."""
    local = timezone.localtime(moment)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = timezone.make_aware(
            datetime.combine(local.date() + timedelta(days=1), at), local.tzinfo)
    return candidate
