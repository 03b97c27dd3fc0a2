"""The sending engine: claims recipients from the ledger in batches and sends each its personal
copy of an issue over one reused SMTP connection, recording every outcome as it happens.

Exactly once, and where it cannot be:

- ``Delivery`` has one row per (issue, subscription) (a unique constraint), made before anything
  is sent. A recipient is sent the issue only by a worker that *claimed* its row (pending →
  sending, atomically; ``SKIP LOCKED`` on PostgreSQL), so two workers running the same batch never
  send to the same recipient.
- Each row is marked ``sent`` in its own statement (autocommit, one round trip) right after
  the server's 250 reply, before the next message is sent.
- A worker that dies leaves its claims in ``sending``. On PostgreSQL each batch holds a session
  advisory lock named by its claim key; the lock dies with the worker's connection, so the next
  worker sees at once that the claim is orphaned and puts the rows back to ``pending`` (on SQLite,
  after ``BYGDEBAS_NEWSLETTER_CLAIM_TIMEOUT_S``). They are sent again: at least once.
- The window no SMTP client can close: from the moment the server has the message's final
  ``.`` until the ``UPDATE … sent`` has committed. A crash there means the message is sent again
  on resume. The update is one indexed row written with ``synchronous_commit = off`` on
  PostgreSQL (a worker's death cannot lose a committed transaction; only a database crash can,
  and then the ledger is at most a fraction of a second behind), so the window is the server's
  reply plus one round trip to the database: well under a millisecond on one machine.
"""

from __future__ import annotations

import datetime
import logging
import os
import quopri
import random
import smtplib
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.header import Header
from email.utils import format_datetime, formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bygdebas.core.confirmation import one_click_headers
from bygdebas.core.hooks import emit
from bygdebas.core.models import Network
from bygdebas.core.signed_links import make_token
from bygdebas.newsletter.models import Delivery, Issue, Subscription, Suppression

logger = logging.getLogger(__name__)

UNSUBSCRIBE = "newsletter.unsubscribe"
PREFERENCES = "newsletter.preferences"
# Placeholders in the rendered issue, each alone on its line, replaced per recipient.
GREETING, UNSUBSCRIBE_URL, PREFERENCES_URL = "@@GREETING@@", "@@UNSUBSCRIBE@@", "@@PREFERENCES@@"
BOUNDARY = "=_bygdebas_newsletter_part"
_TOKEN = "TOKEN-PLACEHOLDER"


def unsubscribe_token(subscription: Subscription) -> str:
    return make_token(purpose=UNSUBSCRIBE, network_id=subscription.network_id, s=subscription.pk)


def preferences_token(subscription: Subscription) -> str:
    return make_token(purpose=PREFERENCES, network_id=subscription.network_id, s=subscription.pk)


def mailto_address(network: Network) -> str:
    """Where a mail client's ``mailto:`` unsubscribe goes (the bounce intake reads it)."""
    domain = network.domain or "localhost"
    return f"unsubscribe@{domain}"


# --- Rendering ---------------------------------------------------------------------------------


