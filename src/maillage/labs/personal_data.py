"""What labs hold about a person, for export and account deletion.

Ideas are participation proposals (exported and erased by participation). Deletion keeps what
counts for others — a juror's notes in the results, a submission, a project — detached from the
person, and deletes the rest (profile, team memberships, registrations, staff seats).
"""

from __future__ import annotations

from typing import Any

from maillage.labs.models import (
    Juror,
    LabStaff,
    Mentor,
    Registration,
    Score,
    SkillProfile,
    Submission,
    Task,
    TeamMember,
)


def export(user: Any) -> dict[str, Any]:
    profile = SkillProfile.objects.filter(user=user).first()
    return {
        "profile": {"roles": profile.roles, "skills": profile.skills, "bio": profile.bio}
        if profile else None,
        "teams": [{"team": m.team_id, "name": m.team.name, "role": m.role,
                   "joined_at": m.joined_at.isoformat()}
                  for m in TeamMember.objects.filter(user=user).select_related("team")],
        "tasks_assigned": list(Task.objects.filter(assignee=user).values_list("title", flat=True)),
        "registrations": [{"event": r.event_id, "status": r.status,
                           "created_at": r.created_at.isoformat()}
                          for r in Registration.objects.filter(user=user)],
        "submissions": list(Submission.objects.filter(submitted_by=user)
                            .values_list("pk", flat=True)),
        "juries": list(Juror.objects.filter(user=user).values_list("event_id", flat=True)),
        "scores": [{"submission": s.submission_id, "criterion": s.criterion_id,
                    "value": s.value} for s in Score.objects.filter(juror__user=user)],
        "lab_staff": list(LabStaff.objects.filter(user=user).values_list("lab_id", flat=True)),
        "mentoring": list(Mentor.objects.filter(user=user).values_list("event_id", flat=True)),
    }


def erase(user: Any) -> None:
    SkillProfile.objects.filter(user=user).delete()
    TeamMember.objects.filter(user=user).delete()
    Registration.objects.filter(user=user).delete()
    LabStaff.objects.filter(user=user).delete()
    Task.objects.filter(assignee=user).update(assignee=None)
    Submission.objects.filter(submitted_by=user).update(submitted_by=None)
    Juror.objects.filter(user=user).update(user=None)
    Mentor.objects.filter(user=user).update(user=None)
