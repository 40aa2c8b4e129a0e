"""Reads of mobilization, with the viewer's rights applied to each object."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from maillage.mobilization.models import (
    Campaign,
    CampaignView,
    EventRegistration,
    ForumThread,
    Petition,
    PetitionStatus,
    Post,
    ReactionKind,
    Side,
    Signature,
    ThreadFollow,
)
from maillage.territories.models import Commune
from maillage.territories.selectors import TerritoryRef

# Petitions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    count: int
    threshold: int
    deadline: Any
    is_open: bool

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.count / self.threshold)) if self.threshold else 100

    @property
    def reached(self) -> bool:
        return self.count >= self.threshold


def petition_progress(petition: Petition) -> Progress:
    """Counted from the signature rows: never a stored counter that could drift."""
    count = getattr(petition, "signature_count", None)
    if count is None:
        count = Signature.objects.filter(petition=petition).count()
    return Progress(count=count, threshold=petition.threshold, deadline=petition.deadline,
                    is_open=(petition.status == PetitionStatus.PUBLISHED
                             and petition.deadline > timezone.now()))


def petition_list(*, viewer: Any, territory: TerritoryRef | None = None,
                  include_pending: bool = False) -> list[Petition]:
    """Published petitions (and, for moderators or authors, pending ones they may see)."""
    found = Petition.objects.annotate(signature_count=Count("signatures"))
    if not include_pending:
        found = found.filter(status__in=[PetitionStatus.PUBLISHED, PetitionStatus.CLOSED],
                             hidden_at__isnull=True)
    if territory is not None:
        found = found.filter(_within(territory))
    return [p for p in found if viewer.has_perm("mobilization.view_petition", p)]


def _within(territory: TerritoryRef) -> Q:
    """Objects whose territory lies within `territory` (same level, or a commune inside it)."""
    query = Q(territory_level=territory.level, territory_code=territory.code)
    if territory.level in ("region", "departement"):
        communes = Commune.objects.filter(**{f"{territory.level}_id": territory.code})
        query |= Q(territory_level="commune",
                   territory_code__in=communes.values_list("code", flat=True))
    if territory.level == "region":
        from maillage.territories.models import Departement

        query |= Q(territory_level="departement", territory_code__in=Departement.objects.filter(
            region_id=territory.code).values_list("code", flat=True))
    return query


def petition_get(*, viewer: Any, pk: int) -> Petition | None:
    petition = (Petition.objects.select_related("author", "answered_by")
                .annotate(signature_count=Count("signatures")).filter(pk=pk).first())
    if petition is None or not viewer.has_perm("mobilization.view_petition", petition):
        return None
    return petition


def pending_petitions(*, viewer: Any) -> list[Petition]:
    return [p for p in Petition.objects.filter(status=PetitionStatus.PENDING)
            if viewer.has_perm("mobilization.moderate_petition", p)]


def has_signed(*, viewer: Any, petition: Petition) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and Signature.objects.filter(
        petition=petition, user=viewer).exists()


def public_signatures(petition: Petition, limit: int = 50) -> list[Signature]:
    """Only those who chose to show their name and commune."""
    return list(petition.signatures.filter(show_publicly=True).select_related("commune")
                .order_by("-created_at")[:limit])


def counts_by_commune(petition: Petition) -> list[tuple[str, str, int]]:
    """(INSEE code, name, signatures), most first; signatories without a commune last."""
    rows = (petition.signatures.values("commune_id", "commune__name")
            .annotate(n=Count("pk")).order_by("-n", "commune__name"))
    return [(r["commune_id"] or "", r["commune__name"] or "commune non renseignée", r["n"])
            for r in rows]


# Forums ---------------------------------------------------------------------------------------

def thread_list(*, viewer: Any, territory: TerritoryRef | None = None, topic: str | None = None,
                kind: str | None = None, query: str = "", limit: int = 200) -> list[ForumThread]:
    """Visible threads, newest activity first; `query` searches titles and messages."""
    found = ForumThread.objects.annotate(
        post_count=Count("posts", filter=Q(posts__hidden_at__isnull=True)))
    if territory is not None:
        found = found.filter(_within(territory))
    if topic:
        found = found.filter(topic=topic)
    if kind:
        found = found.filter(kind=kind)
    if query := (query or "").strip()[:100]:
        found = found.filter(Q(title__icontains=query) | Q(body__icontains=query)
                             | Q(posts__body__icontains=query, posts__hidden_at__isnull=True)
                             ).distinct()
    return [t for t in found[:limit] if viewer.has_perm("mobilization.view_thread", t)]


def thread_get(*, viewer: Any, pk: int) -> ForumThread | None:
    thread = ForumThread.objects.select_related("author", "best_post").filter(pk=pk).first()
    if thread is None or not viewer.has_perm("mobilization.view_thread", thread):
        return None
    return thread


@dataclass
class ThreadPosts:
    posts: list[Post]
    for_side: list[Post] = field(default_factory=list)
    against_side: list[Post] = field(default_factory=list)


def thread_posts(*, viewer: Any, thread: ForumThread) -> ThreadPosts:
    """Messages with `reaction_counts` and `reacted_by_viewer`; hidden ones show as hidden."""
    posts = list(thread.posts.select_related("author", "quoted", "quoted__author"))
    counts: dict[int, Counter[str]] = {p.pk: Counter() for p in posts}
    mine: set[tuple[int, str]] = set()
    from maillage.mobilization.models import Reaction

    for reaction in Reaction.objects.filter(post__thread=thread):
        counts[reaction.post_id][reaction.kind] += 1
        if getattr(viewer, "is_authenticated", False) and reaction.user_id == viewer.pk:
            mine.add((reaction.post_id, reaction.kind))
    for post in posts:
        post.thread = thread
        post.reaction_counts = dict(counts[post.pk])
        post.reacted_by_viewer = {k for (pk, k) in mine if pk == post.pk}
        post.reaction_list = [(value, label, post.reaction_counts.get(value, 0),
                               value in post.reacted_by_viewer)
                              for value, label in ReactionKind.choices]
        post.can_moderate = viewer.has_perm("mobilization.moderate_content", post)
    return ThreadPosts(posts=posts,
                       for_side=[p for p in posts if p.side == Side.FOR],
                       against_side=[p for p in posts if p.side == Side.AGAINST])


def is_following_thread(*, viewer: Any, thread: ForumThread) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and ThreadFollow.objects.filter(
        thread=thread, user=viewer).exists()


def flagged_content(*, viewer: Any) -> list[Any]:
    """Threads and messages with open reports in the territories the viewer moderates."""
    from django.contrib.contenttypes.models import ContentType

    from maillage.participation.models import Flag

    items = []
    for model in (ForumThread, Post):
        content_type = ContentType.objects.get_for_model(model)
        ids = Flag.objects.filter(content_type=content_type, resolved_at__isnull=True
                                  ).values_list("object_id", flat=True)
        for content in model.objects.filter(pk__in=list(ids)):
            if viewer.has_perm("mobilization.moderate_content", content):
                items.append(content)
    return items


# Campaigns ------------------------------------------------------------------------------------

def communes_matching(*, region: str, desert_classes: list[int] | None = None,
                      min_share_75: float | None = None, min_signalements: int | None = None,
                      profession: str = "generaliste") -> list[str]:
    """INSEE codes of the région's communes meeting every given indicator.

    Desert class and share aged 75+ come from the latest access run, signalement counts from
    participation's figures; a commune without a run result fails the access criteria.
    """
    from maillage.insights.selectors import latest_run
    from maillage.participation.selectors import signals_beside_access

    codes = set(Commune.objects.filter(region_id=region).values_list("code", flat=True))
    if desert_classes or min_share_75 is not None:
        run = latest_run(region, profession)
        if run is None:
            return []
        results = run.results.all()
        if desert_classes:
            results = results.filter(desert_class__in=desert_classes)
        if min_share_75 is not None:
            results = results.filter(share_75_plus__gte=min_share_75)
        codes &= set(results.values_list("commune_id", flat=True))
    if min_signalements:
        figures = signals_beside_access(region=region, profession=None)
        codes &= {c.code for c in figures.communes if c.total >= min_signalements}
    return sorted(codes)


def campaign_list(*, viewer: Any) -> list[Campaign]:
    return [c for c in Campaign.objects.select_related("region")
            if viewer.has_perm("mobilization.view_campaign", c)]


def campaign_get(*, viewer: Any, pk: int) -> Campaign | None:
    campaign = Campaign.objects.select_related("region").filter(pk=pk).first()
    if campaign is None or not viewer.has_perm("mobilization.view_campaign", campaign):
        return None
    return campaign


@dataclass(frozen=True)
class Reach:
    views: int
    registrations: int
    # (code, name, targeted, views, registrations, messages e-mailed), targeted communes first
    by_commune: list[tuple[str, str, bool, int, int, int]]
    messages_sent: int = 0


def campaign_reach(campaign: Campaign) -> Reach:
    """Views, registrations and e-mailed messages, in total and by commune (of the viewer, the
    registrant, the recipient)."""
    from maillage.mobilization.models import CampaignDelivery

    targets = set(campaign.targets.values_list("commune_id", flat=True))
    views = Counter(dict(CampaignView.objects.filter(campaign=campaign).values_list(
        "commune_id").annotate(n=Count("pk")).order_by()))
    registrations = Counter(dict(EventRegistration.objects.filter(
        event__campaign=campaign).values_list("commune_id").annotate(n=Count("pk")).order_by()))
    sent = Counter(dict(CampaignDelivery.objects.filter(
        message__campaign=campaign, sent_at__isnull=False).values_list("commune_id").annotate(
        n=Count("pk")).order_by()))
    codes = (targets | {c for c in views if c} | {c for c in registrations if c}
             | {c for c in sent if c})
    names = dict(Commune.objects.filter(pk__in=codes).values_list("code", "name"))
    rows = [(code, names.get(code, code), code in targets, views.get(code, 0),
             registrations.get(code, 0), sent.get(code, 0)) for code in codes]
    rows.sort(key=lambda r: (not r[2], -r[3], r[1]))
    return Reach(views=sum(views.values()), registrations=sum(registrations.values()),
                 by_commune=rows, messages_sent=sum(sent.values()))


def campaign_recipients(campaign: Campaign) -> list[tuple[int, str]]:
    """(user id, home commune) of the verified, active people living in the target communes
    who did not opt out of campaign messages."""
    from allauth.account.models import EmailAddress

    from maillage.accounts.models import User
    from maillage.participation.verification import residence_verifier

    verifier = residence_verifier()
    people = list(User.objects.filter(
        is_active=True, home_commune__in=campaign.targets.values("commune_id"),
        mobilization_campaign_opt_out__isnull=True).only("pk", "home_commune_id", "email"))
    # Prime the default verifier's cache in one query instead of one per person.
    confirmed = set(EmailAddress.objects.filter(
        user__in=[p.pk for p in people], verified=True).values_list("user_id", flat=True))
    for person in people:
        person._maillage_verified = person.pk in confirmed
    return [(p.pk, p.home_commune_id) for p in people if verifier.is_verified_person(p)]


def campaign_messages(campaign: Campaign) -> list[Any]:
    """Messages of a campaign with `recipients` and `sent` counts."""
    from maillage.mobilization.models import CampaignMessage

    return list(CampaignMessage.objects.filter(campaign=campaign).annotate(
        recipients=Count("deliveries"),
        sent=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False))))


def receives_campaign_messages(user: Any) -> bool:
    from maillage.mobilization.models import CampaignOptOut

    return bool(getattr(user, "is_authenticated", False)) and not CampaignOptOut.objects.filter(
        user=user).exists()