def render_issue(issue: Issue, *, language: str | None = None) -> tuple[str, str, str]:
    """The subject, HTML and plain text of an issue, with the recipient's parts as placeholders."""
    entries = list(issue.entries.select_related("item", "item__photo", "item__topic"))
    context = {
        "issue": issue,
        "network": issue.network,
        "entries": entries,
        "base_url": issue.network.base_url.rstrip("/"),
        "greeting": GREETING,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "preferences_url": PREFERENCES_URL,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("%(network)s – newsletter %(number)s: %(title)s") % {
            "network": issue.network.name,
            "number": issue.number,
            "title": issue.title,
        }
        html = render_to_string("newsletter/mail/issue.html", context)
        text = render_to_string("newsletter/mail/issue.txt", context)
    return subject, html, text


def greeting_for(subscription: Subscription) -> str:
    with translation.override(subscription.language or "sv"):
        if subscription.greeting_name:
            return _("Hello %(name)s,") % {"name": subscription.greeting_name}
        return _("Hello,")


def personalise(body: str, *, greeting: str, unsubscribe: str, preferences: str) -> str:
    return (
        body.replace(GREETING, greeting)
        .replace(UNSUBSCRIBE_URL, unsubscribe)
        .replace(PREFERENCES_URL, preferences)
    )


def _qp(text: str) -> bytes:
    return quopri.encodestring(text.replace("\r\n", "\n").encode("utf-8")).replace(b"\n", b"\r\n")


@dataclass
class Template:
    """An issue prepared for fast personalisation: encoded once, split at the placeholders."""

    network: Network
    from_email: str
    subject_header: str
    list_id: str
    base_url: str
    html_parts: list[bytes]
    text_parts: list[bytes]
    markers_html: list[str]
    markers_text: list[str]
    date: str = field(default_factory=lambda: format_datetime(timezone.now()))
    # The links' absolute URLs with a stand-in for the token: reversed once, not per message.
    unsubscribe_path: str = ""
    preferences_path: str = ""

    def __post_init__(self) -> None:
        self.unsubscribe_path = self.base_url + reverse(
            "newsletter:unsubscribe", kwargs={"token": _TOKEN}
        )
        self.preferences_path = self.base_url + reverse(
            "newsletter:preferences", kwargs={"token": _TOKEN}
        )

    @classmethod
    def for_issue(cls, issue: Issue) -> Template:
        network = issue.network
        html_parts, markers_html = _split(issue.body_html)
        text_parts, markers_text = _split(issue.body_text)
        return cls(
            network=network,
            from_email=network.from_email,
            subject_header=Header(issue.subject, "utf-8").encode(),
            list_id=f"<newsletter.{network.slug}.{network.domain or 'localhost'}>",
            base_url=network.base_url.rstrip("/"),
            html_parts=html_parts,
            text_parts=text_parts,
            markers_html=markers_html,
            markers_text=markers_text,
        )

    def links(self, subscription: Subscription) -> tuple[str, str]:
        return (
            self.unsubscribe_path.replace(_TOKEN, unsubscribe_token(subscription)),
            self.preferences_path.replace(_TOKEN, preferences_token(subscription)),
        )

    def message(self, delivery: Delivery, subscription: Subscription) -> bytes:
        """The whole message for one recipient, as bytes ready for SMTP."""
        unsubscribe, preferences = self.links(subscription)
        values = {
            GREETING: greeting_for(subscription),
            UNSUBSCRIBE_URL: unsubscribe,
            PREFERENCES_URL: preferences,
        }
        headers = one_click_headers(unsubscribe, mailto=mailto_address(self.network))
        head = (
            f"From: {self.from_email}\r\n"
            f"To: {formataddr((subscription.name, delivery.email))}\r\n"
            f"Subject: {self.subject_header}\r\n"
            f"Date: {self.date}\r\n"
            f"Message-ID: <nl.{delivery.pk}.{uuid.uuid4().hex[:12]}@{self.network.domain or 'localhost'}>\r\n"
            f"MIME-Version: 1.0\r\n"
            f"List-Id: {self.list_id}\r\n"
            f"List-Unsubscribe: {headers['List-Unsubscribe']}\r\n"
            f"List-Unsubscribe-Post: {headers['List-Unsubscribe-Post']}\r\n"
            f'Content-Type: multipart/alternative; boundary="{BOUNDARY}"\r\n'
            "\r\n"
        ).encode()
        part = (
            "--{b}\r\nContent-Type: text/{kind}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        return b"".join(
            [
                head,
                part.format(b=BOUNDARY, kind="plain").encode(),
                _join(self.text_parts, self.markers_text, values),
                b"\r\n",
                part.format(b=BOUNDARY, kind="html").encode(),
                _join(self.html_parts, self.markers_html, values),
                f"\r\n--{BOUNDARY}--\r\n".encode(),
            ]
        )


def _split(body: str) -> tuple[list[bytes], list[str]]:
    """The body's quoted-printable segments between its placeholders, and the placeholders."""
    parts: list[bytes] = []
    markers: list[str] = []
    rest = body
    while True:
        positions = [(rest.find(m), m) for m in (GREETING, UNSUBSCRIBE_URL, PREFERENCES_URL)]
        found = [(pos, m) for pos, m in positions if pos >= 0]
        if not found:
            parts.append(_qp(rest))
            return parts, markers
        pos, marker = min(found)
        # A segment ends where the placeholder starts; soft line breaks keep lines short.
        parts.append(_qp(rest[:pos]) + b"=\r\n")
        markers.append(marker)
        rest = rest[pos + len(marker) :]


def _join(parts: list[bytes], markers: list[str], values: dict[str, str]) -> bytes:
    out = [parts[0]]
    for marker, part in zip(markers, parts[1:], strict=True):
        out.append(_qp(values[marker]) + b"=\r\n")
        out.append(part)
    return b"".join(out)


# --- Claims ------------------------------------------------------------------------------------


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def new_claim_key() -> int:
    """A claim key naming this process (its pid in the high bits) and this batch."""
    return (os.getpid() << 32) | random.getrandbits(32)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def claim_lock() -> Iterator[int]:
    """A fresh claim key, held as a session advisory lock on PostgreSQL while the batch runs."""
    key = new_claim_key()
    if _is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            # The ledger's writes need not wait for the disk: a worker's death cannot lose a
            # committed transaction, only the database server's crash can (see the docstring).
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield key
    finally:
        if _is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def release_orphaned_claims(issue: Issue) -> int:
    """Put rows claimed by a worker that died back to pending; how many."""
    sending = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENDING)
    released = 0
    if _is_postgresql():
        keys = set(sending.values_list("claim_key", flat=True).distinct())
        for key in keys:
            with connection.cursor() as cursor:
                # Free to take: nobody holds it, so its worker is gone.
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
                free = cursor.fetchone()[0]
            if free:
                released += sending.filter(claim_key=key).update(
                    status=Delivery.Status.PENDING, claim_key=None
                )
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    else:
        # SQLite is one file on one machine: a claim's process either runs here or is gone.
        for key in set(sending.values_list("claim_key", flat=True).distinct()):
            pid = (key or 0) >> 32
            if pid and pid != os.getpid() and not _is_alive(pid):
                released += sending.filter(claim_key=key).update(
                    status=Delivery.Status.PENDING, claim_key=None
                )
    cutoff = timezone.now() - datetime.timedelta(
        seconds=settings.BYGDEBAS_NEWSLETTER_CLAIM_TIMEOUT_S
    )
    released += sending.filter(claimed_at__lt=cutoff).update(
        status=Delivery.Status.PENDING, claim_key=None
    )
    return released


