"""Who hears about what in solidarity transport, through the platform's notifications.

Messages may leave by e-mail, so they never carry a ride's destination or reason (health
information): only the day, the times, the driver's first name and a link to the page, where
the rights are checked and the access logged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Role, RoleAssignment
from maillage.participation.services.notifications import notify
from maillage.transport.models import Leg, Mandate, RideRequest


def requesters_of(ride: RideRequest) -> set[int]:
    """The beneficiary and the people they mandated."""
    ids = set(Mandate.objects.filter(member_id=ride.member_id).values_list("user_id", flat=True))
    if ride.member.user_id:
        ids.add(ride.member.user_id)
    return ids


def coordinators_of(association_id: int) -> set[int]:
    return set(RoleAssignment.objects.filter(
        role=Role.COORDINATOR, organisation_id=association_id).values_list("user_id", flat=True))


def _when(ride: RideRequest) -> str:
    return timezone.localtime(ride.appointment_at).strftime("%d/%m/%Y")


def ride_status_changed(ride: RideRequest) -> None:
    """Tell the requesters the new status of their ride (driver's first name and pickup time
    when planned)."""
    legs = sorted((leg for leg in ride.legs.all() if leg.volunteer_id and leg.pickup_at),
                  key=lambda leg: leg.direction != Leg.Direction.OUTBOUND)
    if ride.status in {RideRequest.Status.PLANNED, RideRequest.Status.CONFIRMED} and legs:
        body = _("Prise en charge prévue à %(t)s avec %(n)s.") % {
            "t": timezone.localtime(legs[0].pickup_at).strftime("%H:%M"),
            "n": legs[0].volunteer.first_name}
    elif ride.status == RideRequest.Status.UNSERVED:
        body = _("Aucun chauffeur n'a pu être trouvé pour l'instant ; l'association vous "
                 "recontacte.")
    else:
        body = ""
    notify(user_ids=requesters_of(ride),
           title=_("Votre transport du %(d)s : %(s)s") % {"d": _when(ride),
                                                          "s": ride.get_status_display()},
           body=body, url=ride.get_absolute_url())


def legs_proposed(legs: Iterable[Leg], day: date) -> None:
    """Tell each driver the trips newly proposed to them."""
    per_driver: dict[int, int] = defaultdict(int)
    for leg in legs:
        if leg.volunteer_id and leg.volunteer.user_id:
            per_driver[leg.volunteer.user_id] += 1
    url = f"{reverse('transport:driver_day')}?jour={day.isoformat()}"
    for user_id, count in per_driver.items():
        notify(user_ids=[user_id],
               title=_("%(n)s trajet(s) proposé(s) le %(d)s : acceptez ou refusez")
               % {"n": count, "d": day.strftime("%d/%m/%Y")}, url=url)


def leg_declined(leg: Leg) -> None:
    notify(user_ids=coordinators_of(leg.ride.association_id),
           title=_("Trajet refusé par un chauffeur (%(d)s) : à replanifier")
           % {"d": _when(leg.ride)},
           url=leg.plan.get_absolute_url() if leg.plan_id else leg.ride.get_absolute_url())


def ride_cancelled(ride: RideRequest, driver_user_ids: set[int], actor_id: int) -> None:
    """Tell the drivers who had the ride, and the coordinators when someone else cancelled."""
    title = _("Transport du %(d)s annulé") % {"d": _when(ride)}
    notify(user_ids=driver_user_ids - {actor_id}, title=title,
           url=f"{reverse('transport:driver_day')}?jour="
               f"{timezone.localtime(ride.appointment_at).date().isoformat()}")
    notify(user_ids=(coordinators_of(ride.association_id) | requesters_of(ride)) - {actor_id},
           title=title, url=ride.get_absolute_url())
