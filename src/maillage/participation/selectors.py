"""Reads of participation, with the viewer's rights applied to each object.

Aggregates per commune are not personal data: anyone may read them. A signalement's author is
shown only where `participation.view_signalement_author` allows (never for anonymous ones,
except to the moderators of its commune and to the author).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.engines.access import DesertClass
from maillage.insights.models import AccessRun
from maillage.insights.selectors import CLASS_LABELS, latest_run
from maillage.participation.models import (
    Answer,
    Comment,
    Consultation,
    EmailFrequency,
    Flag,
    ModerationEvent,
    NotificationSettings,
    PriorityOption,
    Process,
    Proposal,
    Signalement,
    SignalementCategory,
    Statement,
    Support,
)
from maillage.participation.phases import phase_state_load
from maillage.territories.models import Commune

# Signal strength: a commune's reports are a "strong signal" from this many reports, when
# their rate per 1,000 inhabitants also reaches the région's rate.
MIN_REPORTS = 3

MEASURED_UNDERSERVED = frozenset({DesertClass.PRIORITY, DesertClass.COMPLEMENTARY})


def public_name(user: Any) -> str:
    if user is None:
        return _("Compte supprimé")
    return user.display_name or _("Habitant·e")


# Signalements ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignalementRow:
    signalement: Signalement
    author_label: str
    can_moderate: bool


def signalement_rows(*, viewer: Any, region: str | None = None, commune: str | None = None,
                     category: str | None = None, limit: int = 500) -> list[SignalementRow]:
    """Latest signalements the viewer may see (hidden ones: their author and moderators)."""
    found = Signalement.objects.select_related("commune", "author")
    if region:
        found = found.filter(commune__region_id=region)
    if commune:
        found = found.filter(commune_id=commune)
    if category:
        found = found.filter(category=category)
    rows = []
    for s in found.order_by("-created_at", "-pk")[:limit]:
        if not viewer.has_perm("participation.view_signalement", s):
            continue
        rows.append(_signalement_row(viewer, s))
    return rows


def _signalement_row(viewer: Any, s: Signalement) -> SignalementRow:
    can_moderate = viewer.has_perm("participation.moderate_content", s)
    if viewer.has_perm("participation.view_signalement_author", s):
        label = public_name(s.author)
        if can_moderate and s.author is not None:
            label = f"{label} <{s.author.email}>"
        if s.anonymous:
            label = _("%(name)s (anonyme pour le public)") % {"name": label}
    else:
        label = _("Anonyme")
    return SignalementRow(s, label, can_moderate)


def signalement_row(*, viewer: Any, pk: int) -> SignalementRow | None:
    s = Signalement.objects.select_related("commune", "author").filter(pk=pk).first()
    if s is None or not viewer.has_perm("participation.view_signalement", s):
        return None
    return _signalement_row(viewer, s)


@dataclass(frozen=True)
class CommuneSignals:
    code: str
    name: str
    population: float
    total: int
    by_category: dict[str, int]
    accessibility: float | None
    desert_class: int | None

    @property
    def per_1000(self) -> float | None:
        return 1000 * self.total / self.population if self.population else None

    @property
    def class_label(self) -> str:
        return "" if self.desert_class is None else str(CLASS_LABELS[DesertClass(
            self.desert_class)])

    @property
    def top_categories(self) -> list[tuple[str, int]]:
        labels = dict(SignalementCategory.choices)
        return [(str(labels[c]), n) for c, n in
                sorted(self.by_category.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass(frozen=True)
class SignalsBesideAccess:
    region: str
    profession: str | None
    run: AccessRun | None
    communes: list[CommuneSignals]  # every commune of the région
    total: int
    population: float

    @property
    def regional_per_1000(self) -> float:
        return 1000 * self.total / self.population if self.population else 0.0

    @property
    def reported(self) -> list[CommuneSignals]:
        return sorted((c for c in self.communes if c.total),
                      key=lambda c: (-c.total, c.name))


def signals_beside_access(*, region: str, profession: str | None = "generaliste"
                          ) -> SignalsBesideAccess:
    """Visible signalements per commune and category, beside the commune's latest access run.

    With a profession, counts the signalements naming it or naming none.
    """
    reports = Signalement.objects.filter(commune__region_id=region, hidden_at__isnull=True)
    if profession:
        reports = reports.filter(profession__in=[profession, ""])
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for code, category, n in (reports.values_list("commune_id", "category")
                              .annotate(n=Count("pk")).order_by()):
        counts[code][category] += n
    run = latest_run(region, profession) if profession else None
    access = {}
    if run is not None:
        access = {r[0]: r[1:] for r in run.results.values_list(
            "commune_id", "accessibility", "desert_class", "population")}
    communes = []
    for code, name, population in Commune.objects.filter(region_id=region).values_list(
            "code", "name", "population"):
        figures = access.get(code)
        by_category = dict(counts.get(code, {}))
        communes.append(CommuneSignals(
            code=code, name=name,
            population=float(figures[2] if figures else population or 0),
            total=sum(by_category.values()), by_category=by_category,
            accessibility=figures[0] if figures else None,
            desert_class=figures[1] if figures else None,
        ))
    return SignalsBesideAccess(
        region=region, profession=profession, run=run, communes=communes,
        total=sum(c.total for c in communes), population=sum(c.population for c in communes),
    )


@dataclass(frozen=True)
class Divergences:
    figures: SignalsBesideAccess
    min_reports: int
    agree: list[CommuneSignals] = field(default_factory=list)
    silent_deserts: list[CommuneSignals] = field(default_factory=list)
    unmeasured_difficulties: list[CommuneSignals] = field(default_factory=list)


def is_strong_signal(commune: CommuneSignals, regional_per_1000: float,
                     min_reports: int = MIN_REPORTS) -> bool:
    rate = commune.per_1000
    return commune.total >= min_reports and rate is not None and rate >= regional_per_1000


def divergences(*, region: str, profession: str = "generaliste",
                min_reports: int = MIN_REPORTS) -> Divergences:
    """Where citizens' reports and measured deserts agree, and where they diverge.

    - agree: measured under-served (priority or complementary zone) and a strong signal;
    - silent deserts: measured under-served, no strong signal (people not heard, or not here);
    - unmeasured difficulties: a strong signal where access is not measured as under-served
      (a difficulty the indicator does not capture: cost, transport, waiting times…).
    Only communes with access figures are classed; without a run every list is empty.
    """
    figures = signals_beside_access(region=region, profession=profession)
    result = Divergences(figures=figures, min_reports=min_reports)
    rate = figures.regional_per_1000
    for commune in figures.communes:
        if commune.desert_class is None:
            continue
        strong = is_strong_signal(commune, rate, min_reports)
        underserved = commune.desert_class in MEASURED_UNDERSERVED
        if strong and underserved:
            result.agree.append(commune)
        elif underserved:
            result.silent_deserts.append(commune)
        elif strong:
            result.unmeasured_difficulties.append(commune)
    result.agree.sort(key=lambda c: -(c.per_1000 or 0))
    result.silent_deserts.sort(key=lambda c: (c.desert_class, -c.population))
    result.unmeasured_difficulties.sort(key=lambda c: -(c.per_1000 or 0))
    return result


def _rate_colour(per_1000: float | None, regional: float) -> str:
    if not per_1000:
        return "#f0f0f0"
    ratio = per_1000 / regional if regional else 1.0
    if ratio < 0.5:
        return "#fdd49e"
    if ratio < 1:
        return "#fdbb84"
    if ratio < 2:
        return "#e34a33"
    return "#b30000"


def signals_geojson(*, region: str, profession: str | None = "generaliste") -> dict[str, Any]:
    """The région's communes coloured by signalements per 1,000 inhabitants."""
    figures = signals_beside_access(region=region, profession=profession)
    by_code = {c.code: c for c in figures.communes}
    regional = figures.regional_per_1000
    features = []
    for code, boundary, lat, lon in Commune.objects.filter(region_id=region).values_list(
            "code", "map_boundary", "latitude", "longitude"):
        geometry = boundary or (
            {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None)
        commune = by_code.get(code)
        if geometry is None or commune is None:
            continue
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "code": code, "name": commune.name, "value": commune.total,
            "per_1000": None if commune.per_1000 is None else round(commune.per_1000, 2),
            "class_label": commune.class_label or None,
            "fill": _rate_colour(commune.per_1000, regional),
            "url": reverse("participation:signalements") + f"?commune={code}",
        }})
    return {"type": "FeatureCollection", "features": features,
            "metadata": [_("Signalements visibles par commune ; couleur : taux pour 1 000 "
                           "habitants rapporté au taux régional (%(r).2f).") % {"r": regional}]}