def allowance(network: Network, wanted: int) -> int:
    """How many more messages the network may send in the current minute (its rate limit)."""
    limit = settings.BYGDEBAS_NEWSLETTER_RATE_PER_MINUTE
    if limit <= 0:
        return wanted
    since = timezone.now() - datetime.timedelta(minutes=1)
    used = (
        Delivery.objects.for_network(network)
        .filter(Q(sent_at__gte=since) | Q(status=Delivery.Status.SENDING, claimed_at__gte=since))
        .count()
    )
    return max(0, min(wanted, limit - used))


def claim(issue: Issue, key: int, size: int) -> list[int]:
    """Claim up to ``size`` due rows of ``issue`` for the worker holding ``key``."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(issue=issue)
            .due(now)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                status=Delivery.Status.SENDING, claim_key=key, claimed_at=now
            )
    return ids


# --- Sending -----------------------------------------------------------------------------------


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    skipped: int = 0
    rate_limited: bool = False


def _smtp_code(error: Exception) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return codes[0] if codes else None
    return getattr(error, "smtp_code", None)


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _mark(pk: int, key: int, **values: Any) -> None:
    """Write one outcome to the ledger at once: one statement, committed on its own."""
    Delivery.objects.filter(pk=pk, claim_key=key).update(**values)


def _mark_sent(pk: int, key: int) -> None:
    """The ledger's write after the server's 250: the one statement inside the window, kept as
    short as it can be (no ORM, one round trip)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET status = %s, sent_at = %s, attempts = attempts + 1, "
            "error = '', claim_key = NULL WHERE id = %s AND claim_key = %s",
            [
                Delivery.Status.SENT,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                pk,
                key,
            ],
        )


_TABLE = Delivery._meta.db_table


