"""`maillage coordination load-templates|detect-ruptures`."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillage.coordination import daily, services


class Command(BaseCommand):
    help = "Coopération des soins : charger les modèles de parcours, détecter les ruptures."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("load-templates",
                           help="charger les modèles de parcours (HAS) et les questionnaires")
        p.add_argument("--file", default=str(services.TEMPLATES_FILE))
        sub.add_parser("demo", help="charger le contenu de démonstration (Lozère)")
        p = sub.add_parser("detect-ruptures", help="lever et clore les alertes de rupture")
        p.add_argument("--today", type=date.fromisoformat, default=None,
                       help="date du jour (AAAA-MM-JJ), pour rejouer un jour donné")
        p = sub.add_parser("send-questionnaires",
                           help="envoyer les questionnaires du plan dont la fenêtre s'ouvre")
        p.add_argument("--today", type=date.fromisoformat, default=None,
                       help="date du jour (AAAA-MM-JJ), pour rejouer un jour donné")

    def handle(self, *args, **options):
        try:
            if options["action"] == "load-templates":
                questionnaires = services.questionnaires_load()
                loaded = services.templates_load(options["file"])
                self.stdout.write(self.style.SUCCESS(
                    f"{loaded.templates} modèles, {loaded.activities} activités, "
                    f"{questionnaires} questionnaires chargés."))
            elif options["action"] == "demo":
                from maillage.coordination.demo import coordination_demo_load

                coordination_demo_load(say=self.stdout.write)
            elif options["action"] == "send-questionnaires":
                self.stdout.write(self.style.SUCCESS(daily.JOBS["send-questionnaires"](
                    options["today"] or timezone.localdate()) + "."))
            else:
                self.stdout.write(self.style.SUCCESS(daily.JOBS["detect-ruptures"](
                    options["today"] or timezone.localdate()) + "."))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
