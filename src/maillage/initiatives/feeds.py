"""Atom feed of new initiatives and published testimonies of a territory."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from maillage.initiatives import selectors
from maillage.initiatives.selectors import FeedItem


class TerritoryFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, level: str, code: str) -> Any:
        found = selectors.territory_found(level, code)
        if found is None:
            raise Http404(_("Territoire inconnu."))
        return found

    def title(self, obj: Any) -> str:
        return _("Initiatives et témoignages — %(t)s") % {"t": obj[1]}

    def subtitle(self, obj: Any) -> str:
        return _("Nouvelles initiatives pour l'accès aux soins et témoignages publiés après "
                 "modération, sur Maillage.")

    def link(self, obj: Any) -> str:
        territory = obj[0]
        return reverse("initiatives:index") + f"?{territory.level}={territory.code}"

    def items(self, obj: Any) -> list[FeedItem]:
        return selectors.feed_items(obj[0])

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.description

    def item_link(self, item: FeedItem) -> str:
        return item.url

    def item_pubdate(self, item: FeedItem) -> Any:
        return item.published

    def item_guid(self, item: FeedItem) -> str:
        return item.url
