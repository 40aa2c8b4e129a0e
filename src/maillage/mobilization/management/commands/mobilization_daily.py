from django.core.management.base import BaseCommand

from maillage.mobilization.services import petition_answer_reminders_send, petitions_close_expired


class Command(BaseCommand):
    help = ("Clôt les pétitions arrivées à leur date limite (l'organisateur·rice est prévenu·e) "
            "et rappelle aux autorités les réponses officielles en retard (chaque jour, par "
            "cron).")

    def handle(self, *args, **options) -> None:
        closed = petitions_close_expired()
        reminded = petition_answer_reminders_send()
        self.stdout.write(f"{closed} pétition(s) close(s), {reminded} rappel(s) envoyé(s).")
