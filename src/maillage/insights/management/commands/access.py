"""`maillage access run|export|compare|import-reference|calibrate`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maillage.core.progress import terminal_progress
from maillage.engines.access import AccessError
from maillage.insights import defaults, exports, selectors, services
from maillage.insights.inputs import AccessDataMissing
from maillage.insights.models import AccessRun, Method
from maillage.territories.importers import TerritoryImportError

DREES_WORKBOOK = "drees-apl/apl_generalistes_2022.xlsx"


class Command(BaseCommand):
    help = "Accessibilité aux soins : calculer, exporter, comparer, charger la référence DREES."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("run", "calculer et afficher les chiffres"),
                           ("export", "calculer et écrire le CSV par commune")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--region", required=True, help="code INSEE de la région")
            p.add_argument("--profession", default="generaliste",
                           help=", ".join(defaults.PROFESSIONS))
            p.add_argument("--method", default=Method.APL, help=", ".join(Method.values))
            p.add_argument("--speed", type=float, default=None, help="vitesse effective km/h")
            if name == "export":
                p.add_argument("--output", help="fichier CSV (défaut : sortie standard)")
        p = sub.add_parser("compare", help="avant / après entre deux calculs")
        p.add_argument("--before", type=int, required=True)
        p.add_argument("--after", type=int, required=True)
        p = sub.add_parser("import-reference", help="charger le classeur APL de la DREES")
        p.add_argument("--file", help=f"défaut : $MAILLAGE_DATA_MIRROR/{DREES_WORKBOOK}")
        p = sub.add_parser("calibrate", help="comparer à la DREES et ajuster les hypothèses")
        p.add_argument("--speeds", default="35,40,45,50,55,60,70,80",
                       help="vitesses essayées (km/h)")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
        except (ValidationError, AccessDataMissing, AccessError, TerritoryImportError) as exc:
            from maillage.insights.errors import describe

            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else describe(exc)
            raise CommandError(message) from exc

    def _compute(self, options) -> AccessRun:
        run = services.access_run_create(
            actor=None, region=options["region"], profession=options["profession"],
            method=options["method"], speed_kmh=options["speed"],
        )
        show = options["verbosity"] > 0 and not (options.get("output") is None
                                                 and options["action"] == "export")
        with terminal_progress("Calcul d'accessibilité", show) as report:
            return services.access_run_execute(run, progress=report)

    def _run(self, options) -> None:
        run = self._compute(options)
        if options["verbosity"] == 0:
            return
        summary = run.summary
        self.stdout.write(self.style.SUCCESS(
            f"Calcul n°{run.pk} : {summary['communes']} communes, moyenne "
            f"{summary['mean']:.3f} {run.unit}"))
        for desert_class, label in selectors.CLASS_LABELS.items():
            value = summary["population_by_class"].get(desert_class.name.lower(), 0.0)
            self.stdout.write(f"  {label:<32} {value:>12,.0f} hab.".replace(",", " "))
        self.stdout.write(f"  part en zone d'intervention prioritaire : "
                          f"{summary['share_priority']:.1%}")
        for line in selectors.run_provenance_lines(run):
            self.stdout.write(f"  {line}")
        worst = selectors.run_results(run, "acces")[:5]
        self.stdout.write("  communes les moins bien desservies : " + ", ".join(
            f"{r.commune.name} ({r.accessibility:.2f})" for r in worst))

    def _export(self, options) -> None:
        run = self._compute(options)
        text = exports.run_csv(run)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{run.summary['communes']} communes écrites dans "
                              f"{options['output']}")
        else:
            sys.stdout.write(text)

    def _compare(self, options) -> None:
        before, after = selectors.run_get(options["before"]), selectors.run_get(options["after"])
        if before is None or after is None:
            raise CommandError("Calcul inconnu.")
        try:
            comparison = selectors.runs_compare(before, after)
        except ValueError as exc:
            raise CommandError("Les deux calculs doivent porter sur la même région et la même "
                               "profession.") from exc
        self.stdout.write(f"Variation moyenne : {comparison.mean_delta:+.4f} {after.unit}")
        self.stdout.write(f"Habitants sortis de la zone prioritaire : "
                          f"{comparison.population_lifted_out_of_priority:,.0f}".replace(",", " "))
        self.stdout.write(f"Habitants entrés en zone prioritaire : "
                          f"{comparison.population_fallen_into_priority:,.0f}".replace(",", " "))
        for row in comparison.rows[:10]:
            self.stdout.write(f"  {row.code} {row.name:<30} {row.before:7.3f} → {row.after:7.3f}"
                              f"  ({row.class_before_label} → {row.class_after_label})")

    def _import_reference(self, options) -> None:
        path = options["file"] or (
            str(Path(settings.MAILLAGE_DATA_MIRROR) / DREES_WORKBOOK)
            if settings.MAILLAGE_DATA_MIRROR else None)
        if not path:
            raise CommandError("Indiquez --file ou MAILLAGE_DATA_MIRROR.")
        year, rows = services.reference_apl_import(workbook_path=path)
        self.stdout.write(self.style.SUCCESS(f"APL DREES {year} : {rows} communes chargées."))

    def _calibrate(self, options) -> None:
        from maillage.insights.calibration import calibrate, report_lines

        try:
            speeds = [float(s) for s in options["speeds"].split(",") if s.strip()]
        except ValueError as exc:
            raise CommandError(f"--speeds : nombres séparés par des virgules attendus "
                               f"({options['speeds']!r})") from exc
        if any(not 5 <= s <= 130 for s in speeds):
            raise CommandError("--speeds : chaque vitesse doit être comprise entre 5 et 130 km/h")
        result = calibrate(speeds=speeds, log=self.stdout.write)
        if result is None:
            self.stdout.write("Rien à calibrer : chargez les communes, l'offre SIRENE et la "
                              "référence DREES (maillage access import-reference).")
            return
        lines = report_lines(result)
        self.stdout.write("\n" + "\n".join(lines[:-1]))
        self.stdout.write(self.style.SUCCESS(lines[-1]))
