"""What the webhook log keeps about people: the bodies of messages about them (a registration
carries the name and e-mail address). Registered with ``core.personal_data``."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from bygdebas.core.personal_data import DataSubject
from bygdebas.webhooks.models import Message, MessageQuerySet


def messages_of(person: DataSubject) -> MessageQuerySet:
    # The address appears in the JSON body as a string value.
    return Message.objects.for_network(person.network_id).filter(
        body__icontains=f'"{person.email}"'
    )


def extract(person: DataSubject) -> list[dict[str, Any]]:
    return [
        {
            "event": message.event_name,
            "endpoint": message.endpoint.url,
            "created_at": message.created_at.isoformat(),
            "status": message.status,
            "body": message.body,
        }
        for message in messages_of(person).select_related("endpoint").order_by("pk")
    ]


def erase(person: DataSubject) -> int:
    """Delete the messages about the person, sent or not (an erased person is not announced)."""
    return messages_of(person).delete()[1].get("webhooks.Message", 0)


def purge_delivered(*, now: datetime.datetime | None = None) -> int:
    """Delete delivered messages (and their attempts) older than the log's retention."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.BYGDEBAS_WEBHOOK_LOG_DAYS)
    old = Message.objects.filter(status=Message.Status.DELIVERED, delivered_at__lt=cutoff)
    return old.delete()[1].get("webhooks.Message", 0)
