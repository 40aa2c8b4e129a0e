"""Per-object permissions of solidarity transport (django-rules), named `transport.<verb>_<model>`.

A ride's destination is health information: only the beneficiary (and whom they mandated), the
association's coordinators and the driver assigned to the ride — on a published plan and until
the end of the ride's day — may read it.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from maillage.accounts.models import Organisation, Role
from maillage.accounts.rules import is_superuser, roles_of
from maillage.transport.models import DayPlan, Leg, Member, RideRequest, Volunteer


def association_of(obj: Any) -> int | None:
    if isinstance(obj, Organisation):
        return obj.pk
    if isinstance(obj, RideRequest | Member | Volunteer | DayPlan):
        return obj.association_id
    if isinstance(obj, Leg):
        return obj.ride.association_id
    return None


def coordinated_associations(user: Any) -> set[int]:
    return {a.organisation_id for a in roles_of(user)
            if a.role == Role.COORDINATOR and a.organisation_id}


@rules.predicate
def is_coordinator(user: Any, obj: Any) -> bool:
    association = association_of(obj)
    return association is not None and association in coordinated_associations(user)


def _member_of(obj: Any) -> Member | None:
    if isinstance(obj, Member):
        return obj
    if isinstance(obj, RideRequest):
        return obj.member
    return None


@rules.predicate
def is_beneficiary(user: Any, obj: Any) -> bool:
    member = _member_of(obj)
    return bool(user.is_authenticated and member is not None and member.user_id == user.pk)


@rules.predicate
def is_mandated(user: Any, obj: Any) -> bool:
    member = _member_of(obj)
    if not user.is_authenticated or member is None:
        return False
    cache = getattr(user, "_transport_mandates", None)
    if cache is None:
        cache = set(user.transport_mandates.values_list("member_id", flat=True))
        user._transport_mandates = cache
    return member.pk in cache


def _assigned_legs(user: Any, ride: RideRequest) -> list[Leg]:
    """Legs of the ride given to this user on a published plan (a first draft proposes
    nothing; a re-plan after publication is seen at once, its locked legs unchanged)."""
    if not user.is_authenticated:
        return []
    return [leg for leg in ride.legs.all()
            if leg.volunteer_id and leg.volunteer.user_id == user.pk
            and leg.plan_id and leg.plan.is_visible]


@rules.predicate
def is_assigned_driver(user: Any, obj: Any) -> bool:
    if isinstance(obj, Leg):
        return bool(user.is_authenticated and obj.volunteer_id
                    and obj.volunteer.user_id == user.pk)
    if isinstance(obj, RideRequest):
        return bool(_assigned_legs(user, obj))
    return False


@rules.predicate
def is_driver_for_the_day(user: Any, obj: Any) -> bool:
    """Assigned on a published plan, and the ride's day has not passed."""
    if not isinstance(obj, RideRequest):
        return False
    if timezone.localtime(obj.appointment_at).date() < timezone.localdate():
        return False
    return bool(_assigned_legs(user, obj))


@rules.predicate
def is_volunteer(user: Any, obj: Any) -> bool:
    return bool(user.is_authenticated and isinstance(obj, Volunteer) and obj.user_id == user.pk)


@rules.predicate
def is_open(user: Any, obj: Any) -> bool:
    return isinstance(obj, RideRequest) and obj.is_open


# An association's own management: settings, members, volunteers, planning, reports.
rules.add_perm("transport.manage_association", is_superuser | is_coordinator)
rules.add_perm("transport.plan_dayplan", is_superuser | is_coordinator)
rules.add_perm("transport.view_report", is_superuser | is_coordinator)
rules.add_perm("transport.view_member", is_coordinator | is_beneficiary | is_mandated)
# Requesting a ride for a member: themselves, whom they mandated, their coordinator.
rules.add_perm("transport.request_ride", is_coordinator | is_beneficiary | is_mandated)
# Status of a ride (no health information): the above and the assigned driver.
rules.add_perm("transport.view_riderequest",
               is_coordinator | is_beneficiary | is_mandated | is_assigned_driver)
rules.add_perm("transport.view_destination",
               is_coordinator | is_beneficiary | is_mandated | is_driver_for_the_day)
rules.add_perm("transport.cancel_riderequest",
               is_open & (is_coordinator | is_beneficiary | is_mandated))
# A driver answers for and records their own legs; a coordinator may record for them.
rules.add_perm("transport.drive_leg", is_assigned_driver)
rules.add_perm("transport.record_leg", is_assigned_driver | is_coordinator)
rules.add_perm("transport.change_volunteer", is_volunteer | is_coordinator)
