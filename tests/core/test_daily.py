"""`maillage daily`: every app's daily jobs in one run, a failing job not stopping the others."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.core import daily

PARIS = ZoneInfo("Europe/Paris")


def test_the_jobs_of_every_app_are_found_in_one_place():
    assert list(daily.daily_jobs()) == [
        "participation.notify", "coordination.detect-ruptures",
        "coordination.send-questionnaires", "mobilization.petitions", "initiatives.sync"]


@pytest.mark.django_db
def test_one_failing_job_does_not_stop_the_others(monkeypatch):
    seen: list[date] = []

    def broken(today: date) -> str:
        raise RuntimeError("base indisponible")

    def fine(today: date) -> str:
        seen.append(today)
        return "2 faites"

    monkeypatch.setattr(daily, "daily_jobs", lambda: {"a.broken": broken, "b.fine": fine})
    outcomes = list(daily.daily_run(date(2026, 3, 2)))
    assert [(o.name, o.ok, o.summary) for o in outcomes] == [
        ("a.broken", False, "RuntimeError: base indisponible"), ("b.fine", True, "2 faites")]
    assert seen == [date(2026, 3, 2)]
    assert [o.name for o in daily.daily_run(only=["b"])] == ["b.fine"]
    with pytest.raises(CommandError, match="1 tâche"):
        call_command("daily", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_the_command_runs_the_real_jobs_and_says_what_each_did(settings):
    out = StringIO()
    call_command("daily", "--today", "2026-03-02", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(" ")[0] for line in lines] == list(daily.daily_jobs())
    assert "0 parcours examinés" in out.getvalue()
    with pytest.raises(CommandError, match="inconnue : transport"):
        call_command("daily", "--only", "transport", stdout=StringIO())


def test_the_next_morning_run_is_today_if_still_to_come_else_tomorrow(settings):
    settings.TIME_ZONE = "Europe/Paris"
    early = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)  # the night clocks go forward
    assert daily.next_run_after(early, time(6, 0)) == datetime(2026, 3, 29, 6, 0, tzinfo=PARIS)
    late = datetime(2026, 3, 29, 6, 0, tzinfo=PARIS)
    assert daily.next_run_after(late, time(6, 0)) == datetime(2026, 3, 30, 6, 0, tzinfo=PARIS)
