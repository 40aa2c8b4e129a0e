"""`maillage opinion import-polis|report|groups`: opinion maps from a terminal.

`groups DIR` reads a Pol.is export and prints `participant,group` computed by the engine
alone (no database), so that anyone can compare Maillage's groups with Pol.is's on any public
conversation; it replays the conversation's updates from the votes' timestamps, as Pol.is
computed them (`--no-replay`: from the final votes alone). Pol.is data is CC BY 4.0, The
Computational Democracy Project.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maillage.participation.opinion_report import POLIS_ATTRIBUTION


class Command(BaseCommand):
    help = "Cartes d'opinion : importer une conversation Pol.is, afficher une carte."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import-polis", help="importer un export Pol.is comme conversation")
        p.add_argument("directory", metavar="DIR")
        p.add_argument("--process", type=int, required=True, help="identifiant de concertation")
        p.add_argument("--phase", type=int, help="phase (par défaut : la première qui ouvre "
                                                 "les cartes d'opinion)")
        p.add_argument("--title", default="")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--no-compute", action="store_true", help="ne pas calculer la carte")
        r = sub.add_parser("report", help="chiffres de la carte d'une conversation")
        r.add_argument("conversation", type=int, metavar="CONVERSATION")
        r.add_argument("--compute", action="store_true", help="recalculer d'abord")
        g = sub.add_parser("groups", help="groupes d'un export Pol.is, sans base de données "
                                          "(CSV participant,group)")
        g.add_argument("directory", metavar="DIR")
        g.add_argument("--seed", type=int, default=0)
        g.add_argument("--no-replay", action="store_true",
                       help="groupes des votes finaux seuls, sans rejouer les mises à jour "
                            "de la conversation (horodatage des votes)")

    def handle(self, *args, action: str, **options):
        if action == "groups":
            return self._groups(Path(options["directory"]), options["seed"],
                                replay=not options["no_replay"])
        if action == "import-polis":
            return self._import(options)
        return self._report(options["conversation"], options["compute"])

    def _groups(self, directory: Path, seed: int, *, replay: bool = True) -> None:
        from maillage.engines.opinion import (
            OpinionParams,
            polis_opinion_map,
            read_polis_export,
        )

        try:
            export = read_polis_export(directory)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        from threadpoolctl import threadpool_limits

        # Pol.is's groups come from its history of updates: replay it from the timestamps
        # (thousands of small matrices: BLAS threads would only cost their start-up).
        with threadpool_limits(limits=1):
            result = polis_opinion_map(export, OpinionParams(seed=seed), replay=replay)
        writer = csv.writer(self.stdout)
        writer.writerow(["participant", "group"])
        for participant, label in zip(result.participant_ids.tolist(), result.labels.tolist(),
                                      strict=True):
            writer.writerow([participant, label if label >= 0 else ""])
        self.stderr.write(POLIS_ATTRIBUTION)

    def _import(self, options) -> None:
        from maillage.participation.models import Feature, Process
        from maillage.participation.services.opinion import (
            conversation_import_polis,
            opinion_map_compute,
        )

        process = Process.objects.filter(pk=options["process"]).first()
        if process is None:
            raise CommandError(f"Concertation {options['process']} inconnue.")
        phases = process.phases.order_by("starts_at")
        phase = (phases.filter(pk=options["phase"]).first() if options["phase"] else
                 next((p for p in phases if Feature.OPINION in p.features), None))
        if phase is None:
            raise CommandError("Aucune phase de cette concertation n'ouvre les cartes "
                               "d'opinion (diagnostic, évaluation) ; indiquez --phase.")
        try:
            conversation, created = conversation_import_polis(
                process=process, phase=phase, directory=options["directory"],
                title=options["title"], seed=options["seed"])
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"conversation={conversation.pk} "
                          f"statements={conversation.statements.count()} "
                          f"votes={conversation.votes.count()}")
        if not created:
            self.stdout.write(f"Déjà importée dans cette concertation (conversation "
                              f"{conversation.pk}) : rien n'est réécrit.")
        elif not options["no_compute"]:
            snapshot = opinion_map_compute(conversation)
            self._print(snapshot)
        self.stdout.write(conversation.source)

    def _report(self, pk: int, compute: bool) -> None:
        from maillage.participation.models import Conversation
        from maillage.participation.services.opinion import latest_snapshot, opinion_map_compute

        conversation = Conversation.objects.filter(pk=pk).first()
        if conversation is None:
            raise CommandError(f"Conversation {pk} inconnue.")
        snapshot = latest_snapshot(conversation)
        if compute or snapshot is None:
            snapshot = opinion_map_compute(conversation)
        self.stdout.write(conversation.title)
        self._print(snapshot)
        if conversation.source:
            self.stdout.write(conversation.source)

    def _print(self, snapshot) -> None:
        s = snapshot.summary
        self.stdout.write(f"computed_at={snapshot.computed_at:%Y-%m-%dT%H:%M:%S} "
                          f"participants={s['n_participants']} included={s['n_included']} "
                          f"statements={s['n_statements']} votes={s['n_votes']} "
                          f"groups={len(s['groups'])}")
        self.stdout.write("silhouettes " + " ".join(f"k={k}:{v}"
                                                    for k, v in s["silhouettes"].items()))
        for group in s["groups"]:
            self.stdout.write(f"group {group['label']} size={group['size']}")
            for rep in group["repness"]:
                self.stdout.write(f"  {rep['direction']:8} {rep['p_success']:.2f} "
                                  f"#{rep['statement']} {rep['text'][:90]}")
        for direction in ("agree", "disagree"):
            for c in s["consensus"][direction]:
                self.stdout.write(f"consensus {direction:8} {c['p_success']:.2f} "
                                  f"#{c['statement']} {c['text'][:90]}")
        for b in s["bridging"]:
            self.stdout.write(f"bridging {b['score']} #{b['statement']} {b['text'][:90]}")
