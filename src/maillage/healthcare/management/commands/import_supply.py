from django.core.management.base import BaseCommand, CommandError

from maillage.core.progress import terminal_progress
from maillage.healthcare.importers import (
    IMPORT_KINDS,
    MIRROR_IMPORTERS,
    TerritoryImportError,
    import_supply,
)


class Command(BaseCommand):
    help = ("Importe l'offre de soins : SIRENE et SAE depuis le miroir de données, ou un fichier "
            "officiel (RPPS, BPE, FINESS) ou d'activité fourni avec --file.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=IMPORT_KINDS, help="fichier à importer")
        parser.add_argument("--file", help="chemin du fichier (défaut pour sirene et sae : le "
                                           "miroir de données)")
        parser.add_argument("--region", help="code INSEE de la région (ex. 76) ; défaut : "
                                             "toutes les communes chargées")

    def handle(self, *args, **options):
        kind = options["kind"]
        if kind not in MIRROR_IMPORTERS and not options["file"]:
            raise CommandError(f"{kind} : indiquez le fichier avec --file")
        with terminal_progress(f"Import {kind}", options["verbosity"] > 0) as report:
            try:
                summary = import_supply(kind, path=options["file"], region=options["region"],
                                        progress=report)
            except TerritoryImportError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(summary.message()))
