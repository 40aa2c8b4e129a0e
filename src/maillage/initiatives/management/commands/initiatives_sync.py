from django.core.management.base import BaseCommand

from maillage.initiatives.services import initiatives_sync


class Command(BaseCommand):
    help = ("Crée ou met à jour les initiatives reprises des autres applications (transport "
            "solidaire, réseau de soins, actions réalisées, projets de laboratoire, MSP et "
            "centres de santé). Sans doublon : à relancer autant que voulu.")

    def add_arguments(self, parser):
        parser.add_argument("--region", help="code INSEE de la région (par défaut : toutes)")

    def handle(self, *args, **options) -> None:
        summary = initiatives_sync(region=options.get("region"))
        self.stdout.write(f"{summary.created} créées, {summary.updated} mises à jour, "
                          f"{summary.archived} archivées ; par source : {summary.by_source}"
                          + (f" ; sources absentes : {', '.join(summary.skipped)}"
                             if summary.skipped else ""))