# Moderation -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    content: Any
    kind: str
    flags: list[Flag]


MODERATED_MODELS = {"signalement": Signalement, "proposition": Proposal,
                    "commentaire": Comment, "idee": PriorityOption, "affirmation": Statement,
                    "reponse": Answer}
MODERATED_RELATED = {"signalement": ["commune", "author"], "proposition": ["process", "author"],
                     "commentaire": ["proposal__process", "author"],
                     "idee": ["vote__process", "added_by"],
                     "affirmation": ["conversation__process", "author"],
                     "reponse": ["response__consultation__process", "response__respondent",
                                 "question"]}


def moderation_queue(*, viewer: Any) -> list[QueueItem]:
    """Content with open reports, in the territories the viewer moderates."""
    grouped: dict[tuple[int, int], list[Flag]] = defaultdict(list)
    for flag in Flag.objects.filter(resolved_at__isnull=True).order_by("created_at"):
        grouped[(flag.content_type_id, flag.object_id)].append(flag)
    items = []
    for kind, model in MODERATED_MODELS.items():
        content_type = ContentType.objects.get_for_model(model)
        ids = [object_id for (ct, object_id) in grouped if ct == content_type.pk]
        for content in model.objects.filter(pk__in=ids).select_related(
                *MODERATED_RELATED[kind]):
            if viewer.has_perm("participation.moderate_content", content):
                items.append(QueueItem(content, kind,
                                       grouped[(content_type.pk, content.pk)]))
    return sorted(items, key=lambda i: i.flags[0].created_at)


