"""Who counts as a verified resident. Pluggable, so that FranceConnect can replace it later.

The default verifier asks for the minimum the rules set: a confirmed e-mail address and a
declared home commune inside the territory. It does not check identity: a person could declare a
commune they do not live in, and one person could hold two e-mail addresses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from maillage.territories.selectors import TerritoryRef, territory_contains


class ResidenceVerifier:
    """Base class: one method per question the permissions ask."""

    def is_verified_person(self, user: Any) -> bool:
        raise NotImplementedError

    def resides_in(self, user: Any, territory: TerritoryRef) -> bool:
        raise NotImplementedError


class DeclaredResidenceVerifier(ResidenceVerifier):
    """Confirmed e-mail address + declared home commune (User.home_commune)."""

    def is_verified_person(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        cached = getattr(user, "_maillage_verified", None)
        if cached is None:
            from allauth.account.models import EmailAddress

            cached = EmailAddress.objects.filter(user=user, verified=True).exists()
            user._maillage_verified = cached
        return cached

    def resides_in(self, user: Any, territory: TerritoryRef) -> bool:
        if not self.is_verified_person(user) or not user.home_commune_id:
            return False
        memo = user.__dict__.setdefault("_maillage_residence", {})
        if territory not in memo:
            memo[territory] = territory_contains(
                territory, TerritoryRef("commune", user.home_commune_id))
        return memo[territory]


def residence_verifier() -> ResidenceVerifier:
    """The configured verifier (setting MAILLAGE_RESIDENCE_VERIFIER, a dotted class path)."""
    path = getattr(settings, "MAILLAGE_RESIDENCE_VERIFIER",
                   "maillage.participation.verification.DeclaredResidenceVerifier")
    return import_string(path)()