def _defer(delivery: Delivery, key: int, error: Exception) -> str:
    attempts = delivery.attempts + 1
    if attempts >= settings.BYGDEBAS_NEWSLETTER_MAX_ATTEMPTS:
        _mark(
            delivery.pk,
            key,
            status=Delivery.Status.FAILED,
            attempts=attempts,
            error=_error_text(error),
            claim_key=None,
        )
        return "failed"
    delay = settings.BYGDEBAS_NEWSLETTER_RETRY_DELAY_S * 2**attempts
    _mark(
        delivery.pk,
        key,
        status=Delivery.Status.DEFERRED,
        attempts=attempts,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
        error=_error_text(error),
        claim_key=None,
    )
    return "deferred"


def _fail(delivery: Delivery, key: int, error: Exception) -> str:
    _mark(
        delivery.pk,
        key,
        status=Delivery.Status.FAILED,
        attempts=delivery.attempts + 1,
        error=_error_text(error),
        claim_key=None,
    )
    record_hard_bounce(network=delivery.issue.network, email=delivery.email)
    return "failed"


def record_hard_bounce(*, network: Network, email: str) -> bool:
    """Count a permanent failure for the address; the third suppresses it. True if suppressed."""
    from django.db.models import F

    rows = Subscription.objects.for_network(network).with_email(email)
    rows.update(hard_bounces=F("hard_bounces") + 1)
    subscription = rows.first()
    if subscription is not None and subscription.hard_bounces >= 3:
        suppress(network=network, email=email, reason=Suppression.Reason.BOUNCED)
        return True
    return False


def suppress(*, network: Network, email: str, reason: str) -> None:
    Suppression.objects.for_network(network).get_or_create(
        email=email.strip().lower(), defaults={"network": network, "reason": reason}
    )


class Connection:
    """One SMTP connection reused across a batch's messages; reopened if the server drops it."""

    def __init__(self) -> None:
        self.backend: Any = mailers["default"]
        self.is_smtp = isinstance(self.backend, SmtpBackend)
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        if self.is_smtp and self.smtp is None:
            self.backend.open()
            self.smtp = self.backend.connection

    def close(self) -> None:
        if self.is_smtp:
            try:
                self.backend.close()
            finally:
                self.smtp = None

    def send(self, sender: str, to: str, message: bytes) -> None:
        if not self.is_smtp:
            self._send_through_backend(sender, to, message)
            return
        self.open()
        assert self.smtp is not None
        self.smtp.sendmail(sender, [to], message)

    def _send_through_backend(self, sender: str, to: str, message: bytes) -> None:
        # Development backends (console, locmem) take EmailMessage objects, not raw bytes.
        from email import message_from_bytes, policy

        parsed = message_from_bytes(message, policy=policy.default)
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        email = EmailMultiAlternatives(
            subject=str(parsed["Subject"]),
            body=text.get_content() if text else "",
            from_email=sender,
            to=[to],
            headers={
                name: str(parsed[name])
                for name in ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Message-ID")
            },
        )
        if html is not None:
            email.attach_alternative(html.get_content(), "text/html")
        self.backend.send_messages([email])


def send_batch(
    issue: Issue, *, size: int | None = None, template: Template | None = None
) -> BatchResult:
    """Claim one batch of ``issue``'s due recipients and send them over one connection."""
    size = size or settings.BYGDEBAS_NEWSLETTER_BATCH_SIZE
    result = BatchResult()
    release_orphaned_claims(issue)
    size = allowance(issue.network, size)
    if size == 0:
        result.rate_limited = True
        return result
    template = template or Template.for_issue(issue)
    suppressed = set(Suppression.objects.for_network(issue.network).values_list("email", flat=True))
    with claim_lock() as key:
        ids = claim(issue, key, size)
        result.claimed = len(ids)
        if not ids:
            return result
        deliveries = list(
            Delivery.objects.filter(pk__in=ids).select_related("subscription").order_by("pk")
        )
        conn = Connection()
        try:
            for delivery in deliveries:
                delivery.issue = issue
                outcome = _send_one(conn, template, delivery, key, suppressed)
                setattr(result, outcome, getattr(result, outcome) + 1)
        finally:
            conn.close()
    return result


