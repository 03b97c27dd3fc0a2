"""Every write of the webhooks app: endpoints, and the messages the event bus queues for them."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from bygdebas.core.hooks import HookEvent
from bygdebas.core.models import Network, User
from bygdebas.core.services import record_audit
from bygdebas.webhooks import tasks
from bygdebas.webhooks.models import Endpoint, Message, new_secret

TEST_EVENT = "webhook.test"


def message_body(*, name: str, payload: dict[str, Any], occurred_at: Any) -> str:
    """The JSON body, as Standard Webhooks shapes it: type, timestamp and data."""
    return json.dumps(
        {"type": name, "timestamp": occurred_at.isoformat(), "data": payload},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _enqueue(endpoint_id: int) -> None:
    tasks.send_messages.enqueue(endpoint_id)


def _send_after_commit(endpoint_ids: Sequence[int]) -> None:
    for endpoint_id in sorted(set(endpoint_ids)):
        transaction.on_commit(functools.partial(_enqueue, endpoint_id))


def queue_event(event: HookEvent) -> list[Message]:
    """The event bus's subscriber: one message per active endpoint that wants the event.

    Runs inside the emitting transaction (an outbox): the messages commit with the change.
    """
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.for_network(event.network_id).active()
        if endpoint.wants(event.name)
    ]
    if not endpoints:
        return []
    body = message_body(name=event.name, payload=dict(event.payload), occurred_at=event.occurred_at)
    messages = [
        Message.objects.create(endpoint=endpoint, event_name=event.name, body=body)
        for endpoint in endpoints
    ]
    _send_after_commit([endpoint.pk for endpoint in endpoints])
    return messages


@transaction.atomic
def send_test_event(*, endpoint: Endpoint, user: User) -> Message:
    """Queue a "webhook.test" message for one endpoint (the "Send test event" button)."""
    now = timezone.now()
    body = message_body(
        name=TEST_EVENT,
        payload={"network": endpoint.network.name, "sent_by": user.email, "endpoint": endpoint.pk},
        occurred_at=now,
    )
    message = Message.objects.create(endpoint=endpoint, event_name=TEST_EVENT, body=body)
    _send_after_commit([endpoint.pk])
    return message


def _audit(endpoint: Endpoint, *, user: User | None, verb: str, changes: dict) -> None:
    record_audit(
        network=endpoint.network,
        actor=user,
        verb=verb,
        obj=endpoint,
        changes=changes,
    )


@transaction.atomic
def create_endpoint(
    *, network: Network, user: User, url: str, description: str, event_names: list[str]
) -> Endpoint:
    """Register an endpoint; it gets its own signing secret."""
    endpoint = Endpoint.objects.create(
        network=network,
        url=url,
        description=description,
        event_names=sorted(event_names),
        created_by=user,
    )
    _audit(endpoint, user=user, verb="webhook.created", changes={"url": ["", url]})
    return endpoint


@transaction.atomic
def update_endpoint(
    *, endpoint: Endpoint, user: User, url: str, description: str, event_names: list[str]
) -> Endpoint:
    """Change an endpoint's URL, description or events."""
    changes = {}
    if endpoint.url != url:
        changes["url"] = [endpoint.url, url]
    endpoint.url = url
    endpoint.description = description
    endpoint.event_names = sorted(event_names)
    endpoint.save()
    if changes:
        _audit(endpoint, user=user, verb="webhook.changed", changes=changes)
    return endpoint


@transaction.atomic
def enable_endpoint(*, endpoint: Endpoint, user: User) -> Endpoint:
    """Enable a disabled endpoint; its waiting messages go out at once, oldest first."""
    endpoint.is_active = True
    endpoint.failure_count = 0
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save()
    endpoint.messages.pending().update(next_attempt_at=timezone.now())
    _audit(endpoint, user=user, verb="webhook.enabled", changes={})
    _send_after_commit([endpoint.pk])
    return endpoint


@transaction.atomic
def disable_endpoint(*, endpoint: Endpoint, user: User) -> Endpoint:
    """Pause an endpoint by hand; its messages wait until it is enabled."""
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = ""
    endpoint.save()
    _audit(endpoint, user=user, verb="webhook.disabled", changes={})
    return endpoint


@transaction.atomic
def rotate_secret(*, endpoint: Endpoint, user: User) -> Endpoint:
    """Give the endpoint a new signing secret (the old one stops working at once)."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    _audit(endpoint, user=user, verb="webhook.secret_rotated", changes={})
    return endpoint


@transaction.atomic
def delete_endpoint(*, endpoint: Endpoint, user: User) -> None:
    """Delete an endpoint with its messages and their log."""
    _audit(endpoint, user=user, verb="webhook.deleted", changes={"url": [endpoint.url, ""]})
    endpoint.delete()
