"""Templates loaded from the HAS-based file; a plan instantiated with due dates worked by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from maillage.coordination import services
from maillage.coordination.models import ActivityDefinition, CareTask, PathwayTemplate
from tests.coordination.conftest import START, at

pytestmark = pytest.mark.django_db


def test_the_three_templates_load_with_cited_sources_and_a_rerun_changes_nothing(templates):
    assert set(templates) == {"diabete-type-2", "insuffisance-cardiaque", "bpco"}
    for template in templates.values():
        assert template.source_url.startswith("https://www.has-sante.fr/")
        assert "HAS" in template.source_title
    hba1c = ActivityDefinition.objects.get(template__code="diabete-type-2", code="hba1c")
    assert (hba1c.interval_days, hba1c.profession, hba1c.loinc) == (90, "biologiste", "4548-4")
    eye = ActivityDefinition.objects.get(template__code="diabete-type-2", code="fond-oeil")
    assert eye.interval_days == 365
    before = ActivityDefinition.objects.count()

    call_command("coordination", "load-templates", verbosity=0)

    assert ActivityDefinition.objects.count() == before
    assert PathwayTemplate.objects.count() == 3


def test_a_bad_template_file_is_named_and_nothing_changes(tmp_path, templates):
    bad = tmp_path / "modeles.json"
    bad.write_text('{"templates": [{"code": "x", "name": "X", "condition_label": "X", '
                   '"source_title": "s", "source_url": "https://e.org", "source_date": "2020", '
                   '"activities": [{"code": "a", "name": "A", "profession": "sorcier", '
                   '"rationale": "r"}]}]}')
    with pytest.raises(ValidationError, match=r"modeles\.json, x, activité a"):
        services.templates_load(bad)
    assert not PathwayTemplate.objects.filter(code="x").exists()


def test_instantiation_turns_each_activity_into_dated_tasks_with_owners(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=START, risk_grade=0)
    hba1c = list(CareTask.objects.filter(pathway=pathway, activity__code="hba1c")
                 .order_by("due_from"))
    # Every 90 days from 5 January 2026 (days 0, 90, 180, 270, 360 < 365), 30-day windows.
    assert [(t.due_from, t.due_by) for t in hba1c] == [
        (date(2026, 1, 5), date(2026, 2, 4)),
        (date(2026, 4, 5), date(2026, 5, 5)),
        (date(2026, 7, 4), date(2026, 8, 3)),
        (date(2026, 10, 2), date(2026, 11, 1)),
        (date(2026, 12, 31), date(2027, 1, 30)),
    ]
    # Nobody in the team does lab work: no owner until someone joins.
    assert all(t.owner is None for t in hba1c)
    gp_visits = CareTask.objects.filter(pathway=pathway, activity__code="consultation-mt")
    assert {t.owner for t in gp_visits} == {network["gp"]}
    eye = CareTask.objects.get(pathway=pathway, activity__code="fond-oeil")
    assert (eye.due_from, eye.due_by) == (date(2026, 1, 5), date(2026, 4, 5))
    # Risk grade 0: no podiatry; screening not yet positive: no psychological support.
    assert not CareTask.objects.filter(pathway=pathway, profession="pedicure_podologue").exists()
    assert not CareTask.objects.filter(pathway=pathway, profession="psychologue").exists()


def test_a_result_already_in_the_record_puts_the_next_test_one_interval_later(pathway,
                                                                              network):
    from datetime import timedelta

    from maillage.coordination.models import Observation

    # An HbA1c measured on 5 December 2025 (imported or recorded), a month before the start;
    # a lipid panel from 2024, older than its one-year interval; an eye exam has no LOINC.
    for code, day in (("4548-4", date(2025, 12, 5)), ("2093-3", date(2024, 6, 1))):
        Observation.objects.create(pathway=pathway, code=code, label=code, value=7.0,
                                   effective_at=at(day))
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=START, risk_grade=0)
    hba1c = list(CareTask.objects.filter(pathway=pathway, activity__code="hba1c")
                 .order_by("due_from"))
    # Next due 90 days after 5 December 2025 = 5 March 2026, then every 90 days before
    # 5 January 2027: 5 March, 3 June, 1 September, 30 November.
    assert [t.due_from for t in hba1c] == [date(2026, 3, 5), date(2026, 6, 3),
                                           date(2026, 9, 1), date(2026, 11, 30)]
    assert hba1c[0].due_by == date(2026, 3, 5) + timedelta(days=30)
    lipids = CareTask.objects.get(pathway=pathway, activity__code="bilan-lipidique")
    assert lipids.due_from == START  # 1 June 2025 < start: due at once
    eye = CareTask.objects.get(pathway=pathway, activity__code="fond-oeil")
    assert eye.due_from == START
    # No false rupture: every activity is in the plan, and nothing is overdue at the start.
    assert [r.kind for r in services.pathway_ruptures(pathway, START)] == []


def test_a_yearly_activity_done_on_the_first_day_still_gets_a_window(templates):
    from maillage.coordination.models import ActivityDefinition

    eye = ActivityDefinition.objects.get(template__code="diabete-type-2", code="fond-oeil")
    # Done on the start day: next due exactly at the horizon; the plan keeps that one window.
    assert services.activity_occurrences(eye, START, 365, last_done=START) == [
        (date(2027, 1, 5), date(2027, 4, 5))]
    assert services.activity_occurrences(eye, START, 365) == [
        (date(2026, 1, 5), date(2026, 4, 5))]


def test_risk_grade_3_schedules_six_podiatry_sessions_a_year(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=START, risk_grade=3)
    sessions = CareTask.objects.filter(pathway=pathway, activity__code="podologie-grade-3")
    assert sessions.count() == 6  # days 0, 61, 122, 183, 244, 305 < 365


def test_a_positive_phq9_adds_psychological_support(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway,
                                   start_date=START)
    screening = CareTask.objects.filter(pathway=pathway,
                                        activity__code="depistage-depression").first()
    services.task_complete(actor=network["gp"], task=screening, done_on=date(2026, 1, 20),
                           value=14, unit="{score}")
    support = CareTask.objects.get(pathway=pathway, activity__code="soutien-psychologique")
    assert (support.due_from, support.due_by) == (date(2026, 1, 20), date(2026, 2, 19))


def test_a_task_cannot_be_given_to_someone_outside_the_team(pathway, network):
    with pytest.raises(ValidationError) as error:
        services.task_add(actor=network["coordinator"], pathway=pathway, title="Bilan",
                          profession="generaliste", due_from=START, due_by=START,
                          owner=network["outsider"])
    assert "owner" in error.value.message_dict
    assert not CareTask.objects.filter(pathway=pathway, title="Bilan").exists()


def test_only_network_professionals_join_a_care_team(pathway, network, make_user):
    stranger = make_user("x@example.org")
    with pytest.raises(ValidationError, match="réseau"):
        services.care_team_add(actor=network["coordinator"], pathway=pathway, user=stranger,
                               profession="infirmier")
    with pytest.raises(ValidationError, match="réseau"):
        services.care_team_add(actor=network["coordinator"], pathway=pathway,
                               user=network["outsider"], profession="generaliste")


def test_enrolment_requires_recorded_consent(network, templates):
    with pytest.raises(ValidationError, match="consentement"):
        services.pathway_enrol(actor=network["coordinator"], cooperation=network["cpts"],
                               patient_fields={"family_name": "A", "given_name": "B"},
                               consent_method="", now=at(START))
