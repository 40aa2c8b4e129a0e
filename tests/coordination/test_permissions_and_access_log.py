"""Who sees a patient's pathway, what is logged, and what consent withdrawal stops."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from maillage.coordination import selectors, services
from maillage.coordination.models import AccessLogEntry, Patient
from maillage.coordination.rules import can
from tests.coordination.conftest import START, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_patient(make_user):
    user = make_user("autre@example.org")
    Patient.objects.create(user=user, family_name="Autre", given_name="Anne")
    return user


@pytest.fixture
def people(network, patient_user, other_patient):
    return {"patient": patient_user, "team member": network["nurse"],
            "coordinator": network["coordinator"], "outside professional": network["outsider"],
            "other patient": other_patient, "anonymous": AnonymousUser(),
            "superuser": network["admin"], "cardiologist not in team": network["cardio"]}


MATRIX = {
    # who: (view, change, record, message, withdraw consent)
    "patient": (True, False, False, True, True),
    "team member": (True, False, True, True, False),
    "coordinator": (True, True, True, True, True),
    "outside professional": (False, False, False, False, False),
    "cardiologist not in team": (False, False, False, False, False),
    "other patient": (False, False, False, False, False),
    "anonymous": (False, False, False, False, False),
    "superuser": (False, False, False, False, False),
}
PERMS = ("view_pathway", "change_pathway", "record_pathway", "message_pathway",
         "withdraw_consent")


@pytest.mark.parametrize("who", MATRIX)
def test_the_permission_matrix(who, people, pathway, fresh):
    for perm, expected in zip(PERMS, MATRIX[who], strict=True):
        assert can(people[who], f"coordination.{perm}", fresh(pathway)) is expected, perm


@pytest.mark.parametrize("who", ["outside professional", "other patient", "superuser",
                                 "anonymous"])
def test_outsiders_get_not_found_and_do_not_see_the_patient_in_lists(who, people, pathway):
    with pytest.raises(Http404):
        selectors.pathway_get(actor=people[who], key=pathway.key, what="dossier")
    assert pathway not in selectors.pathways_visible_to(people[who])
    assert selectors.cohort(actor=people[who]) == []


def test_an_outsiders_write_is_refused_as_not_found(people, pathway, fresh):
    with pytest.raises(Http404):
        services.message_send(actor=people["outside professional"], pathway=fresh(pathway),
                              body="Bonjour")
    with pytest.raises(PermissionDenied):
        services.task_add(actor=people["team member"], pathway=fresh(pathway), title="X",
                          profession="infirmier", due_from=START, due_by=START)


def test_reads_and_writes_are_logged_and_the_patient_reads_the_log(people, pathway, fresh):
    AccessLogEntry.objects.all().delete()
    selectors.pathway_get(actor=people["team member"], key=pathway.key, what="dossier",
                          reason="préparer la visite")
    services.message_send(actor=people["team member"], pathway=fresh(pathway),
                          body="Glycémies à surveiller")
    with pytest.raises(Http404):
        selectors.pathway_get(actor=people["outside professional"], key=pathway.key,
                              what="dossier")

    log = selectors.access_log_of(actor=people["patient"])
    assert [(e.action, e.what, e.outcome) for e in reversed(log)] == [
        ("R", "dossier", "allowed"), ("C", "messages", "allowed"), ("R", "dossier", "denied")]
    assert log[-1].reason == "préparer la visite"
    assert "Inès" in log[-1].actor_label and "infirmier" in log[-1].actor_label.lower()
    # The log names the kind of data, never its content.
    assert not AccessLogEntry.objects.filter(what__icontains="Glycémies").exists()
    assert selectors.access_log_of(actor=people["other patient"]) == []


def test_withdrawing_consent_stops_access_at_once_but_not_for_the_patient(people, pathway,
                                                                           fresh):
    nurse_view = fresh(pathway)
    assert can(people["team member"], "coordination.view_pathway", nurse_view)

    services.consent_withdraw(actor=people["patient"], pathway=fresh(pathway), now=at(START))

    for who in ("team member", "coordinator"):
        with pytest.raises(Http404):
            selectors.pathway_get(actor=people[who], key=pathway.key, what="dossier")
        assert pathway not in selectors.pathways_visible_to(people[who])
    with pytest.raises(Http404):
        services.message_send(actor=people["team member"], pathway=fresh(pathway), body="?")
    seen = selectors.pathway_get(actor=people["patient"], key=pathway.key, what="dossier")
    assert seen.status == "suspended"
    assert services.alerts_detect(today=date(2027, 1, 1)).pathways == 0


def test_consent_given_again_restores_access(people, pathway, fresh):
    services.consent_withdraw(actor=people["patient"], pathway=fresh(pathway))
    services.consent_give(actor=people["patient"], pathway=fresh(pathway), method="online")
    assert can(people["team member"], "coordination.view_pathway", fresh(pathway))


def test_members_manage_their_own_directory_entries_only(network):
    services.service_save(actor=network["gp"], organisation=network["msp"],
                          service=network["service"], telephone="04 66 00 00 00")
    with pytest.raises(PermissionDenied):
        services.service_save(actor=network["outsider"], organisation=network["msp"],
                              service=network["service"], telephone="0")
    # The cooperation's coordinator may help its members.
    services.service_save(actor=network["coordinator"], organisation=network["msp"],
                          name="Téléconsultation", category="teleconsultation",
                          commune_id="48095")


def test_the_patients_data_is_in_their_personal_data_export_and_survives_deletion(
        people, pathway):
    from maillage.accounts import personal_data

    section = next(s for s in personal_data.sections() if s.name == "coordination")
    exported = section.exporter(people["patient"])
    assert exported["pathways"][0]["key"] == str(pathway.key)
    assert exported["access_log"]
    section.eraser(people["patient"])
    pathway.patient.refresh_from_db()
    # The record stays with the care team (medical record retention); the account is detached.
    assert pathway.patient.user is None
    assert section.exporter(people["other patient"])["pathways"] == []


def test_an_account_without_a_professional_role_cannot_join_a_care_team(network, pathway,
                                                                         make_user, fresh):
    """Professional roles must use TOTP: a plain account never reaches a patient's data."""
    from django.core.exceptions import ValidationError

    from maillage.coordination.models import NetworkProfessional

    plain = make_user("sans-role@msp.example")
    NetworkProfessional.objects.create(organisation=network["msp"], user=plain, name="Sans rôle",
                                       profession="dieteticien")
    with pytest.raises(ValidationError) as caught:
        services.care_team_add(actor=network["coordinator"], pathway=fresh(pathway), user=plain,
                               profession="dieteticien")
    assert "user" in caught.value.message_dict
    assert not pathway.team.filter(user=plain).exists()


def test_a_team_member_whose_professional_role_is_taken_away_loses_access(network, pathway,
                                                                         fresh):
    from maillage.accounts.models import RoleAssignment
    from maillage.accounts.rules import forget_roles

    nurse = network["nurse"]
    assert can(nurse, "coordination.view_pathway", fresh(pathway)) is True
    RoleAssignment.objects.filter(user=nurse).delete()
    forget_roles(nurse)
    assert can(nurse, "coordination.view_pathway", fresh(pathway)) is False
    assert pathway not in selectors.pathways_visible_to(nurse)
    with pytest.raises(Http404):
        selectors.pathway_get(actor=nurse, key=pathway.key, what="dossier")
