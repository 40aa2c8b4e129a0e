"""`maillage fhir import FILE` and `maillage fhir export PATIENT OUT`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maillage.accounts.models import Organisation, Role, User
from maillage.coordination import fhir, selectors
from maillage.coordination.models import Consent, Pathway


class Command(BaseCommand):
    help = "FHIR R4 : importer le Bundle d'un patient dans un parcours, exporter un parcours."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="importer un Bundle (transaction ou collection)")
        p.add_argument("file")
        p.add_argument("--cooperation", type=int,
                       help="identifiant de l'organisation coopération "
                            "(facultatif quand il n'y en a qu'une)")
        p.add_argument("--coordinator",
                       help="e-mail de la coordinatrice ou du coordinateur du parcours "
                            "(facultatif quand la coopération n'en a qu'un·e)")
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
        cooperation = self._cooperation(options["cooperation"])
        coordinator = self._coordinator(cooperation, options["coordinator"])
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

    @staticmethod
    def _cooperation(pk: int | None) -> Organisation:
        """The named cooperation, or the only one there is: an operator need not look it up."""
        found = selectors.cooperations()
        if pk is not None:
            cooperation = found.filter(pk=pk).first()
            if cooperation is None:
                raise CommandError(f"Coopération inconnue : {pk}.")
            return cooperation
        choices = list(found.order_by("pk")[:10])
        if len(choices) == 1:
            return choices[0]
        if not choices:
            raise CommandError("Aucune coopération n'existe encore : créez-en une d'abord.")
        listed = ", ".join(f"{c.pk} ({c.name})" for c in choices)
        raise CommandError(f"Plusieurs coopérations : choisissez-en une avec --cooperation "
                           f"parmi {listed}.")

    @staticmethod
    def _coordinator(cooperation: Organisation, email: str | None) -> User:
        """The named coordinator, or the cooperation's only one."""
        if email:
            coordinator = User.objects.filter(email=email.lower()).first()
            if coordinator is None:
                raise CommandError(f"Aucun compte pour {email}.")
            return coordinator
        coordinators = list(User.objects.filter(
            role_assignments__role=Role.COORDINATOR,
            role_assignments__organisation=cooperation).distinct().order_by("pk")[:2])
        if len(coordinators) != 1:
            how_many = "plusieurs" if coordinators else "aucun·e"
            raise CommandError(f"Indiquez la coordinatrice ou le coordinateur avec --coordinator"
                               f" : {cooperation.name} en a {how_many}.")
        return coordinators[0]

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
