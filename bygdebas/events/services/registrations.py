"""Writes to events and registrations.

Registration is safe under concurrency: each write that decides who gets a place locks the event
row first (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every transaction takes the write lock
when it begins, see settings), so two requests can never both take the last place.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.core.hooks import emit
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Network, User
from bygdebas.events.calendar import event_ics
from bygdebas.events.models import Event, EventAttachment, Question, Registration
from bygdebas.plan import services as plan_services
from bygdebas.plan.models import Activity


class RegistrationError(ValidationError):
    pass


def registration_payload(registration: Registration) -> dict[str, Any]:
    """What a webhook receiver learns about a registration (``core.hooks``)."""
    event = registration.event
    return {
        "id": registration.pk,
        "status": registration.status,
        "name": registration.name,
        "email": registration.email,
        "organisation": registration.organisation,
        "created_at": registration.created_at,
        "cancelled_at": registration.cancelled_at,
        "event": {"id": event.pk, "title": event.title, "starts_at": event.starts_at},
    }


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def registration_url(registration: Registration, base_url: str) -> str:
    return _absolute(base_url, reverse("events:registration", kwargs={"token": registration.token}))


def _send(
    registration: Registration,
    template: str,
    *,
    base_url: str | None,
    with_ics: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> None:
    event = registration.event
    # Without a request (the scheduled work) links point at the event's own network.
    base_url = base_url or event.network.base_url
    attachments = None
    if with_ics:
        attachments = [
            ("inbjudan.ics", event_ics(event, base_url=base_url), "text/calendar; method=PUBLISH")
        ]
    send_templated_mail(
        network=event.network,
        to=[registration.email],
        template=template,
        context={
            "event": event,
            "registration": registration,
            "link": registration_url(registration, base_url),
            "cancel_link": _absolute(
                base_url, reverse("events:registration-cancel", args=[registration.token])
            ),
            "accept_link": _absolute(
                base_url, reverse("events:registration-accept", args=[registration.token])
            ),
            "event_url": _absolute(base_url, reverse("events:event-detail", args=[event.pk])),
            **(extra or {}),
        },
        attachments=attachments,
    )


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("network").get(pk=event.pk)


@transaction.atomic
def register(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    answers: Mapping[str, str] | None = None,
    base_url: str,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register a person: a place if one is free and nobody waits, else the waiting list."""
    now = now or timezone.now()
    event = _lock(event)
    if not event.is_registration_open(now):
        raise RegistrationError(_("Registration for this event is closed."))
    email = email.strip()
    if event.registrations.active().filter(email__iexact=email).exists():
        raise RegistrationError(
            _("%(email)s is already registered for this event. Check your e-mail for the link.")
            % {"email": email}
        )
    held = event.registrations.holding_places().count()
    someone_waits = event.registrations.filter(status=Registration.Status.WAITING).exists()
    has_place = event.capacity is None or (held < event.capacity and not someone_waits)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                name=name.strip(),
                email=email,
                organisation=organisation.strip(),
                answers=dict(answers or {}),
                status=Registration.Status.CONFIRMED if has_place else Registration.Status.WAITING,
                created_at=now,
            )
    except IntegrityError:  # the same address, registered in a parallel request
        raise RegistrationError(
            _("%(email)s is already registered for this event. Check your e-mail for the link.")
            % {"email": email}
        ) from None
    emit(event.network_id, "registration.created", registration_payload(registration))
    if has_place:
        _send(registration, "events/mail/confirmed", base_url=base_url, with_ics=True)
    else:
        _send(registration, "events/mail/waiting", base_url=base_url)
    return registration


def _offer_free_places(
    event: Event, *, base_url: str | None, now: datetime.datetime
) -> list[Registration]:
    """Offer freed places to the first on the waiting list. The caller holds the event lock."""
    if event.capacity is None:
        waiting = list(event.registrations.waiting_in_order())
    else:
        free = event.capacity - event.registrations.holding_places().count()
        waiting = list(event.registrations.waiting_in_order()[: max(free, 0)])
    if event.starts_at <= now or event.status != Event.Status.PUBLISHED:
        return []
    expires = min(now + datetime.timedelta(hours=event.offer_hours), event.starts_at)
    for registration in waiting:
        registration.status = Registration.Status.OFFERED
        registration.offer_expires_at = expires
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        _send(registration, "events/mail/offer", base_url=base_url)
    return waiting


