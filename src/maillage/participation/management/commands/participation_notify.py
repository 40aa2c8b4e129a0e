from django.core.management.base import BaseCommand

from maillage.participation.services import digest_send, phases_started_announce


class Command(BaseCommand):
    help = ("Prévient les abonnés des phases qui commencent et envoie le résumé quotidien des "
            "notifications (à lancer chaque jour, par cron).")

    def handle(self, *args, **options) -> None:
        phases = phases_started_announce()
        digests = digest_send()
        self.stdout.write(f"{phases} phase(s) annoncée(s), {digests} résumé(s) envoyé(s).")
