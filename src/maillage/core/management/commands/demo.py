"""`maillage demo`: set up the database, load Occitanie, create demo accounts, then serve."""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from maillage.core.demo import demo_accounts_ensure, demo_content_load, demo_data_load


class Command(BaseCommand):
    help = "Prépare et lance la démonstration (SQLite, Occitanie, comptes de démonstration)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--setup-only", action="store_true",
                            help="préparer sans lancer le serveur")

    def handle(self, *args, **options):
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Base de données prête.")
        if not settings.MAILLAGE_DATA_MIRROR:
            self.stdout.write("MAILLAGE_DATA_MIRROR n'est pas défini : téléchargement des "
                              "fichiers officiels.")
        try:
            demo_data_load(self.stdout.write)
        except CommandError as exc:
            raise CommandError(f"Chargement des données de démonstration impossible : {exc}"
                               ) from exc
        password_file = settings.VAR_DIR / "demo_password"
        if not password_file.exists():
            password_file.write_text(secrets.token_urlsafe(12))
            password_file.chmod(0o600)
        password = password_file.read_text().strip()
        accounts = demo_accounts_ensure(password)
        demo_content_load(self.stdout.write)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Démonstration prête en {elapsed:.0f} s."))
        self.stdout.write("Comptes de démonstration (mot de passe commun : "
                          f"{password}) :")
        for email, label in accounts:
            self.stdout.write(f"  {email:<40} {label}")
        if options["setup_only"]:
            return
        self.stdout.write(f"Maillage : http://{options['addr']}/  (Ctrl-C pour arrêter)")
        manage = [sys.executable, "-m", "maillage.config.cli"]
        # Beside the server: the task worker, and the daily jobs (rupture alerts, digests…)
        # run now and then every morning, as cron would in production.
        helpers = [subprocess.Popen([*manage, "db_worker", "--interval", "1"]),
                   subprocess.Popen([*manage, "daily", "--loop"])]
        try:
            subprocess.call([*manage, "runserver", options["addr"], "--noreload"])
        except KeyboardInterrupt:
            pass
        finally:
            for helper in helpers:
                helper.send_signal(signal.SIGTERM)
            for helper in helpers:
                helper.wait(timeout=10)
