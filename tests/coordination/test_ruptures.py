"""Rupture detection with a controlled clock: overdue, missing, discharge, no médecin traitant."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from maillage.coordination import selectors, services
from maillage.coordination.models import Alert, CareTask, CareTeamMember
from tests.coordination.conftest import START, at

pytestmark = pytest.mark.django_db


def kinds(pathway) -> set[tuple[str, str]]:
    return set(pathway.alerts.filter(status="open").values_list("kind", "subject"))


@pytest.fixture
def planned(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=START)
    return pathway


def test_nothing_is_late_inside_the_window(planned):
    services.alerts_detect(today=date(2026, 2, 4))  # last day of the first HbA1c window
    assert not planned.alerts.filter(kind="overdue").exists()


def test_a_task_past_its_window_raises_one_alert_however_often_detection_runs(planned):
    hba1c = CareTask.objects.filter(pathway=planned, activity__code="hba1c").order_by(
        "due_by").first()
    services.alerts_detect(today=date(2026, 2, 5))
    services.alerts_detect(today=date(2026, 2, 6))
    assert planned.alerts.filter(kind="overdue", task=hba1c, status="open").count() == 1


def test_doing_the_task_closes_its_alert_and_keeps_the_history(planned, network):
    hba1c = CareTask.objects.filter(pathway=planned, activity__code="hba1c").order_by(
        "due_by").first()
    services.alerts_detect(today=date(2026, 2, 5))
    services.task_complete(actor=network["nurse"], task=hba1c, done_on=date(2026, 2, 5),
                           value=7.1, unit="%")
    summary = services.alerts_detect(today=date(2026, 2, 6))
    alert = Alert.objects.get(pathway=planned, task=hba1c)
    assert summary.closed >= 1
    assert (alert.status, alert.resolved_on) == ("resolved", date(2026, 2, 6))
    assert planned.observations.get(code="4548-4").value == 7.1


def test_an_activity_removed_from_the_plan_is_reported_missing(planned):
    CareTask.objects.filter(pathway=planned, activity__code="fond-oeil").delete()
    services.alerts_detect(today=START)
    assert ("missing", "activity:fond-oeil") in kinds(planned)


def test_a_team_without_a_referring_doctor_raises_an_alert(planned):
    services.alerts_detect(today=START)
    assert ("no_gp", "team") not in kinds(planned)
    CareTeamMember.objects.filter(pathway=planned, is_referring_doctor=True).delete()
    services.alerts_detect(today=START)
    assert ("no_gp", "team") in kinds(planned)


def test_a_discharge_without_follow_up_within_the_delay_is_a_rupture(planned, network):
    stay = services.encounter_record(actor=network["gp"], pathway=planned, kind="IMP",
                                     started_at=at(date(2026, 3, 1)),
                                     ended_at=at(date(2026, 3, 10)), label="Décompensation")
    subject = ("discharge", f"encounter:{stay.pk}")
    # The diabetes template expects a visit within 14 days of discharge.
    services.alerts_detect(today=date(2026, 3, 24))
    assert subject not in kinds(planned)
    services.alerts_detect(today=date(2026, 3, 25))
    assert subject in kinds(planned)


def test_a_visit_in_time_after_discharge_prevents_the_rupture(planned, network):
    services.encounter_record(actor=network["gp"], pathway=planned, kind="IMP",
                              started_at=at(date(2026, 3, 1)), ended_at=at(date(2026, 3, 10)))
    services.encounter_record(actor=network["gp"], pathway=planned, kind="AMB",
                              started_at=at(date(2026, 3, 16)))
    services.alerts_detect(today=date(2026, 4, 30))
    assert not planned.alerts.filter(kind="discharge").exists()


def test_heart_failure_discharge_adds_the_post_hospital_cardiology_visit(network, templates,
                                                                         patient_user):
    pathway = services.pathway_enrol(
        actor=network["coordinator"], cooperation=network["cpts"],
        patient_fields={"family_name": "Cœur", "given_name": "Hélène"},
        template=templates["insuffisance-cardiaque"], consent_method="oral", start_date=START)
    services.care_team_add(actor=network["coordinator"], pathway=pathway, user=network["cardio"],
                           profession="cardiologue")
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    services.encounter_record(actor=network["cardio"], pathway=pathway, kind="IMP",
                              started_at=at(date(2026, 5, 2)), ended_at=at(date(2026, 5, 9)))
    visit = CareTask.objects.get(pathway=pathway,
                                 activity__code="cardiologue-post-hospitalisation")
    assert (visit.due_from, visit.due_by, visit.owner) == (
        date(2026, 5, 9), date(2026, 5, 9) + timedelta(days=60), network["cardio"])
    # Seven days for heart failure (HAS): the 17th is one day too late.
    services.alerts_detect(today=date(2026, 5, 17))
    assert pathway.alerts.filter(kind="discharge", status="open").exists()


def test_the_coordinator_resolves_an_alert_with_a_note_and_the_cohort_counts_it(planned,
                                                                               network):
    services.alerts_detect(today=date(2026, 2, 5))
    rows = selectors.cohort(actor=network["coordinator"], cooperation=network["cpts"])
    assert [(r.pathway, r.commune, r.patients, r.at_risk) for r in rows] == [
        ("Diabète de type 2 de l'adulte", "Mende", 1, 1)]
    alert = planned.alerts.filter(status="open").first()
    services.alert_resolve(actor=network["coordinator"], alert=alert,
                           resolution="Rendez-vous pris au laboratoire", today=date(2026, 2, 5))
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == ("resolved", network["coordinator"])


def test_the_daily_command_detects_ruptures_on_a_given_day(planned):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("coordination", "detect-ruptures", "--today", "2026-02-05", stdout=out)
    assert "1 parcours examinés" in out.getvalue()
    assert planned.alerts.filter(kind="overdue", status="open").exists()


def test_the_coordinator_and_the_owner_are_told_without_any_health_data(
        planned, network, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        services.alerts_detect(today=date(2026, 2, 5))
    recipients = {m.to[0] for m in mailoutbox}
    assert {"coord@cpts.example", "gp@msp.example"} <= recipients
    for mail in mailoutbox:
        assert planned.get_absolute_url() in mail.body
        for secret in ("Paul", "Patient", "HbA1c", "Diabète", "médecin traitant"):
            assert secret not in mail.body and secret not in mail.subject
