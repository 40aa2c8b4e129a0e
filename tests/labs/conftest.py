"""Factories for labs: a lab run by the région's analyst, a challenge, ideas, teams, an event."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def people(geography, make_user, grant, with_totp):
    """One person per part around the Lozère. Professionals have TOTP."""
    from maillage.territories.models import Commune

    mende = Commune.objects.get(pk="48095")
    badaroux = Commune.objects.get(pk="48017")
    cast = {
        "analyst": make_user(email="analyst@example.org", display_name="Ana"),
        "staff": make_user(email="staff@example.org", display_name="Sam"),
        "other_staff": make_user(email="other-staff@example.org"),
        "resident": make_user(email="resident@example.org", home_commune=mende,
                              display_name="Rosa"),
        "neighbour": make_user(email="neighbour@example.org", home_commune=badaroux,
                               display_name="Noé"),
        "dev": make_user(email="dev@example.org", home_commune=mende, display_name="Dev"),
        "juror": make_user(email="juror@example.org", display_name="Jules"),
        "juror2": make_user(email="juror2@example.org", display_name="Julie"),
        "unverified": make_user(email="unverified@example.org", verified=False,
                                home_commune=mende),
        "moderator": make_user(email="moderator@example.org"),
    }
    grant(cast["analyst"], "analyst", "region", "76")
    grant(cast["moderator"], "moderator", "departement", "48")
    for role in ("analyst", "moderator"):
        with_totp(cast[role])
    return cast


@pytest.fixture
def lab(people):
    from maillage.labs import services

    lab = services.lab_create(actor=people["analyst"], name="Lab santé Lozère", kind="region",
                              territory_level="departement", territory_code="48")
    services.lab_staff_add(actor=people["analyst"], lab=lab, email="staff@example.org")
    return lab


@pytest.fixture
def challenge(lab, people):
    from django.utils import timezone

    from maillage.labs import services

    return services.challenge_create(
        actor=people["staff"], lab=lab, title="Téléconsultation en zone rurale",
        description="Comment consulter sans faire 40 minutes de route ?",
        territory_level="departement", territory_code="48",
        ideas_close_at=timezone.now() + timedelta(days=30), category="distance",
        commune_codes=["48095", "48017"])


@pytest.fixture
def idea(challenge, people):
    from maillage.labs import services

    return services.idea_submit(actor=people["resident"], challenge=challenge,
                                title="Cabine de téléconsultation en mairie",
                                body="Une cabine équipée, accompagnée par un·e infirmier·e.")


@pytest.fixture
def team(idea, people):
    from maillage.labs import services

    return services.team_create(actor=people["resident"], idea=idea, name="Les Cabines",
                                role="patient_partner")


@pytest.fixture
def event(lab, challenge, people):
    from django.utils import timezone

    from maillage.labs import services

    now = timezone.now()
    return services.event_create(
        actor=people["staff"], lab=lab, title="Hackathon santé rurale",
        starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=3),
        submissions_close_at=now + timedelta(days=3), capacity=2, waiting_list_capacity=1,
        place="Mende, salle Urbain V", challenge_id=challenge.pk)
