"""Sending an endpoint's messages: signed per Standard Webhooks, one at a time, oldest first.

Called by ``webhooks.tasks.send_messages`` (after each event's commit, and again at each retry's
time) and by ``python manage.py send_webhooks`` (cron, to catch anything a lost task left).

Guarantees (documented in docs/architecture.md, "Webhooks"):
- **At least once.** A message stays pending until the receiver answers 2xx. If the receiver
  took it but its answer was lost (a time-out after it acted), the same message comes again with
  the same ``webhook-id``: receivers deduplicate on it.
- **In order per endpoint.** The endpoint's row is locked while its queue is worked, and a
  message is tried only when every older one was delivered: a receiver that is down gets the
  backlog in the order the events happened once it is back.
- **Back-off.** A failed message waits ``BYGDEBAS_WEBHOOK_RETRY_DELAYS_S[n]`` before the next
  try (the last delay repeats). After ``BYGDEBAS_WEBHOOK_MAX_FAILURES`` failures in a row the
  endpoint is disabled and its network's administrators are told; its messages wait, and are
  sent when an administrator enables it again.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from standardwebhooks.webhooks import Webhook

from bygdebas.core.access import ADMIN_ROLES
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import User
from bygdebas.webhooks.models import Attempt, Endpoint, Message

logger = logging.getLogger(__name__)

RESPONSE_KEPT = 2000  # characters of the receiver's answer kept in the log


class DeliveryRefusedError(Exception):
    """The URL may not be called (a private address in production, a bad scheme)."""


def retry_delay(failures: int) -> datetime.timedelta:
    """How long a message waits after its ``failures``-th failed attempt."""
    delays: Sequence[float] = settings.BYGDEBAS_WEBHOOK_RETRY_DELAYS_S
    return datetime.timedelta(seconds=delays[min(failures, len(delays)) - 1])


def check_url(url: str) -> None:
    """Refuse URLs Bygdebas must not call: another scheme, or a private address in production."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DeliveryRefusedError(_("Only http and https URLs can receive webhooks."))
    if settings.BYGDEBAS_WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise DeliveryRefusedError(str(error)) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise DeliveryRefusedError(_("The URL leads to a private address."))


def headers_for(endpoint: Endpoint, message: Message, now: datetime.datetime) -> dict[str, str]:
    """The Standard Webhooks headers: id, timestamp and signature of this exact body."""
    signature = Webhook(endpoint.secret).sign(message.message_id, now, message.body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "Bygdebas-Webhooks/1",
        "webhook-id": message.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def post(endpoint: Endpoint, message: Message) -> Attempt:
    """One HTTP POST of ``message``; the attempt, saved, with what came back."""
    started = time.monotonic()
    now = timezone.now()
    attempt = Attempt(message=message, at=now)
    try:
        check_url(endpoint.url)
        request = urllib.request.Request(
            endpoint.url,
            data=message.body.encode(),
            headers=headers_for(endpoint, message, now),
            method="POST",
        )
        with urllib.request.urlopen(
            request, timeout=settings.BYGDEBAS_WEBHOOK_TIMEOUT_S
        ) as response:
            attempt.status_code = response.status
            attempt.response_body = response.read(RESPONSE_KEPT).decode(errors="replace")
    except urllib.error.HTTPError as error:
        attempt.status_code = error.code
        attempt.response_body = error.read(RESPONSE_KEPT).decode(errors="replace")
    except (OSError, DeliveryRefusedError, ValueError) as error:
        attempt.error = (str(error) or error.__class__.__name__)[:300]
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    attempt.save()
    return attempt


def _disable(endpoint: Endpoint, *, reason: str, now: datetime.datetime) -> None:
    endpoint.is_active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    admins = list(User.objects.with_role_in(endpoint.network_id, ADMIN_ROLES))
    network = endpoint.network
    link = network.base_url.rstrip("/") + f"/kansli/webhooks/{endpoint.pk}/"
    for admin in admins:
        with override(settings.LANGUAGE_CODE):
            send_templated_mail(
                network=network,
                to=[admin.email],
                template="webhooks/mail/endpoint_disabled",
                context={"endpoint": endpoint, "reason": reason, "link": link, "user": admin},
            )


def send_messages(endpoint_id: int, *, now: datetime.datetime | None = None) -> int:
    """Deliver the endpoint's due messages in order; stop at the first failure. How many went."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        # The lock makes one worker at a time work an endpoint's queue, so order holds.
        endpoint = (
            Endpoint.objects.select_for_update().select_related("network").filter(pk=endpoint_id)
        ).first()
        if endpoint is None or not endpoint.is_active:
            return 0
        for message in endpoint.messages.pending().in_order().iterator():
            if message.next_attempt_at > now:
                break  # the oldest waits for its back-off; nothing may overtake it
            attempt = post(endpoint, message)
            message.attempt_count += 1
            if attempt.is_success:
                message.status = Message.Status.DELIVERED
                message.delivered_at = attempt.at
                message.save(update_fields=["status", "delivered_at", "attempt_count"])
                if endpoint.failure_count:
                    endpoint.failure_count = 0
                    endpoint.save(update_fields=["failure_count", "updated_at"])
                sent += 1
                continue
            message.next_attempt_at = now + retry_delay(message.attempt_count)
            message.save(update_fields=["attempt_count", "next_attempt_at"])
            endpoint.failure_count += 1
            endpoint.save(update_fields=["failure_count", "updated_at"])
            if endpoint.failure_count >= settings.BYGDEBAS_WEBHOOK_MAX_FAILURES:
                reason = (
                    f"HTTP {attempt.status_code}" if attempt.status_code else attempt.error
                ) or "?"
                _disable(endpoint, reason=reason, now=now)
            else:
                logger.info(
                    "Webhook %s to %s failed; next try at %s",
                    message.message_id,
                    endpoint.url,
                    message.next_attempt_at,
                )
            break
    return sent


def next_due(endpoint_id: int) -> datetime.datetime | None:
    """When the endpoint's oldest waiting message is due; None if none waits or it is disabled
    (enabling it sends the backlog)."""
    return (
        Message.objects.filter(
            endpoint_id=endpoint_id, status=Message.Status.PENDING, endpoint__is_active=True
        )
        .order_by("pk")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