@transaction.atomic
def cancel_registration(
    *, registration: Registration, base_url: str, now: datetime.datetime | None = None
) -> Registration:
    """Cancel a registration; a freed place is offered to the next on the waiting list."""
    now = now or timezone.now()
    event = _lock(registration.event)
    registration.refresh_from_db()
    if not registration.is_active:
        return registration
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    emit(event.network_id, "registration.cancelled", registration_payload(registration))
    _send(registration, "events/mail/cancelled", base_url=base_url)
    _offer_free_places(event, base_url=base_url, now=now)
    return registration


@transaction.atomic
def accept_offer(
    *, registration: Registration, base_url: str, now: datetime.datetime | None = None
) -> Registration:
    """Take up an offered place, if the offer still stands."""
    now = now or timezone.now()
    _lock(registration.event)
    registration.refresh_from_db()
    if registration.status == Registration.Status.CONFIRMED:
        return registration
    if registration.status != Registration.Status.OFFERED or (
        registration.offer_expires_at and registration.offer_expires_at < now
    ):
        raise RegistrationError(_("The offer has expired, and the place has gone to someone else."))
    registration.status = Registration.Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    _send(registration, "events/mail/confirmed", base_url=base_url, with_ics=True)
    return registration


@transaction.atomic
def promote(*, registration: Registration, base_url: str) -> Registration:
    """Staff give a waiting person a place by hand (even beyond the capacity)."""
    _lock(registration.event)
    registration.refresh_from_db()
    if registration.status not in {Registration.Status.WAITING, Registration.Status.OFFERED}:
        raise RegistrationError(_("Only someone on the waiting list can be given a place."))
    registration.status = Registration.Status.CONFIRMED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _send(registration, "events/mail/confirmed", base_url=base_url, with_ics=True)
    return registration


def expire_offers(*, base_url: str | None = None, now: datetime.datetime | None = None) -> int:
    """Let offers that were not accepted in time lapse, and pass the places on."""
    now = now or timezone.now()
    expired = 0
    event_ids = set(
        Registration.objects.filter(
            status=Registration.Status.OFFERED, offer_expires_at__lt=now
        ).values_list("event_id", flat=True)
    )
    for event_id in event_ids:
        with transaction.atomic():
            event = _lock(Event(pk=event_id))
            lapsed = list(
                event.registrations.filter(
                    status=Registration.Status.OFFERED, offer_expires_at__lt=now
                )
            )
            for registration in lapsed:
                registration.status = Registration.Status.EXPIRED
                registration.save(update_fields=["status", "updated_at"])
                _send(registration, "events/mail/offer_expired", base_url=base_url)
            expired += len(lapsed)
            _offer_free_places(event, base_url=base_url, now=now)
    return expired


def send_due_reminders(*, base_url: str | None = None, now: datetime.datetime | None = None) -> int:
    """Remind confirmed participants of events starting within each event's reminder window."""
    now = now or timezone.now()
    sent = 0
    candidates = Event.objects.filter(
        status=Event.Status.PUBLISHED,
        reminder_sent_at=None,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(days=60),
    ).select_related("network")
    for event in candidates:
        if event.reminder_days == 0 or event.starts_at - now > datetime.timedelta(
            days=event.reminder_days
        ):
            continue
        with transaction.atomic():
            updated = Event.objects.filter(pk=event.pk, reminder_sent_at=None).update(
                reminder_sent_at=now
            )
            if not updated:  # another worker got there first
                continue
            for registration in event.registrations.filter(status=Registration.Status.CONFIRMED):
                _send(registration, "events/mail/reminder", base_url=base_url, with_ics=True)
                sent += 1
    return sent


def send_due_follow_ups(
    *, base_url: str | None = None, now: datetime.datetime | None = None
) -> int:
    """Send the follow-up message to the participants of events that have ended."""
    now = now or timezone.now()
    sent = 0
    candidates = (
        Event.objects.filter(
            status=Event.Status.PUBLISHED, follow_up_sent_at=None, ends_at__lte=now
        )
        .exclude(follow_up_message="")
        .select_related("network")
    )
    for event in candidates:
        with transaction.atomic():
            if not Event.objects.filter(pk=event.pk, follow_up_sent_at=None).update(
                follow_up_sent_at=now
            ):
                continue
            for registration in event.registrations.filter(status=Registration.Status.CONFIRMED):
                _send(registration, "events/mail/follow_up", base_url=base_url)
                sent += 1
    return sent


@transaction.atomic
def save_event(
    *,
    network: Network,
    data: Mapping[str, Any],
    activities: Sequence[Activity] = (),
    questions: Sequence[Mapping[str, Any]] | None = None,
    event: Event | None = None,
    user: User | None = None,
) -> Event:
    """Create or change an event, its plan activities and its registration questions."""
    for activity in activities:
        if activity.area.plan.network_id != network.pk:
            raise ValidationError(_("The activity does not belong to this network."))
    if event is None:
        event = Event(network=network, created_by=user)
    for name, value in data.items():
        setattr(event, name, value)
    event.full_clean(exclude=["network", "held_action", "created_by"])
    event.save()
    event.activities.set(activities)
    if questions is not None:
        event.questions.all().delete()
        Question.objects.bulk_create(
            Question(
                event=event, label=q["label"], is_required=q.get("is_required", False), order=i
            )
            for i, q in enumerate(questions)
        )
    return event