def moderation_history(content: Any) -> list[ModerationEvent]:
    content_type = ContentType.objects.get_for_model(type(content))
    return list(ModerationEvent.objects.filter(content_type=content_type, object_id=content.pk)
                .select_related("moderator"))


# Processes and proposals ----------------------------------------------------------------------

def process_list(*, viewer: Any) -> list[Process]:
    """Published processes, and the unpublished ones the viewer organises."""
    processes = []
    for process in Process.objects.prefetch_related("phases").order_by("-created_at"):
        if process.is_published or viewer.has_perm("participation.change_process", process):
            phase_state_load(process)
            processes.append(process)
    return processes


def process_get(*, viewer: Any, pk: int) -> Process | None:
    process = Process.objects.prefetch_related("phases").filter(pk=pk).first()
    if process is None or not viewer.has_perm("participation.view_process", process):
        return None
    phase_state_load(process)
    return process


def proposal_list(*, viewer: Any, process: Process, sort: str = "recent",
                  status: str | None = None) -> list[Proposal]:
    """The process's proposals with `support_count` and `supported_by_viewer`."""
    found = (process.proposals.select_related("author", "commune")
             .annotate(support_count=Count("supports", distinct=True),
                       comment_count=Count("comments", distinct=True,
                                           filter=Q(comments__hidden_at__isnull=True))))
    if status:
        found = found.filter(status=status)
    order = ["-support_count", "-created_at"] if sort == "soutiens" else ["-created_at"]
    mine = set()
    if getattr(viewer, "is_authenticated", False):
        mine = set(Support.objects.filter(user=viewer, proposal__process=process)
                   .values_list("proposal_id", flat=True))
    proposals = []
    for proposal in found.order_by(*order, "-pk"):
        proposal.process = process  # share the loaded calendar and role memo
        if viewer.has_perm("participation.view_proposal", proposal):
            proposal.supported_by_viewer = proposal.pk in mine
            proposals.append(proposal)
    return proposals


