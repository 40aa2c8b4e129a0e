"""Skills and roles profiles, teams around an idea, their page and task list."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.labs import selectors, services
from maillage.labs.models import SkillProfile, Task, Team, TeamMember


def test_a_person_declares_skills_and_roles(people):
    profile = services.profile_update(actor=people["dev"], roles=["developer", "designer"],
                                      skills="Python, UX")
    assert profile.roles == ["designer", "developer"]
    assert [p.user for p in selectors.people_directory(role="developer")] == [people["dev"]]
    assert selectors.people_directory(role="patient_partner") == []


def test_an_unknown_role_is_refused_and_nothing_stored(people):
    with pytest.raises(ValidationError) as caught:
        services.profile_update(actor=people["dev"], roles=["astronaut"])
    assert "roles" in caught.value.message_dict
    assert not SkillProfile.objects.exists()


def test_a_team_forms_around_an_idea_and_others_join(team, people):
    assert list(team.members.values_list("user__email", "role")) == [
        ("resident@example.org", "patient_partner")]
    services.team_join(actor=people["dev"], team=team, role="developer")
    with pytest.raises(ValidationError, match="déjà"):
        services.team_join(actor=people["dev"], team=team, role="developer")
    assert TeamMember.objects.filter(team=team).count() == 2


def test_two_teams_of_an_idea_cannot_share_a_name(team, idea, people):
    with pytest.raises(ValidationError) as caught:
        services.team_create(actor=people["dev"], idea=idea, name="les cabines",
                             role="developer")
    assert "name" in caught.value.message_dict
    assert Team.objects.count() == 1


def test_only_members_manage_the_team_page_and_tasks(team, people):
    with pytest.raises(PermissionDenied):
        services.team_update(actor=people["neighbour"], team=team, name="Pirates")
    with pytest.raises(PermissionDenied):
        services.task_add(actor=people["neighbour"], team=team, title="Saboter")
    services.team_join(actor=people["dev"], team=team, role="developer")
    task = services.task_add(actor=people["resident"], team=team, title="Maquette",
                             assignee_id=people["dev"].pk)
    services.task_set_done(actor=people["dev"], task=task, done=True)
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_task_is_given_only_to_a_member(team, people):
    with pytest.raises(ValidationError) as caught:
        services.task_add(actor=people["resident"], team=team, title="x",
                          assignee_id=people["neighbour"].pk)
    assert "assignee_id" in caught.value.message_dict
    assert not Task.objects.exists()


def test_the_team_page_shows_members_and_tasks_to_members(team, people, client):
    services.task_add(actor=people["resident"], team=team, title="Appeler la mairie")
    html = client.get(team.get_absolute_url()).content.decode()
    assert "Les Cabines" in html and "Rosa" in html
    assert "Appeler la mairie" not in html  # the task list is the team's
    client.force_login(people["resident"])
    html = client.get(team.get_absolute_url()).content.decode()
    assert "Appeler la mairie" in html
