"""Writes to partnership bodies and their meetings.

A meeting the network attended logs an action (insats) against the chosen plan activities, with
the meeting as its source; the action follows the meeting when it is edited, un-attended or deleted.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bygdebas.core.models import Municipality, Network, User
from bygdebas.events.models import BodyMeeting, PartnershipBody
from bygdebas.plan import services as plan_services
from bygdebas.plan.models import Activity


def save_body(
    *,
    network: Network,
    name: str,
    owner: str,
    municipality: Municipality | None = None,
    representatives: str = "",
    description: str = "",
    is_active: bool = True,
    body: PartnershipBody | None = None,
) -> PartnershipBody:
    """Create a partnership body for ``network``, or change ``body``."""
    if body is None:
        body = PartnershipBody(network=network)
    elif body.network_id != network.pk:
        raise ValidationError(_("The body does not belong to this network."))
    if municipality is not None and municipality.county_id != network.county_id:
        raise ValidationError(_("Choose a municipality in the network's county."))
    body.name = name.strip()
    body.owner = owner.strip()
    body.municipality = municipality
    body.representatives = representatives.strip()
    body.description = description.strip()
    body.is_active = is_active
    body.save()
    return body


def _action_description(*, notes: str, raised: str) -> str:
    parts = [notes.strip()]
    if raised.strip():
        parts.append(_("What we raised: %(raised)s") % {"raised": raised.strip()})
    return "\n\n".join(part for part in parts if part)


@transaction.atomic
def save_meeting(
    *,
    body: PartnershipBody,
    held_on: datetime.date,
    is_attended: bool,
    activities: Sequence[Activity] = (),
    attended_by: str = "",
    notes: str = "",
    raised: str = "",
    meeting: BodyMeeting | None = None,
    user: User | None = None,
) -> BodyMeeting:
    """Create or change a meeting; an attended one logs (or updates) its action, else it has none."""
    if meeting is None:
        meeting = BodyMeeting(body=body)
    elif meeting.body_id != body.pk:
        raise ValidationError(_("The meeting does not belong to this body."))
    activities = list(activities)
    if is_attended and not activities:
        raise ValidationError(_("Choose at least one plan activity the meeting served."))
    meeting.held_on = held_on
    meeting.is_attended = is_attended
    meeting.attended_by = attended_by.strip()
    meeting.notes = notes.strip()
    meeting.raised = raised.strip()
    meeting.save()  # the action's source needs the meeting's id

    if is_attended:
        title = _("Meeting: %(body)s") % {"body": body.name}
        description = _action_description(notes=meeting.notes, raised=meeting.raised)
        if meeting.action is None:
            meeting.action = plan_services.log_action(
                network=body.network,
                performed_on=held_on,
                title=title,
                description=description,
                activities=activities,
                municipality=body.municipality,
                source=meeting,
                created_by=user,
            )
        else:
            # Keep what staff may have added to the action by hand (participants, link).
            plan_services.update_action(
                action=meeting.action,
                performed_on=held_on,
                title=title,
                description=description,
                activities=activities,
                municipality=body.municipality,
                participants=meeting.action.participants,
                link=meeting.action.link,
            )
    elif meeting.action is not None:
        plan_services.delete_action(action=meeting.action)
        meeting.action = None
    meeting.save(update_fields=["action"])
    return meeting


@transaction.atomic
def delete_meeting(*, meeting: BodyMeeting) -> None:
    """Delete a meeting together with the action it logged."""
    if meeting.action is not None:
        plan_services.delete_action(action=meeting.action)
    meeting.delete()
