from django.core.management.base import BaseCommand, CommandError

from maillage.core.progress import terminal_progress
from maillage.territories.importers import TerritoryImportError, import_territories


class Command(BaseCommand):
    help = "Importe régions, départements, EPCI et communes (une région ou la France entière)."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="code INSEE de la région (ex. 76) ; défaut : France")
        parser.add_argument("--mirror", help="dossier du miroir de données ouvertes")
        parser.add_argument("--no-boundaries", action="store_true",
                            help="ne pas charger les contours")

    def handle(self, *args, **options):
        with terminal_progress("Import des territoires", options["verbosity"] > 0) as report:
            try:
                summary = import_territories(
                    options["region"], mirror=options["mirror"],
                    with_boundaries=not options["no_boundaries"], progress=report,
                )
            except TerritoryImportError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"{summary.communes} communes, {summary.departements} départements, "
            f"{summary.epcis} EPCI ({summary.with_centre} avec centre, "
            f"{summary.with_boundary} avec contour, {summary.postal_codes} codes postaux) — "
            f"périmètre {summary.scope}."
        ))
