"""What solidarity transport holds about a person, for export and account deletion.

Deletion keeps the association's records of rides done (its accounts and its reports to funders
need them) but detaches them from the account and blanks names, phone, addresses and reasons;
the birth date is cut to the year, which the age bands of the reports still need.
"""

from __future__ import annotations

from typing import Any

from maillage.transport.models import (
    Contribution,
    DestinationAccess,
    Member,
    RideRequest,
    Volunteer,
)


def export(user: Any) -> dict[str, Any]:
    members = list(Member.objects.filter(user=user).select_related("association"))
    return {
        "memberships": [
            {"association": m.association.name, "first_name": m.first_name,
             "last_name": m.last_name, "birth_date": m.birth_date and m.birth_date.isoformat(),
             "phone": m.phone, "address": m.address, "commune": m.commune_id,
             "membership_paid_until": m.membership_paid_until
             and m.membership_paid_until.isoformat()}
            for m in members
        ],
        "rides": [
            {"id": r.pk, "appointment_at": r.appointment_at.isoformat(), "status": r.status,
             "pickup_address": r.pickup_address, "pickup_commune": r.pickup_commune_id,
             "destination_kind": r.destination_kind,
             "destination_address": r.destination_address,
             "destination_commune": r.destination_commune_id, "reason": r.reason}
            for r in RideRequest.objects.filter(member__in=members)
        ],
        "contributions": [
            {"ride": c.ride_id, "km": str(c.km), "amount": str(c.amount),
             "created_at": c.created_at.isoformat()}
            for c in Contribution.objects.filter(member__in=members)
        ],
        "destination_accesses": [
            {"ride": a.ride_id, "by": a.user_label, "role": a.role, "at": a.at.isoformat()}
            for a in DestinationAccess.objects.filter(member__in=members)
        ],
        "volunteering": [
            {"association": v.association.name, "home_commune": v.home_commune_id,
             "max_trip_km": v.max_trip_km, "vehicles": [
                 {"label": c.label, "seats": c.seats, "wheelchair_places": c.wheelchair_places}
                 for c in v.vehicles.all()]}
            for v in Volunteer.objects.filter(user=user).select_related("association")
        ],
    }


def erase(user: Any) -> None:
    for member in Member.objects.filter(user=user):
        member.ride_requests.update(pickup_address="", reason="", pickup_latitude=None,
                                    pickup_longitude=None, destination_address="")
        member.first_name, member.last_name = "—", "—"
        member.phone = member.address = ""
        member.latitude = member.longitude = None
        if member.birth_date:
            member.birth_date = member.birth_date.replace(month=1, day=1)
        member.user = None
        member.save()
    Volunteer.objects.filter(user=user).update(active=False, latitude=None, longitude=None)
