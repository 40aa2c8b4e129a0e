"""Closing petitions (early by the organiser, at the deadline by the daily job) and reminding
the authority of an overdue official answer."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.mobilization import services
from maillage.mobilization.models import Petition, Signature
from maillage.participation.models import Notification


def test_the_organiser_closes_early_and_nobody_signs_afterwards(make_petition, people):
    petition = make_petition()
    services.petition_sign(actor=people["neighbour"], petition=petition)
    for who in ("neighbour", "far_moderator", "elu"):
        with pytest.raises(PermissionDenied):
            services.petition_close(actor=people[who], petition=petition)
    closed = services.petition_close(actor=people["resident"], petition=petition)
    assert closed.status == "closed" and closed.closed_at is not None
    assert Notification.objects.filter(user=people["resident"],
                                       title__contains="est close : 1 signature").exists()
    with pytest.raises(PermissionDenied):
        services.petition_sign(actor=people["outsider"], petition=closed)
    with pytest.raises(PermissionDenied):  # already closed
        services.petition_close(actor=people["moderator"], petition=closed)
    assert Signature.objects.count() == 1
    # Still public, still exportable for official submission.
    client = Client()
    client.force_login(people["resident"])
    assert client.get(reverse("mobilization:petition_csv", args=[petition.pk])
                      ).status_code == 200


def test_a_moderator_of_the_territory_closes_through_the_page(make_petition, people):
    petition = make_petition()
    client = Client()
    client.force_login(people["moderator"])
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "Clore la pétition maintenant" in page
    client.post(reverse("mobilization:petition_close", args=[petition.pk]))
    petition.refresh_from_db()
    assert petition.status == "closed"
    neighbour = Client()
    neighbour.force_login(people["neighbour"])
    assert "Clore la pétition" not in neighbour.get(petition.get_absolute_url()
                                                    ).content.decode()


def test_the_daily_job_closes_expired_petitions_once(make_petition, people):
    expired, _running = make_petition(), make_petition(title="Encore ouverte")
    pending = make_petition(publish=False, title="En attente")
    Petition.objects.filter(pk__in=[expired.pk, pending.pk]).update(
        deadline=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("mobilization_daily", stdout=out)
    assert out.getvalue().strip() == "1 pétition(s) close(s), 0 rappel(s) envoyé(s)."
    statuses = dict(Petition.objects.values_list("title", "status"))
    assert statuses == {expired.title: "closed", "Encore ouverte": "published",
                        "En attente": "pending"}
    assert services.petitions_close_expired() == 0
    assert Notification.objects.filter(user=people["resident"],
                                       title__contains="est close").count() == 1


def test_the_authority_is_reminded_after_the_delay_then_every_delay(make_petition, people,
                                                                    settings):
    settings.MAILLAGE_PETITION_ANSWER_DAYS = 30
    petition = make_petition(threshold=1)
    services.petition_sign(actor=people["neighbour"], petition=petition)
    reached = Petition.objects.get(pk=petition.pk).threshold_reached_at

    def reminders() -> int:
        return Notification.objects.filter(user=people["elu"],
                                           title__startswith="Rappel").count()

    assert services.petition_answer_reminders_send(now=reached + timedelta(days=29)) == 0
    assert services.petition_answer_reminders_send(now=reached + timedelta(days=31)) == 1
    assert reminders() == 1
    assert "depuis 31 jours" in Notification.objects.get(user=people["elu"],
                                                         title__startswith="Rappel").title
    assert services.petition_answer_reminders_send(now=reached + timedelta(days=40)) == 0
    assert services.petition_answer_reminders_send(now=reached + timedelta(days=62)) == 1
    assert reminders() == 2
    services.petition_answer(actor=people["elu"], petition=petition, answer="Oui.")
    assert services.petition_answer_reminders_send(now=reached + timedelta(days=200)) == 0


def test_the_page_says_when_the_answer_is_due(make_petition, people, settings):
    settings.MAILLAGE_PETITION_ANSWER_DAYS = 45
    petition = make_petition(threshold=1)
    services.petition_sign(actor=people["neighbour"], petition=petition)
    page = Client().get(petition.get_absolute_url()).content.decode()
    assert "réponse attendue sous 45 jours" in page
