"""Per-object permissions of the care cooperation (django-rules): `coordination.<verb>_<model>`.

A patient's data is visible to the patient, to the pathway's coordinator and to the members of
their care team, the last two only while the patient's consent is active. No other role sees
it — not even a superuser: `can()` asks django-rules directly because Django's `has_perm`
grants everything to superusers.
"""

from __future__ import annotations

from typing import Any

import rules

from maillage.accounts.models import PROFESSIONAL_ROLES, Role
from maillage.accounts.rules import is_superuser, roles_of


def pathway_access(user: Any, pathway: Any) -> dict[str, bool]:
    """The user's relation to a pathway, computed once per (user, pathway object)."""
    if not getattr(user, "is_authenticated", False) or pathway is None:
        return {"patient": False, "coordinator": False, "team": False, "consent": False}
    cache = pathway.__dict__.setdefault("_coordination_access", {})
    if user.pk not in cache:
        # Only a professional role (which must use TOTP MFA) opens a patient's data to someone
        # other than the patient: a team member whose role was taken away loses access at once.
        professional = any(a.role in PROFESSIONAL_ROLES for a in roles_of(user))
        cache[user.pk] = {
            "patient": pathway.patient.user_id == user.pk,
            "coordinator": professional and pathway.coordinator_id == user.pk,
            "team": professional and pathway.team.filter(user=user).exists(),
            "consent": pathway.consents.filter(status="active").exists(),
        }
    return cache[user.pk]


def access_forget(pathway: Any) -> None:
    pathway.__dict__.pop("_coordination_access", None)


def can(user: Any, perm: str, obj: Any = None) -> bool:
    return rules.has_perm(perm, user, obj)


@rules.predicate
def is_pathway_patient(user: Any, pathway: Any) -> bool:
    return pathway_access(user, pathway)["patient"]


@rules.predicate
def is_pathway_coordinator(user: Any, pathway: Any) -> bool:
    return pathway_access(user, pathway)["coordinator"]


@rules.predicate
def is_care_team_member(user: Any, pathway: Any) -> bool:
    return pathway_access(user, pathway)["team"]


@rules.predicate
def has_active_consent(user: Any, pathway: Any) -> bool:
    return pathway_access(user, pathway)["consent"]


@rules.predicate
def is_coordinator_of(user: Any, organisation: Any) -> bool:
    return any(a.role == Role.COORDINATOR and a.organisation_id == getattr(organisation, "pk", -1)
               for a in roles_of(user))


@rules.predicate
def works_in(user: Any, organisation: Any) -> bool:
    return any(a.organisation_id == getattr(organisation, "pk", -1) for a in roles_of(user))


@rules.predicate
def coordinates_a_network_of(user: Any, organisation: Any) -> bool:
    from maillage.coordination.models import NetworkMembership

    coordinated = [a.organisation_id for a in roles_of(user)
                   if a.role == Role.COORDINATOR and a.organisation_id]
    return bool(coordinated) and NetworkMembership.objects.filter(
        cooperation_id__in=coordinated, member=organisation).exists()


sees_pathway = is_pathway_patient | (
    has_active_consent & (is_pathway_coordinator | is_care_team_member))
cares_for_pathway = has_active_consent & (is_pathway_coordinator | is_care_team_member)

rules.add_perm("coordination.view_pathway", sees_pathway)
# Building the team, instantiating and adapting the plan, resolving alerts.
rules.add_perm("coordination.change_pathway", has_active_consent & is_pathway_coordinator)
# Recording what was done: tasks, results, encounters, documents, teleconsultations.
rules.add_perm("coordination.record_pathway", cares_for_pathway)
rules.add_perm("coordination.message_pathway",
               has_active_consent & (is_pathway_patient | is_pathway_coordinator
                                     | is_care_team_member))
rules.add_perm("coordination.withdraw_consent", is_pathway_patient | is_pathway_coordinator)
# On an Organisation acting as a cooperation.
rules.add_perm("coordination.enrol_patient", is_coordinator_of)
rules.add_perm("coordination.view_cohort", is_coordinator_of)
rules.add_perm("coordination.manage_network", is_superuser | is_coordinator_of)
# Members manage their own directory entries; the cooperation's coordinators may help.
rules.add_perm("coordination.manage_organisation",
               is_superuser | works_in | coordinates_a_network_of)

# Pathway templates: a cooperation's coordinators define its own templates (shared templates,
# loaded from the published guidance, are read-only: a cooperation derives its own from them).
rules.add_perm("coordination.manage_templates", is_coordinator_of)


@rules.predicate
def coordinates_template_cooperation(user: Any, template: Any) -> bool:
    cooperation = getattr(template, "cooperation", None)
    return cooperation is not None and is_coordinator_of(user, cooperation)


rules.add_perm("coordination.change_template", coordinates_template_cooperation)
