"""Factories for participation: people in each role, a process with a known calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

# The test calendar: diagnostic, proposals, vote, back to back.
T0 = datetime(2026, 3, 1, tzinfo=UTC)
T1 = T0 + timedelta(days=10)
T2 = T1 + timedelta(days=10)
T3 = T2 + timedelta(days=10)
MOMENTS = {
    "before": T0 - timedelta(days=1),
    "diagnostic": T0 + timedelta(days=1),
    "proposals": T1 + timedelta(days=1),
    "vote": T2 + timedelta(days=1),
    "after": T3 + timedelta(days=1),
}


@pytest.fixture
def people(geography, make_user, grant, with_totp):
    """One person per role. Professionals have TOTP so that pages let them through."""
    from maillage.territories.models import Commune

    mende = Commune.objects.get(pk="48095")
    elsewhere = Commune.objects.get(pk="12208")  # Aveyron, outside the Lozère
    cast = {
        "anonymous": None,
        "unverified": make_user(email="unverified@example.org", verified=False,
                                home_commune=mende),
        "outsider": make_user(email="outsider@example.org", home_commune=elsewhere),
        "resident": make_user(email="resident@example.org", home_commune=mende,
                              display_name="Rosa"),
        "neighbour": make_user(email="neighbour@example.org", home_commune=mende),
        "organiser": make_user(email="organiser@example.org"),
        "moderator": make_user(email="moderator@example.org"),
        "far_moderator": make_user(email="far-moderator@example.org"),
    }
    grant(cast["organiser"], "analyst", "region", "76")
    grant(cast["moderator"], "moderator", "departement", "48")
    grant(cast["far_moderator"], "moderator", "departement", "12")
    for role in ("organiser", "moderator", "far_moderator"):
        with_totp(cast[role])
    return cast


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def process(people):
    """A published process over the Lozère with the test calendar."""
    from maillage.participation.models import Phase, PhaseType, Process

    process = Process.objects.create(
        title="Accès aux soins en Lozère", territory_level="departement", territory_code="48",
        territory_name="Lozère", organiser_name="CPTS Cœur de Lozère", is_published=True,
        created_by=people["organiser"],
    )
    for kind, start, end in ((PhaseType.DIAGNOSTIC, T0, T1), (PhaseType.PROPOSALS, T1, T2),
                             (PhaseType.VOTE, T2, T3)):
        Phase.objects.create(process=process, type=kind, starts_at=start, ends_at=end)
    return process


@pytest.fixture
def at():
    """Freeze the clock: `with at("proposals"): ...` (django.utils.timezone.now patched)."""
    from contextlib import contextmanager
    from unittest import mock

    @contextmanager
    def freeze(moment):
        instant = MOMENTS.get(moment, moment)
        with mock.patch("django.utils.timezone.now", return_value=instant):
            yield instant

    return freeze
