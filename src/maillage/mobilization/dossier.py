"""The advocacy dossier of a territory: what a collective hands to decision-makers.

Everything in it is public: aggregate access figures, signalement counts, published petitions
and their answers, public consultation results, proposals and their status. It is read through
insights', participation's and our own selectors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from maillage.mobilization import exports, selectors
from maillage.territories.selectors import TerritoryRef, territory_contains


@dataclass
class ConsultationSummary:
    title: str
    process: str
    responses: int
    # (question, [(label, value, share)])
    questions: list[tuple[str, list[tuple[str, float, float]]]]


@dataclass
class Dossier:
    territory: TerritoryRef
    name: str
    built_at: Any
    access: exports.AccessFigures
    signalements_total: int = 0
    signalements_by_category: list[tuple[str, int]] = field(default_factory=list)
    petitions: list[Any] = field(default_factory=list)
    consultations: list[ConsultationSummary] = field(default_factory=list)
    proposals: list[tuple[str, str, str, int, str]] = field(default_factory=list)

    @property
    def access_lines(self) -> list[str]:
        return exports.access_lines(self.access)


def dossier_build(*, territory: TerritoryRef, name: str) -> Dossier:
    # Built as the public sees it: nothing a visitor could not read goes into the dossier.
    public = AnonymousUser()
    dossier = Dossier(territory=territory, name=name, built_at=timezone.now(),
                      access=exports.access_figures(territory))
    _signalements(dossier)
    dossier.petitions = [p for p in selectors.petition_list(viewer=public, territory=territory)]
    for petition in dossier.petitions:
        petition.progress = selectors.petition_progress(petition)
    _participation(dossier, public)
    return dossier


def _signalements(dossier: Dossier) -> None:
    from maillage.participation.models import SignalementCategory
    from maillage.participation.selectors import signals_beside_access

    region = exports._region_of(dossier.territory)
    if region is None:
        return
    codes = set(exports.territory_communes(dossier.territory))
    figures = signals_beside_access(region=region, profession=None)
    by_category: Counter[str] = Counter()
    for commune in figures.communes:
        if commune.code in codes:
            by_category.update(commune.by_category)
    labels = dict(SignalementCategory.choices)
    dossier.signalements_total = sum(by_category.values())
    dossier.signalements_by_category = [(str(labels.get(c, c)), n)
                                        for c, n in by_category.most_common()]


def _participation(dossier: Dossier, public: Any) -> None:
    from maillage.participation import selectors as participation
    from maillage.participation.results import consultation_results

    for process in participation.process_list(viewer=public):
        scope = TerritoryRef(process.territory_level, process.territory_code)
        if not (territory_contains(dossier.territory, scope)
                or territory_contains(scope, dossier.territory)):
            continue
        for proposal in participation.proposal_list(viewer=public, process=process):
            dossier.proposals.append((proposal.title, proposal.get_status_display(),
                                      proposal.answer or "", proposal.support_count,
                                      process.title))
        for consultation in process.consultations.all():
            found = participation.consultation_get(viewer=public, pk=consultation.pk)
            if found is None or not public.has_perm(
                    "participation.view_consultation_results", found):
                continue
            responses, results = consultation_results(found)
            dossier.consultations.append(ConsultationSummary(
                title=found.title, process=process.title, responses=responses,
                questions=[(r.question.text, r.rows) for r in results]))


def dossier_pdf(dossier: Dossier) -> bytes:
    def build(pdf: Any, doc: Any) -> None:
        from matplotlib import pyplot as plt

        doc.paragraph(f"Dossier établi le {dossier.built_at:%d/%m/%Y à %H:%M} (UTC) avec "
                      "Maillage, à partir des données publiques de la plateforme.")
        doc.heading("1. Indicateurs d'accès aux soins (médecins généralistes)")
        for line in dossier.access_lines:
            doc.paragraph(line)
        for line in dossier.access.provenance:
            doc.paragraph(f"Source : {line}")
        doc.paragraph("La carte des classes d'accès par commune figure en dernière page.")
        doc.heading("2. Signalements des habitants par catégorie")
        doc.paragraph(f"Total : {dossier.signalements_total}")
        for label, n in dossier.signalements_by_category:
            doc.paragraph(f"{label} : {n}")
        doc.heading("3. Pétitions et réponses officielles")
        if not dossier.petitions:
            doc.paragraph("Aucune pétition publiée.")
        for p in dossier.petitions:
            doc.paragraph(f"« {p.title} » adressée à {p.authority_name} : "
                          f"{p.progress.count} signatures (seuil {p.threshold})")
            doc.paragraph(f"Réponse officielle : {p.answer}" if p.answered_at
                          else "Pas encore de réponse officielle.")
        doc.heading("4. Résultats des consultations")
        if not dossier.consultations:
            doc.paragraph("Aucune consultation aux résultats publics.")
        for c in dossier.consultations:
            doc.paragraph(f"{c.title} ({c.process}) : {c.responses} réponses")
            for question, rows in c.questions:
                doc.paragraph(f"  {question}")
                for label, value, share in rows[:8]:
                    doc.paragraph(f"    {label} : {value:g} ({100 * share:.0f} %)")
        doc.heading("5. Propositions et leur statut")
        if not dossier.proposals:
            doc.paragraph("Aucune proposition publiée.")
        for title, status, answer, supports, process in dossier.proposals:
            doc.paragraph(f"{title} — {status} — {supports} soutiens ({process})")
            if answer:
                doc.paragraph(f"  Réponse : {answer}")
        doc.flush()
        figure = exports.class_map_figure(dossier.access, dossier.territory)
        figure.suptitle(f"Classes d'accès — {dossier.name}", fontsize=10)
        pdf.savefig(figure)
        plt.close(figure)

    return exports._pdf(build, f"Dossier de plaidoyer — {dossier.name}")
