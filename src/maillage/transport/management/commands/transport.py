"""`maillage transport bench-darp DIR`: the planner on dial-a-ride benchmark instances."""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.engines.routing import PlanningParams, plan_rides, read_best_known, verify_plan
from maillage.engines.routing import read_cordeau as read_instance


def _order(path: Path) -> tuple[int, int, str]:
    match = re.fullmatch(r"[a-z]+(\d+)-(\d+)", path.stem)
    return (int(match.group(1)), int(match.group(2)), path.stem) if match else (10**9, 0,
                                                                                 path.stem)


class Command(BaseCommand):
    help = "Transport solidaire : banc d'essai du planificateur sur les instances de Cordeau."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("bench-darp", help="résoudre chaque instance d'un dossier")
        p.add_argument("directory", type=Path,
                       help="dossier d'instances (format Cordeau), best_known.csv à côté")
        p.add_argument("--time-limit", type=float, default=30.0, help="secondes par instance")
        p.add_argument("--solution-limit", type=int, default=None,
                       help="borne en solutions (résultats identiques d'une machine à l'autre)")
        p.add_argument("--instances", default="", help="noms séparés par des virgules")

    def handle(self, *args, **options):
        folder: Path = options["directory"]
        if not folder.is_dir():
            raise CommandError(f"{folder} : dossier introuvable")
        files = sorted((p for p in folder.glob("*.txt") if p.name.lower() != "readme.txt"),
                       key=_order)
        wanted = {n for n in options["instances"].split(",") if n}
        if wanted:
            files = [p for p in files if p.stem in wanted]
        if not files:
            raise CommandError(f"{folder} : aucune instance (*.txt)")
        # Every file is read before any solving: a malformed line stops the run at once,
        # naming the file and the line.
        try:
            problems = [read_instance(p) for p in files]
            best_file = folder / "best_known.csv"
            best = read_best_known(best_file) if best_file.exists() else {}
        except (ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        params = PlanningParams(time_limit_s=options["time_limit"],
                                solution_limit=options["solution_limit"])
        self.stdout.write(f"{'instance':<10} {'cost':>9} {'best':>9} {'gap%':>6} "
                          f"{'feasible':>8} {'unserved':>8} {'time_s':>6}")
        gaps: list[float] = []
        seconds: list[float] = []
        feasible_count = 0
        for problem in problems:
            started = time.perf_counter()
            plan = plan_rides(problem, params)
            elapsed = time.perf_counter() - started
            violations = verify_plan(problem, plan)  # the independent checker, not the solver
            feasible = not violations and not plan.unserved
            feasible_count += feasible
            seconds.append(elapsed)
            reference = best.get(problem.name)
            # Rounded first so that a tie with the best-known cost never prints as -0.00.
            gap = (round(100 * (plan.cost / reference - 1), 2) or 0.0) if reference \
                else float("nan")
            if reference:
                gaps.append(gap)
            self.stdout.write(
                f"{problem.name:<10} {plan.cost:>9.2f} "
                f"{reference if reference else float('nan'):>9.2f} {gap:>6.2f} "
                f"{'yes' if feasible else 'NO':>8} {len(plan.unserved):>8} {elapsed:>6.1f}")
            for violation in violations[:5]:
                self.stdout.write(f"    {violation}")
        mean_gap = statistics.fmean(gaps) if gaps else float("nan")
        max_gap = max(gaps, default=float("nan"))
        self.stdout.write(
            f"instances={len(problems)} feasible={feasible_count} mean_gap_pct={mean_gap:.2f} "
            f"max_gap_pct={max_gap:.2f} max_seconds={max(seconds):.1f}")
