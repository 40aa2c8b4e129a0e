"""Factories for mobilization: verified residents, moderators, the authority, a petition."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def people(geography, make_user, grant, with_totp):
    """One person per role around the Lozère. Professionals have TOTP."""
    from maillage.accounts.models import Organisation, RoleAssignment
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
        "moderator": make_user(email="moderator@example.org"),
        "far_moderator": make_user(email="far-moderator@example.org"),
        "analyst": make_user(email="analyst@example.org"),
        "elu": make_user(email="elu@example.org"),
        "coordinator": make_user(email="coordinator@example.org"),
    }
    grant(cast["moderator"], "moderator", "departement", "48")
    grant(cast["far_moderator"], "moderator", "departement", "12")
    grant(cast["analyst"], "analyst", "region", "76")
    grant(cast["coordinator"], "coordinator", "region", "76")
    departement = Organisation.objects.create(name="Conseil départemental de la Lozère",
                                              kind="collectivite")
    RoleAssignment.objects.create(user=cast["elu"], role="citizen", organisation=departement)
    cast["organisation"] = departement
    for role in ("moderator", "far_moderator", "analyst", "coordinator"):
        with_totp(cast[role])
    return cast


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def make_petition(people):
    from django.utils import timezone

    from maillage.mobilization import services

    def make(threshold: int = 3, publish: bool = True, **extra):
        values = {
            "title": "Un médecin pour le centre de santé de Mende",
            "body": "Nous demandons le recrutement de deux médecins salariés.",
            "authority_kind": "departement", "authority_name": "Conseil départemental",
            "territory_level": "departement", "territory_code": "48",
            "threshold": threshold, "deadline": timezone.now() + timedelta(days=30),
            "authority_organisation_id": people["organisation"].pk,
        } | extra
        petition = services.petition_create(actor=people["resident"], **values)
        if publish:
            petition = services.petition_moderate(actor=people["moderator"], petition=petition,
                                                  approve=True)
        return petition

    return make
