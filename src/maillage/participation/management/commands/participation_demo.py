from django.core.management.base import BaseCommand

from maillage.participation.demo import participation_demo_load


class Command(BaseCommand):
    help = "Charge (ou recharge) le contenu de démonstration de la participation en Lozère."

    def handle(self, *args, **options) -> None:
        participation_demo_load(say=lambda text: self.stdout.write(text))
