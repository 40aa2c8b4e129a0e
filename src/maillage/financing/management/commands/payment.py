"""`maillage payment simulate|parameters`: the payment simulator from a terminal.

Reads a local file (or generates a synthetic population) and stores nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.engines.payment import synthetic_population
from maillage.financing import exports
from maillage.financing.importers import PopulationFileError, parse_population_csv
from maillage.financing.simulation import MODEL_LABELS, build_report, parameter_rows, scenario_from


class Command(BaseCommand):
    help = "Simulateur de financement : comparer les modèles de paiement sur une population."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("simulate", help="comparer les modèles par année")
        source = p.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", help="fichier CSV au format du modèle")
        source.add_argument("--synthetic", type=int, metavar="PATIENTS",
                            help="population synthétique de PATIENTS patients")
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--years", type=int, default=1)
        p.add_argument("--set", action="append", default=[], metavar="MODELE.PARAMETRE=VALEUR",
                       help="changer un paramètre (répétable)")
        p.add_argument("--sensitivity", metavar="MODELE.PARAMETRE")
        p.add_argument("--csv", help="écrire l'export CSV dans ce fichier")
        p.add_argument("--pdf", help="écrire l'export PDF dans ce fichier")
        sub.add_parser("parameters", help="lister les paramètres, défauts et sources")

    def handle(self, *args, action: str, **options):
        if action == "parameters":
            for row in parameter_rows(scenario_from({})[0]):
                flag = " [hypothèse]" if row.assumption else ""
                self.stdout.write(f"{row.key} = {row.default_shown}{flag}\n    {row.source}")
            return
        if options["file"]:
            try:
                population = parse_population_csv(Path(options["file"]).read_bytes()).population
            except PopulationFileError as exc:
                raise CommandError("Fichier refusé :\n" + "\n".join(exc.errors)) from exc
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            title = Path(options["file"]).name
        else:
            population = synthetic_population(options["synthetic"], seed=options["seed"],
                                              years=options["years"])
            title = f"Population synthétique ({options['synthetic']} patients, graine " \
                    f"{options['seed']})"
        data = {"parametres": "1"} | {k: v for k, _s, v in
                                      (item.partition("=") for item in options["set"])}
        for row in parameter_rows(scenario_from({})[0]):
            if row.kind == "bool" and row.key not in data and row.default:
                data[row.key] = "on"
        if options["sensitivity"]:
            data["sensibilite"] = options["sensitivity"]
        report = build_report(population, data)
        if report.errors:
            raise CommandError("\n".join(report.errors))
        for row in report.year_rows():
            self.stdout.write(f"{row['year']}  {MODEL_LABELS[row['model']]!s:<42} équipe "
                              f"{exports.euros(row['team']):>16}  écart "
                              f"{exports.euros(row['team_delta']):>14}  payeur "
                              f"{exports.euros(row['payer']):>16}")
        if options["csv"]:
            Path(options["csv"]).write_text(exports.report_csv(report, title), encoding="utf-8")
        if options["pdf"]:
            Path(options["pdf"]).write_bytes(exports.report_pdf(report, title))
        self.stdout.write(self.style.SUCCESS(f"{len(population)} lignes simulées."))
