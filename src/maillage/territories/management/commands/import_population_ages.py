from django.core.management.base import BaseCommand, CommandError

from maillage.core.progress import terminal_progress
from maillage.territories.importers import TerritoryImportError
from maillage.territories.importers_age import import_population_ages


class Command(BaseCommand):
    help = (
        "Importe la population par tranche d'âge quinquennale des communes depuis un fichier "
        "officiel de l'INSEE (TD_POP1B_<année>.csv ou pop-sexe-age-quinquennal….xlsx, "
        "éventuellement dans son archive zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", required=True, help="chemin du fichier INSEE")
        parser.add_argument("--region", help="code INSEE de la région (ex. 76) ; défaut : France")
        parser.add_argument(
            "--year", type=int,
            help="recensement à lire (feuille COM_<année> du classeur ; défaut : la plus "
                 "récente), ou année d'un tableau détaillé dont le nom ne la porte pas",
        )

    def handle(self, *args, **options):
        with terminal_progress("Import des âges", options["verbosity"] > 0) as report:
            try:
                summary = import_population_ages(
                    options["file"], region=options["region"], year=options["year"],
                    progress=report,
                )
            except TerritoryImportError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"{summary.communes} communes mises à jour ({summary.file_format} "
            f"{summary.year}, {summary.rows} lignes lues) ; {summary.merged_codes} anciens "
            f"codes et {summary.arrondissements} arrondissements regroupés ; "
            f"{summary.skipped_codes} codes hors périmètre ignorés ; {summary.missing} communes "
            f"du périmètre absentes du fichier — périmètre {summary.scope}."
        ))
