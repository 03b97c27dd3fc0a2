"""Reading delivery-status notifications (RFC 3464) and marking the addresses they name.

A bounce names the failed recipient (``Final-Recipient``) and whether the failure is permanent
(``Action: failed`` with a 5.x.x ``Status``). The returned headers carry our ``Message-ID``
(``nl.<delivery id>.…@<network domain>``), which names the network; without it, the recipient's
subscriptions on every network count the bounce. A temporary failure (4.x.x, ``delayed``) is
ignored: the sender retries those itself. An abuse report (RFC 5965 ``feedback-report``, a
recipient pressed "this is spam") unsubscribes and suppresses the address as complained.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

from django.utils import timezone

from bygdebas.core.models import Network
from bygdebas.newsletter import sending
from bygdebas.newsletter.models import Delivery, Subscription, Suppression

MESSAGE_ID = re.compile(r"<nl\.(\d+)\.[^@>]*@([^>]+)>")


@dataclass(frozen=True)
class Bounce:
    recipient: str
    status: str
    delivery_id: int | None


def _fields(text: str) -> list[dict[str, str]]:
    """The per-message and per-recipient field groups of a message/delivery-status body."""
    groups = []
    for block in re.split(r"\r?\n\s*\r?\n", text.strip()):
        fields: dict[str, str] = {}
        for line in re.split(r"\r?\n(?![ \t])", block):
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = " ".join(value.split())
        if fields:
            groups.append(fields)
    return groups


def _status_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses the groups as messages
        return "\n\n".join(str(sub).strip() for sub in payload)
    raw = part.get_payload(decode=True)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)


COMPLAINT = "complaint"


def parse(message: Message) -> list[Bounce]:
    """The permanent failures a delivery-status notification reports, or the complaint an
    abuse report (RFC 5965, ``feedback-report``) makes."""
    if message.get_content_type() != "multipart/report":
        return []
    delivery_id = None
    status_groups: list[dict[str, str]] = []
    complaint: dict[str, str] = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/feedback-report":
            # One group of fields (RFC 5965); merged in case a sender split it.
            for group in _fields(_status_text(part)):
                complaint.update(group)
        elif kind == "message/delivery-status":
            status_groups = _fields(_status_text(part))
        elif kind in {"text/rfc822-headers", "message/rfc822"}:
            match = MESSAGE_ID.search(part.as_string())
            if match:
                delivery_id = int(match.group(1))
    bounces = []
    if complaint.get("original-rcpt-to"):
        address = complaint["original-rcpt-to"].strip().strip("<>")
        return [Bounce(address, COMPLAINT, delivery_id)]
    for group in status_groups:
        recipient = group.get("final-recipient") or group.get("original-recipient")
        if not recipient:
            continue
        address = recipient.split(";", 1)[-1].strip().strip("<>")
        if group.get("action", "").lower() == "failed" and group.get("status", "").startswith("5"):
            bounces.append(Bounce(address, group["status"], delivery_id))
    return bounces


def messages_in(data: bytes) -> Iterator[EmailMessage]:
    """One piped message, or every message of an mbox file."""
    if data.startswith(b"From "):
        with _mbox(data) as box:
            for raw in box:
                yield message_from_bytes(raw.as_bytes(), policy=policy.default)
        return
    yield message_from_bytes(data, policy=policy.default)


class _mbox:
    def __init__(self, data: bytes) -> None:
        import tempfile

        self.file = tempfile.NamedTemporaryFile(suffix=".mbox")  # noqa: SIM115
        self.file.write(data)
        self.file.flush()

    def __enter__(self) -> mailbox.mbox:
        self.box = mailbox.mbox(self.file.name, create=False)
        return self.box

    def __exit__(self, *args: object) -> None:
        self.box.close()
        self.file.close()


def record(bounces: Iterable[Bounce]) -> int:
    """Count each permanent failure against the address; how many addresses were marked."""
    marked = 0
    for bounce in bounces:
        networks: list[Network] = []
        if bounce.delivery_id is not None:
            delivery = (
                Delivery.objects.filter(pk=bounce.delivery_id, email__iexact=bounce.recipient)
                .select_related("issue__network")
                .first()
            )
            if delivery is not None:
                networks = [delivery.issue.network]
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=Delivery.Status.FAILED, error=f"bounce {bounce.status}"
                )
        if not networks:
            networks = list(
                Network.objects.filter(
                    pk__in=Subscription.objects.filter(email__iexact=bounce.recipient).values(
                        "network_id"
                    )
                )
            )
        for network in networks:
            if bounce.status == COMPLAINT:
                # Marked as spam: never mail the address again, on any list of the network.
                sending.suppress(
                    network=network, email=bounce.recipient, reason=Suppression.Reason.COMPLAINED
                )
                Subscription.objects.for_network(network).with_email(bounce.recipient).filter(
                    unsubscribed_at__isnull=True
                ).update(unsubscribed_at=timezone.now())
            else:
                sending.record_hard_bounce(network=network, email=bounce.recipient)
            marked += 1
    return marked
