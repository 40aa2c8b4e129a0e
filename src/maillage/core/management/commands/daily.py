"""`maillage daily [--loop] [--at HH:MM] [--only APP[.JOB]] [--today YYYY-MM-DD]`."""

from __future__ import annotations

import argparse
import time
from datetime import date
from datetime import time as clock

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillage.core.daily import daily_jobs, daily_run, job_selected, next_run_after


class Command(BaseCommand):
    help = ("Lance le travail quotidien de toutes les applications (alertes de rupture, "
            "questionnaires, résumés de notifications, pétitions, initiatives). Une fois par "
            "jour par cron, ou --loop pour le faire chaque jour sans cron.")

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true",
                            help="lancer maintenant puis chaque jour à l'heure --at")
        parser.add_argument("--at", default="06:00", type=_clock,
                            help="heure locale du passage quotidien avec --loop (HH:MM)")
        parser.add_argument("--only", action="append", default=None,
                            help="une application ou une tâche (ex. coordination, "
                                 "coordination.detect-ruptures) ; répétable")
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="date du jour (AAAA-MM-JJ), pour rejouer un jour donné")
        parser.add_argument("--list", action="store_true", help="lister les tâches et sortir")

    def handle(self, *args, **options):
        jobs = daily_jobs()
        if options["list"]:
            for name in jobs:
                self.stdout.write(name)
            return
        for wanted in options["only"] or ():
            if not any(job_selected(name, wanted) for name in jobs):
                raise CommandError(f"Tâche quotidienne inconnue : {wanted} "
                                   f"(connues : {', '.join(jobs)}).")
        while True:
            failed = self._run_once(options["today"], options["only"])
            if not options["loop"]:
                if failed:
                    raise CommandError(f"{failed} tâche(s) quotidienne(s) en échec.")
                return
            wake = next_run_after(timezone.now(), options["at"])
            self.stdout.write(f"Prochain passage : {wake:%d/%m/%Y %H:%M}.")
            self.stdout.flush()
            time.sleep(max(1.0, (wake - timezone.now()).total_seconds()))

    def _run_once(self, today: date | None, only: list[str] | None) -> int:
        failed = 0
        for outcome in daily_run(today, only):
            line = f"{outcome.name} ({outcome.seconds:.1f} s) : {outcome.summary}"
            if outcome.ok:
                self.stdout.write(self.style.SUCCESS(line))
            else:
                failed += 1
                self.stderr.write(self.style.ERROR(line))
            self.stdout.flush()
        return failed


def _clock(raw: str) -> clock:
    try:
        hours, minutes = (int(part) for part in raw.split(":"))
        return clock(hours, minutes)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"heure invalide : {raw} (attendu HH:MM)") from exc
