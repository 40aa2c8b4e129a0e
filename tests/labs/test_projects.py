"""Projects through their stages, milestones, partners, funding; the pilot as an action."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.labs import selectors, services
from maillage.labs.models import Project, StageChange
from maillage.participation.models import Action


@pytest.fixture
def project(idea, team, people):
    services.idea_shortlist(actor=people["staff"], idea=idea)
    return services.project_create(actor=people["staff"], idea=idea, title="Cabines en mairie",
                                   summary="Des cabines de téléconsultation.", team_id=team.pk)


def test_only_a_shortlisted_or_winning_idea_becomes_a_project(idea, people):
    with pytest.raises(ValidationError, match="retenue ou lauréate"):
        services.project_create(actor=people["staff"], idea=idea, title="x", summary="y")
    assert not Project.objects.exists()


def test_a_project_moves_forward_one_stage_at_a_time(project, people):
    with pytest.raises(ValidationError, match="Étape suivante attendue"):
        services.project_stage_change(actor=people["staff"], project=project,
                                      stage="deployment")
    services.project_stage_change(actor=people["resident"], project=project,
                                  stage="prototype", note="Maquette testée")
    assert Project.objects.get().stage == "prototype"
    assert StageChange.objects.get().note == "Maquette testée"


def test_stopping_needs_a_reason_and_is_final(project, people):
    with pytest.raises(ValidationError) as caught:
        services.project_stage_change(actor=people["staff"], project=project, stage="stopped")
    assert "stop_reason" in caught.value.message_dict
    assert Project.objects.get().stage == "idea"
    services.project_stage_change(actor=people["staff"], project=project, stage="stopped",
                                  stop_reason="Pas de financement")
    with pytest.raises(ValidationError, match="arrêté"):
        services.project_stage_change(actor=people["staff"], project=project,
                                      stage="prototype")


def test_a_pilot_in_a_commune_opens_a_participation_action(project, people):
    services.project_stage_change(actor=people["staff"], project=project, stage="prototype")
    with pytest.raises(ValidationError) as caught:
        services.project_stage_change(actor=people["analyst"], project=project, stage="pilot",
                                      pilot_commune_code="12208")  # outside the lab
    assert "pilot_commune_code" in caught.value.message_dict
    services.project_stage_change(actor=people["analyst"], project=project, stage="pilot",
                                  pilot_commune_code="48095")
    project.refresh_from_db()
    action = Action.objects.get()
    assert project.action == action and project.pilot_commune_id == "48095"
    assert list(action.communes.values_list("code", flat=True)) == ["48095"]
    assert list(action.proposals.all()) == [project.idea.proposal]


def test_the_pilot_action_needs_participations_right_and_nothing_is_stored(project, people):
    """A staff member who is not an organiser of the territory cannot open the action."""
    services.project_stage_change(actor=people["staff"], project=project, stage="prototype")
    with pytest.raises(PermissionDenied):
        services.project_stage_change(actor=people["staff"], project=project, stage="pilot",
                                      pilot_commune_code="48095")
    project.refresh_from_db()
    assert project.stage == "prototype" and not Action.objects.exists()


def test_funding_milestones_and_partners(project, people):
    with pytest.raises(ValidationError):
        services.project_update(actor=people["staff"], project=project,
                                funding_requested="-5")
    services.project_update(actor=people["staff"], project=project,
                            funding_requested="12000", funding_obtained="8000.5")
    milestone = services.milestone_add(actor=people["resident"], project=project,
                                       title="Première cabine")
    services.milestone_done(actor=people["resident"], milestone=milestone)
    services.partner_add(actor=people["staff"], project=project, name="Mairie de Mende",
                         contribution="Local")
    with pytest.raises(PermissionDenied):
        services.partner_add(actor=people["neighbour"], project=project, name="Intrus")
    project.refresh_from_db()
    assert str(project.funding_obtained) == "8000.50"
    assert project.milestones.get().done_on is not None


def test_the_project_page_is_public(project, client):
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Cabines en mairie" in html and "Idée" in html


def test_the_dashboard_counts_people_and_projects(project, lab, people, client):
    services.profile_update(actor=people["resident"], roles=["patient_partner"])
    services.team_join(actor=people["dev"], team=project.team, role="developer")
    data = selectors.lab_dashboard(lab)
    assert data.people == 2
    assert ("Patient·e partenaire", 1) in data.by_profile
    assert ("48095", "Mende", 2) in data.by_commune
    assert ("idea", "Idée", 1) in data.by_stage
    client.force_login(people["neighbour"])
    assert client.get(f"/laboratoires/{lab.pk}/tableau-de-bord/").status_code == 403
    client.force_login(people["staff"])
    html = client.get(f"/laboratoires/{lab.pk}/tableau-de-bord/").content.decode()
    assert "<svg" in html and 'id="par-etape"' in html
