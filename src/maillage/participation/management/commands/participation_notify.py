from django.core.management.base import BaseCommand
from django.utils import timezone

from maillage.participation import daily


class Command(BaseCommand):
    help = ("Prévient les abonnés des phases qui commencent et envoie le résumé quotidien des "
            "notifications (chaque jour : `maillage daily` le fait avec le reste).")

    def handle(self, *args, **options) -> None:
        self.stdout.write(daily.JOBS["notify"](timezone.localdate()) + ".")
