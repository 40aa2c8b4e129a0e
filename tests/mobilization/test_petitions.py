"""Petitions: start, moderation, one signature per verified person, threshold, official answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.mobilization import selectors, services
from maillage.mobilization.models import Petition, Signature
from maillage.participation.models import Notification


def test_a_verified_resident_starts_a_petition_that_waits_for_moderation(make_petition,
                                                                         people):
    petition = make_petition(publish=False)
    assert petition.status == "pending" and petition.territory_name == "Lozère"
    assert Notification.objects.filter(user=people["moderator"],
                                       title__startswith="Pétition à modérer").exists()
    assert not Notification.objects.filter(user=people["far_moderator"]).exists()
    assert not selectors.petition_list(viewer=people["neighbour"])
    with pytest.raises(PermissionDenied):
        services.petition_sign(actor=people["neighbour"], petition=petition)


@pytest.mark.parametrize("who", ["outsider", "unverified", "moderator"])
def test_only_verified_residents_of_the_territory_start_one(make_petition, people, who):
    with pytest.raises(PermissionDenied):
        services.petition_create(
            actor=people[who], title="t", body="b", authority_kind="ars",
            authority_name="ARS Occitanie", territory_level="departement",
            territory_code="48", threshold=10, deadline=timezone.now() + timedelta(days=3))
    assert not Petition.objects.exists()


def test_bad_input_names_its_field_and_stores_nothing(people):
    with pytest.raises(ValidationError) as caught:
        services.petition_create(
            actor=people["resident"], title="t", body="b", authority_kind="mairie",
            authority_name="x", territory_level="departement", territory_code="48",
            threshold=0, deadline=timezone.now() - timedelta(days=1))
    assert set(caught.value.message_dict) == {"authority_kind", "threshold", "deadline"}
    with pytest.raises(ValidationError) as caught:
        services.petition_create(
            actor=people["resident"], title="t", body="b", authority_kind="ars",
            authority_name="x", territory_level="departement", territory_code="99",
            threshold=3, deadline=timezone.now() + timedelta(days=1))
    assert "territory_code" in caught.value.message_dict
    assert not Petition.objects.exists()


def test_only_moderators_of_the_territory_publish_and_a_refusal_needs_a_reason(
        make_petition, people):
    petition = make_petition(publish=False)
    with pytest.raises(PermissionDenied):
        services.petition_moderate(actor=people["far_moderator"], petition=petition,
                                   approve=True)
    with pytest.raises(ValidationError):
        services.petition_moderate(actor=people["moderator"], petition=petition,
                                   approve=False, reason="")
    petition.refresh_from_db()
    assert petition.status == "pending"
    services.petition_moderate(actor=people["moderator"], petition=petition, approve=False,
                               reason="Propos injurieux envers un médecin nommé.")
    petition.refresh_from_db()
    assert petition.status == "rejected"
    assert Notification.objects.filter(user=people["resident"]).exists()


def test_one_signature_per_person_in_the_service_and_the_database(make_petition, people):
    petition = make_petition()
    services.petition_sign(actor=people["neighbour"], petition=petition, show_publicly=True)
    with pytest.raises(ValidationError) as caught:
        services.petition_sign(actor=people["neighbour"], petition=petition)
    assert "petition" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(petition=petition, user=people["neighbour"])
    assert selectors.petition_progress(petition).count == 1
    public = selectors.public_signatures(petition)
    assert [s.commune.name for s in public] == ["Mende"]


def test_unverified_people_and_closed_petitions_cannot_be_signed(make_petition, people):
    petition = make_petition()
    with pytest.raises(PermissionDenied):
        services.petition_sign(actor=people["unverified"], petition=petition)
    Petition.objects.filter(pk=petition.pk).update(deadline=timezone.now() - timedelta(hours=1))
    petition.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.petition_sign(actor=people["neighbour"], petition=petition)
    assert not Signature.objects.exists()


def test_signing_is_rate_limited(make_petition, people, settings):
    settings.MAILLAGE_SIGNATURES_PER_10_MINUTES = 1
    first, second = make_petition(), make_petition(title="Une autre")
    services.petition_sign(actor=people["neighbour"], petition=first)
    with pytest.raises(ValidationError):
        services.petition_sign(actor=people["neighbour"], petition=second)
    assert Signature.objects.count() == 1


def test_threshold_notifies_the_authority_which_answers_and_signatories_hear_it(
        make_petition, people):
    petition = make_petition(threshold=2)
    with pytest.raises(PermissionDenied):  # no answer before the threshold
        services.petition_answer(actor=people["elu"], petition=petition, answer="Non.")
    services.petition_sign(actor=people["neighbour"], petition=petition)
    services.petition_sign(actor=people["outsider"], petition=petition)
    petition.refresh_from_db()
    assert petition.threshold_reached_at is not None
    for authority in ("elu", "analyst"):
        assert Notification.objects.filter(user=people[authority],
                                           title__contains="seuil").count() == 1
    # Answering as an authority one does not represent: refused, nothing stored.
    for who in ("neighbour", "far_moderator", "resident"):
        with pytest.raises(PermissionDenied):
            services.petition_answer(actor=people[who], petition=petition, answer="Oui.")
    with pytest.raises(ValidationError):
        services.petition_answer(actor=people["elu"], petition=petition, answer="  ")
    petition.refresh_from_db()
    assert petition.answered_at is None
    services.petition_answer(actor=people["elu"], petition=petition,
                             answer="Deux postes seront ouverts en janvier.")
    for who in ("neighbour", "outsider", "resident"):
        assert Notification.objects.filter(user=people[who],
                                           title__startswith="Réponse officielle").exists()
    with pytest.raises(PermissionDenied):  # one official answer
        services.petition_answer(actor=people["analyst"], petition=petition, answer="Encore")


def test_the_threshold_is_announced_once(make_petition, people, make_user):
    petition = make_petition(threshold=1)
    services.petition_sign(actor=people["neighbour"], petition=petition)
    services.petition_sign(actor=people["outsider"], petition=petition)
    assert Notification.objects.filter(user=people["elu"]).count() == 1
