"""Following and notifying: in the app always, by e-mail at once or in a daily digest."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.links import absolute_url
from maillage.participation.models import (
    EmailFrequency,
    Follow,
    Notification,
    NotificationSettings,
    Phase,
    Process,
    Proposal,
)
from maillage.participation.services.common import _deny
from maillage.territories.models import Commune

logger = logging.getLogger(__name__)


def _target(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Process):
        return {"process": obj}
    if isinstance(obj, Proposal):
        return {"proposal": obj}
    if isinstance(obj, Commune):
        return {"commune": obj}
    raise TypeError(f"cannot follow {type(obj).__name__}")


def follow(*, actor: User, target: Process | Proposal | Commune) -> Follow:
    """Follow a process, a proposal or a commune (idempotent)."""
    if not getattr(actor, "is_authenticated", False):
        raise _deny(_("Connectez-vous pour suivre."))
    if isinstance(target, Process) and not actor.has_perm("participation.view_process", target):
        raise _deny(_("Concertation inconnue."))
    try:
        with transaction.atomic():
            return Follow.objects.create(user=actor, **_target(target))
    except IntegrityError:
        return Follow.objects.get(user=actor, **_target(target))


def unfollow(*, actor: User, target: Process | Proposal | Commune) -> None:
    Follow.objects.filter(user=actor, **_target(target)).delete()


def is_following(*, user: Any, target: Process | Proposal | Commune) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Follow.objects.filter(
        user=user, **_target(target)).exists()


def notification_settings_update(*, actor: User, email: str) -> NotificationSettings:
    from django.core.exceptions import ValidationError

    if email not in EmailFrequency.values:
        raise ValidationError({"email": _("Choix inconnu.")}, code="invalid")
    found, _created = NotificationSettings.objects.update_or_create(
        user=actor, defaults={"email": email})
    return found


def followers(*, processes: Iterable[Process] = (), proposals: Iterable[Proposal] = (),
              communes: Iterable[str] = ()) -> set[int]:
    """Ids of the users following any of these."""
    query = Q(pk__in=[])
    if processes := [p.pk for p in processes]:
        query |= Q(process_id__in=processes)
    if proposals := [p.pk for p in proposals]:
        query |= Q(proposal_id__in=proposals)
    if communes := list(communes):
        query |= Q(commune_id__in=communes)
    return set(Follow.objects.filter(query).values_list("user_id", flat=True))


def notify(*, user_ids: Iterable[int], title: str, url: str, body: str = "") -> int:
    """Record a notification for each user; e-mail at once those who asked for it.

    Called inside the caller's transaction: the e-mails leave only once it commits.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    created = Notification.objects.bulk_create(
        [Notification(user_id=i, title=title[:300], body=body, url=url) for i in ids])
    immediate = set(NotificationSettings.objects.filter(
        user_id__in=ids, email=EmailFrequency.IMMEDIATE).values_list("user_id", flat=True))
    pending = [n.pk for n in created if n.user_id in immediate and n.pk]
    if immediate:
        transaction.on_commit(lambda: _email_now(pending, immediate, title, body, url))
    return len(ids)


def _email_now(notification_ids: list[int], user_ids: set[int], title: str, body: str,
               url: str) -> None:
    for user in User.objects.filter(pk__in=user_ids):
        try:
            send_mail(f"Maillage : {title}", f"{body}\n\n{absolute_url(url)}".strip(),
                      settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            logger.exception("Could not e-mail notification to user %s", user.pk)
    Notification.objects.filter(pk__in=notification_ids).update(emailed_at=timezone.now())


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def digest_send() -> int:
    """E-mail each daily-digest user the notifications not yet e-mailed; returns e-mails sent.

    Users without settings get the default (daily digest).
    """
    sent = 0
    waiting: dict[int, list[Notification]] = defaultdict(list)
    never_or_now = set(NotificationSettings.objects.exclude(
        email=EmailFrequency.DAILY).values_list("user_id", flat=True))
    for n in Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True):
        if n.user_id not in never_or_now:
            waiting[n.user_id].append(n)
    for user in User.objects.filter(pk__in=waiting):
        items = waiting[user.pk]
        lines = "\n".join(f"- {n.title}\n  {absolute_url(n.url)}" for n in items)
        try:
            send_mail(_("Maillage : %(n)s nouvelles") % {"n": len(items)}, lines,
                      settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            logger.exception("Could not send the digest to user %s", user.pk)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(
            emailed_at=timezone.now())
        sent += 1
    return sent


@transaction.atomic
def phases_started_announce(*, now: Any = None) -> int:
    """Tell followers of each process that a phase began (once per phase)."""
    moment = now or timezone.now()
    count = 0
    for phase in Phase.objects.select_related("process").filter(
            starts_at__lte=moment, ends_at__gt=moment, announced_at__isnull=True,
            process__is_published=True).select_for_update():
        process = phase.process
        notify(user_ids=followers(processes=[process]),
               title=_("%(process)s : la phase « %(phase)s » commence")
               % {"process": process.title, "phase": phase.label},
               url=process.get_absolute_url())
        Phase.objects.filter(pk=phase.pk).update(announced_at=moment)
        count += 1
    return count
