"""Export and deletion cover what labs hold; a deleted juror's notes still count."""

from __future__ import annotations

from maillage.accounts.services import account_delete, personal_data_export
from maillage.labs import selectors, services
from maillage.labs.models import Juror, Score, SkillProfile, TeamMember


def test_export_lists_profile_teams_and_registrations(team, event, people):
    services.profile_update(actor=people["resident"], roles=["patient_partner"], skills="Récits")
    services.event_register(actor=people["resident"], event=event)
    data = personal_data_export(actor=people["resident"], user=people["resident"])["labs"]
    assert data["profile"]["roles"] == ["patient_partner"]
    assert data["teams"][0]["name"] == "Les Cabines"
    assert data["registrations"][0]["status"] == "confirmed"


def test_deletion_removes_the_person_but_keeps_the_jurys_notes(team, event, people):
    criterion = services.criterion_add(actor=people["staff"], event=event, name="Impact",
                                       weight=1)
    services.juror_add(actor=people["staff"], event=event, email="juror@example.org")
    submission = services.submission_save(actor=people["resident"], event=event, team=team,
                                          description="Cabine")
    services.score_record(actor=people["juror"], submission=submission,
                          values={criterion.pk: 9})
    services.profile_update(actor=people["resident"], roles=["patient_partner"])
    account_delete(actor=people["juror"], user=people["juror"],
                   password="correct-horse-battery")
    account_delete(actor=people["resident"], user=people["resident"],
                   password="correct-horse-battery")
    assert not SkillProfile.objects.exists() and not TeamMember.objects.exists()
    assert Juror.objects.get().user is None and Score.objects.count() == 1
    assert selectors.event_results(event)[0].score == 90.0
