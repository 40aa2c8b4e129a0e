from django.core.management.base import BaseCommand
from django.utils import timezone

from maillage.mobilization import daily


class Command(BaseCommand):
    help = ("Clôt les pétitions arrivées à leur date limite (l'organisateur·rice est prévenu·e) "
            "et rappelle aux autorités les réponses officielles en retard (chaque "
            "jour : `maillage daily` le fait avec le reste).")

    def handle(self, *args, **options) -> None:
        self.stdout.write(daily.JOBS["petitions"](timezone.localdate()) + ".")