@transaction.atomic
def duplicate_event(*, event: Event, user: User | None = None) -> Event:
    """A draft copy of an event (without registrations or outcome), for the next occasion."""
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.title = (_("%(title)s (copy)") % {"title": event.title})[:200]
    copy.status = Event.Status.DRAFT
    copy.minutes = ""
    copy.participant_count = None
    copy.held_action = None
    copy.cancelled_at = None
    copy.reminder_sent_at = None
    copy.follow_up_sent_at = None
    copy.created_by = user
    copy.save()
    copy.activities.set(event.activities.all())
    Question.objects.bulk_create(
        Question(event=copy, label=q.label, is_required=q.is_required, order=q.order)
        for q in event.questions.all()
    )
    return copy


@transaction.atomic
def cancel_event(*, event: Event, message: str, base_url: str) -> Event:
    """Cancel an event and tell everyone registered (also those waiting)."""
    event = _lock(event)
    event.status = Event.Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.save(update_fields=["status", "cancelled_at", "updated_at"])
    for registration in event.registrations.active():
        _send(
            registration,
            "events/mail/event_cancelled",
            base_url=base_url,
            extra={"message": message},
        )
    return event


def message_participants(
    *, event: Event, subject: str, body: str, include_waiting: bool, base_url: str
) -> int:
    """Send a message from staff to everyone confirmed (and optionally waiting)."""
    statuses = [Registration.Status.CONFIRMED]
    if include_waiting:
        statuses += [Registration.Status.WAITING, Registration.Status.OFFERED]
    recipients = list(event.registrations.filter(status__in=statuses))
    for registration in recipients:
        _send(
            registration,
            "events/mail/message",
            base_url=base_url,
            extra={"subject": subject, "body": body},
        )
    return len(recipients)


def mark_attendance(*, event: Event, attended_ids: set[int]) -> None:
    """Record who came: the ticked confirmed participants attended, the others did not."""
    confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED)
    now = timezone.now()
    # Only rows whose mark changes: the API's synchronisation reads updated_at.
    confirmed.filter(pk__in=attended_ids).exclude(attended=True).update(
        attended=True, updated_at=now
    )
    confirmed.exclude(pk__in=attended_ids).exclude(attended=False).update(
        attended=False, updated_at=now
    )


def record_outcome(
    *,
    event: Event,
    minutes: str,
    participant_count: int | None,
    attachments: Sequence[UploadedFile] = (),
    user: User | None = None,
) -> Event:
    """Store the minutes, outcome and attachments; log (or update) the plan activities' action."""
    stored: list[EventAttachment] = []
    try:
        with transaction.atomic():
            _record_outcome(
                event=event, minutes=minutes, participant_count=participant_count, user=user
            )
            for upload in attachments:
                attachment = EventAttachment(event=event, uploaded_by=user)
                attachment.file.save(upload.name or "attachment", upload, save=False)
                stored.append(attachment)
                attachment.save()
    except BaseException:
        # The rows were rolled back; files already written to storage must go too.
        for attachment in stored:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return event


def _record_outcome(
    *, event: Event, minutes: str, participant_count: int | None, user: User | None
) -> None:
    event.minutes = minutes
    event.participant_count = participant_count
    activities = list(event.activities.select_related("area__plan"))
    year = timezone.localtime(event.starts_at).date().year
    activities = [a for a in activities if a.area.plan.year == year]
    if activities:
        title = f"{event.get_kind_display()}: {event.title}"
        performed_on = timezone.localtime(event.starts_at).date()
        if event.held_action is None:
            event.held_action = plan_services.log_action(
                network=event.network,
                performed_on=performed_on,
                title=title,
                description=minutes[:2000],
                activities=activities,
                municipality=event.municipality,
                participants=participant_count,
                source=event,
                created_by=user,
            )
        else:
            plan_services.update_action(
                action=event.held_action,
                performed_on=performed_on,
                title=title,
                description=minutes[:2000],
                activities=activities,
                municipality=event.municipality,
                participants=participant_count,
                link=event.held_action.link,
            )
    event.save()


def delete_attachment(*, attachment: EventAttachment) -> None:
    """Delete an attachment of an event, and its file once the deletion is committed."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
