"""`maillage fhir import FILE` and `maillage fhir export PATIENT OUT`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maillage.accounts.models import Organisation, User
from maillage.coordination import fhir
from maillage.coordination.models import Consent, Pathway


class Command(BaseCommand):
    help = "FHIR R4 : importer le Bundle d'un patient dans un parcours, exporter un parcours."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="importer un Bundle (transaction ou collection)")
        p.add_argument("file")
        p.add_argument("--cooperation", type=int, required=True,
                       help="identifiant de l'organisation coopération")
        p.add_argument("--coordinator", required=True,
                       help="e-mail de la coordinatrice ou du coordinateur du parcours")
        p.add_argument("--consent", required=True, choices=Consent.Method.values,
                       help="comment le consentement du patient a été recueilli")
        p = sub.add_parser("export", help="écrire un parcours en Bundle FHIR R4")
        p.add_argument("patient", help="clé du patient ou du parcours (UUID)")
        p.add_argument("out", help="fichier JSON à écrire")
        p = sub.add_parser("export-network",
                           help="écrire le réseau d'une coopération en Bundle FHIR R4")
        p.add_argument("cooperation", type=int, help="identifiant de l'organisation coopération")
        p.add_argument("out", help="fichier JSON à écrire")
        p = sub.add_parser("export-templates",
                           help="écrire les modèles de parcours (PlanDefinition) en Bundle")
        p.add_argument("out", help="fichier JSON à écrire")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _import(self, options) -> None:
        path = Path(options["file"])
        cooperation = Organisation.objects.filter(pk=options["cooperation"]).first()
        coordinator = User.objects.filter(email=options["coordinator"].lower()).first()
        if cooperation is None or coordinator is None:
            raise CommandError("Coopération ou coordinateur·rice inconnu·e.")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path} : {exc.strerror}") from exc
        summary = fhir.bundle_import(actor=None, cooperation=cooperation, raw=raw,
                                     consent_method=options["consent"], name=path.name,
                                     coordinator=coordinator)
        self.stdout.write(self.style.SUCCESS(
            f"Parcours {summary.pathway.key} ({summary.pathway.template or 'sans modèle'})"))
        for line in summary.lines():
            self.stdout.write(f"  {line}")

    def _export(self, options) -> None:
        key = options["patient"]
        try:
            pathway = (Pathway.objects.filter(key=key).first()
                       or Pathway.objects.filter(patient__key=key).first())
        except ValidationError as exc:
            raise CommandError(f"Clé invalide : {key}") from exc
        if pathway is None:
            raise CommandError(f"Aucun parcours pour {key}.")
        data = fhir.pathway_export(actor=None, pathway=pathway)
        Path(options["out"]).write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(
            f"{len(data['entry'])} ressources écrites dans {options['out']} (Bundle validé)."))

    def _write(self, data: dict, out: str) -> None:
        Path(out).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(
            f"{len(data.get('entry', []))} ressources écrites dans {out} (Bundle validé)."))

    def _export_network(self, options) -> None:
        from maillage.coordination.fhir_directory import network_bundle

        cooperation = Organisation.objects.filter(pk=options["cooperation"]).first()
        if cooperation is None:
            raise CommandError(f"Coopération inconnue : {options['cooperation']}.")
        self._write(network_bundle(cooperation), options["out"])

    def _export_templates(self, options) -> None:
        from maillage.coordination.fhir_directory import templates_bundle

        self._write(templates_bundle(), options["out"])
