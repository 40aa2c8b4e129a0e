"""People following a commune are told of new signalements and published proposals there
(in the app, and by e-mail at once or in the daily digest, through `notify`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from maillage.participation.models import Proposal, Signalement
from maillage.participation.services.notifications import followers, notify


def signalement_announce(signalement: Signalement) -> int:
    """Called in `signalement_create`'s transaction. The author is never named (anonymity)."""
    commune = signalement.commune
    return notify(
        user_ids=followers(communes=[commune.code]) - {signalement.author_id},
        title=_("Nouveau signalement à %(commune)s : %(category)s")
        % {"commune": commune.name, "category": signalement.get_category_display()},
        body=signalement.text[:300], url=signalement.get_absolute_url())


def proposal_announce(proposal: Proposal) -> int:
    """Called in `proposal_create`'s transaction: only proposals about a commune, only once
    their process is published (an unpublished process is not public news)."""
    if proposal.commune_id is None or not proposal.process.is_published:
        return 0
    return notify(
        user_ids=followers(communes=[proposal.commune_id]) - {proposal.author_id},
        title=_("Nouvelle proposition pour %(commune)s : %(title)s")
        % {"commune": proposal.commune.name, "title": proposal.title},
        body=proposal.body[:300], url=proposal.get_absolute_url())