def proposal_get(*, viewer: Any, pk: int) -> Proposal | None:
    proposal = (Proposal.objects.select_related("author", "commune", "answered_by")
                .annotate(support_count=Count("supports")).filter(pk=pk).first())
    if proposal is None:
        return None
    process = process_get(viewer=viewer, pk=proposal.process_id)
    if process is None:
        return None
    proposal.process = process
    if not viewer.has_perm("participation.view_proposal", proposal):
        return None
    proposal.supported_by_viewer = (
        getattr(viewer, "is_authenticated", False)
        and Support.objects.filter(proposal=proposal, user=viewer).exists())
    return proposal


@dataclass(frozen=True)
class ThreadItem:
    comment: Comment
    depth: int
    show_body: bool
    author_label: str


def comment_thread(*, viewer: Any, proposal: Proposal, max_depth: int = 4) -> list[ThreadItem]:
    """Comments in thread order. A hidden comment keeps its place (its replies stay readable)
    but its text is shown only to moderators and its author."""
    comments = list(proposal.comments.select_related("author").order_by("created_at", "pk"))
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        comment.proposal = proposal
        children[comment.parent_id].append(comment)
    moderator = viewer.has_perm("participation.moderate_content", proposal)
    items: list[ThreadItem] = []

    def walk(parent: int | None, depth: int) -> None:
        for comment in children.get(parent, []):
            show = (not comment.is_hidden or moderator
                    or (viewer.is_authenticated and comment.author_id == viewer.pk))
            items.append(ThreadItem(comment, min(depth, max_depth), show,
                                    public_name(comment.author)))
            walk(comment.pk, depth + 1)

    walk(None, 0)
    return items


# Consultations --------------------------------------------------------------------------------

def consultation_get(*, viewer: Any, pk: int) -> Consultation | None:
    consultation = (Consultation.objects.select_related("phase")
                    .prefetch_related("questions__choices").filter(pk=pk).first())
    if consultation is None:
        return None
    process = process_get(viewer=viewer, pk=consultation.process_id)
    if process is None:
        return None
    consultation.process = process
    return consultation


def has_answered(*, viewer: Any, consultation: Consultation) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and (
        consultation.participations.filter(user=viewer).exists())


# For other apps (labs): the priorities voted on a territory -----------------------------------

def priority_results_in_territory(*, viewer: Any, level: str, code: str, limit: int = 3
                                  ) -> list[Any]:
    """Results of the latest priority votes of visible processes on the territory, on a
    territory containing it or inside it (newest first)."""
    from maillage.participation.models import PriorityVote
    from maillage.participation.priority_results import priority_results
    from maillage.territories.selectors import TerritoryRef, territory_contains

    target = TerritoryRef(level, code)
    found = []
    for vote in PriorityVote.objects.select_related("process").order_by("-created_at", "-pk"):
        process = vote.process
        where = TerritoryRef(process.territory_level, process.territory_code)
        if not (territory_contains(where, target) or territory_contains(target, where)):
            continue
        if not viewer.has_perm("participation.view_process", process):
            continue
        found.append(priority_results(vote))
        if len(found) >= limit:
            break
    return found


def actions_done() -> list[Any]:
    """Completed actions of published processes, with their communes (public accountability
    facts), read by the initiatives directory."""
    from maillage.participation.models import Action, ActionStatus

    return list(Action.objects.filter(status=ActionStatus.DONE, process__is_published=True)
                .select_related("process").prefetch_related("communes"))


def notification_email_frequency(*, user: Any) -> str:
    """How often the user gets e-mails of their notifications (a daily digest by default)."""
    found = NotificationSettings.objects.filter(user=user).values_list("email", flat=True).first()
    return found or EmailFrequency.DAILY