def _send_one(
    conn: Connection, template: Template, delivery: Delivery, key: int, suppressed: set[str]
) -> str:
    subscription = delivery.subscription
    if delivery.email.lower() in suppressed or not subscription.is_active:
        _mark(delivery.pk, key, status=Delivery.Status.SKIPPED, claim_key=None)
        return "skipped"
    message = template.message(delivery, subscription)
    for attempt in range(2):
        try:
            conn.send(template.from_email, delivery.email, message)
        except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as error:
            # The connection broke: open a new one and try once more; then give up for now.
            conn.close()
            if attempt == 1:
                return _defer(delivery, key, error)
            continue
        except smtplib.SMTPException as error:
            code = _smtp_code(error)
            if code is not None and 400 <= code < 500:
                if code == 421:  # the server is closing the connection
                    conn.close()
                return _defer(delivery, key, error)
            return _fail(delivery, key, error)
        _mark_sent(delivery.pk, key)
        return "sent"
    return "deferred"  # pragma: no cover - the loop always returns


def send_all(issue: Issue, *, size: int | None = None, sleep: bool = True) -> int:
    """Send every due recipient of ``issue`` in batches; wait out the rate limit. How many sent."""
    template = Template.for_issue(issue)
    sent = 0
    while True:
        result = send_batch(issue, size=size, template=template)
        sent += result.sent
        if result.rate_limited:
            if not sleep:
                return sent
            time.sleep(1)
            continue
        if result.claimed == 0:
            return sent


# --- Finishing ---------------------------------------------------------------------------------

NEWSLETTER_TERMS = (("nyhetsbrev*", "newsletter*"), ("dela information",))


def record_counts(issue: Issue) -> None:
    """The issue's delivered, deferred, failed and unsubscribed counts, from the ledger."""
    from django.db.models import Count

    counts = dict(
        Delivery.objects.filter(issue=issue).values_list("status").annotate(n=Count("pk"))
    )
    issue.delivered_count = counts.get(Delivery.Status.SENT, 0)
    issue.deferred_count = counts.get(Delivery.Status.DEFERRED, 0)
    issue.failed_count = counts.get(Delivery.Status.FAILED, 0)
    issue.unsubscribed_count = Delivery.objects.filter(
        issue=issue, subscription__unsubscribed_at__isnull=False
    ).count()
    issue.save(
        update_fields=["delivered_count", "deferred_count", "failed_count", "unsubscribed_count"]
    )


def finish_if_done(issue: Issue) -> bool:
    """Mark the issue sent (and log the action) once no recipient waits for a first try."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        record_counts(issue)
        if issue.status != Issue.Status.SENDING:
            return issue.status == Issue.Status.SENT
        waiting = Delivery.objects.filter(
            issue=issue, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        ).exists()
        if waiting:
            return False
        issue.status = Issue.Status.SENT
        issue.sent_at = timezone.now()
        issue.save(update_fields=["status", "sent_at"])
        _log_action(issue)
        emit(
            issue.network_id,
            "newsletter.sent",
            {
                "id": issue.pk,
                "number": issue.number,
                "title": issue.title,
                "sent_at": issue.sent_at,
                "delivered": issue.delivered_count,
            },
        )
    return True


def _log_action(issue: Issue) -> None:
    from bygdebas.plan import services as plan_services
    from bygdebas.plan.matching import find_activities

    sent_on = timezone.localdate(issue.sent_at)
    activities = find_activities(issue.network, sent_on.year, tiers=NEWSLETTER_TERMS)
    if not activities:
        return
    with translation.override("sv"):
        title = _("Newsletter %(number)s: %(title)s") % {
            "number": issue.number,
            "title": issue.title,
        }
    issue.action = plan_services.log_action(
        network=issue.network,
        performed_on=sent_on,
        title=title,
        activities=activities,
        participants=issue.delivered_count,
        link=issue.network.base_url.rstrip("/") + issue.get_absolute_url(),
        source=issue,
    )
    issue.save(update_fields=["action"])


def run_issue(issue_id: int, *, size: int | None = None) -> tuple[int, datetime.datetime | None]:
    """Send what is due of an issue, finish it if done; (sent, when deferred rows fall due)."""
    issue = Issue.objects.select_related("network").get(pk=issue_id)
    if issue.status not in {Issue.Status.SENDING, Issue.Status.SENT}:
        return 0, None
    sent = send_all(issue, size=size)
    finish_if_done(issue)
    next_at = (
        Delivery.objects.filter(issue=issue, status=Delivery.Status.DEFERRED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return sent, next_at
