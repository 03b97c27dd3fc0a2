"""Writes of the newsletter app: subscriptions and consent, items, issues, and starting a send."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.core import moderation
from bygdebas.core.agenda import upcoming
from bygdebas.core.confirmation import confirmation_days, confirmation_url
from bygdebas.core.images import ProcessedImage, save_image
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import AuditEntry, Municipality, Network, User
from bygdebas.core.services import record_audit
from bygdebas.newsletter import sending
from bygdebas.newsletter.models import (
    Consent,
    Delivery,
    Issue,
    IssueEntry,
    Item,
    Subscription,
    Suppression,
    Topic,
)
from bygdebas.newsletter.tasks import send_issue
from bygdebas.plan.models import Action

if TYPE_CHECKING:
    from bygdebas.members.models import Organisation


def hash_ip(ip: str) -> str:
    """The client address, hashed with the site's secret: provable, not readable."""
    if not ip:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def consent_text() -> str:
    return _(
        "I want to receive the newsletter by e-mail. I can unsubscribe at any time through "
        "the link in every letter."
    )


# --- Subscriptions ---------------------------------------------------------------------------


def subscribe(
    *,
    network: Network,
    email: str,
    name: str = "",
    municipality: Municipality | None = None,
    topics: Iterable[Topic] = (),
    ip: str = "",
    language: str = "sv",
    source: str = Subscription.Source.FORM,
) -> Subscription:
    """Sign ``email`` up and mail the confirmation link (double opt-in).

    An address already subscribed and confirmed is left as it is and gets a mail saying so, so
    that nobody can unsubscribe or change someone else by typing their address.
    """
    email = email.strip()
    with transaction.atomic():
        existing = Subscription.objects.for_network(network).with_email(email).first()
        if existing is not None and existing.is_active:
            send_templated_mail(
                network=network,
                to=[existing.email],
                template="newsletter/mail/already_subscribed",
                context={"preferences_url": preferences_url(existing)},
                language=existing.language,
            )
            return existing
        subscription = existing or Subscription(network=network, email=email)
        # Unconfirmed again, with a new creation time: links mailed before stop working, and
        # the row counts only when this request is confirmed (the history stays).
        subscription.name = name.strip()
        subscription.municipality = municipality
        subscription.source = source
        subscription.language = language
        subscription.created_at = timezone.now()
        subscription.confirmed_at = None
        subscription.save()
        subscription.topics.set(topics)
        Consent.objects.create(
            subscription=subscription,
            source=source,
            legal_basis=Consent.LegalBasis.CONSENT,
            text=consent_text(),
            ip_hash=hash_ip(ip),
        )
        record_audit(network=network, actor=None, verb="subscription.created", obj=subscription)
        _mail_confirmation(subscription)
    return subscription


def _mail_confirmation(subscription: Subscription, *, template: str = "confirm") -> None:
    send_templated_mail(
        network=subscription.network,
        to=[subscription.email],
        template=f"newsletter/mail/{template}",
        context={
            "subscription": subscription,
            "link": confirmation_url(subscription),
            "days": confirmation_days(Subscription.confirmation_purpose),
        },
        language=subscription.language,
    )


def subscription_confirmed(subscription: Subscription) -> None:
    """The owner followed the link: the address may be mailed, whatever stopped it before."""
    subscription.unsubscribed_at = None
    subscription.is_paused = False
    subscription.hard_bounces = 0
    subscription.save(update_fields=["unsubscribed_at", "is_paused", "hard_bounces"])
    Suppression.objects.for_network(subscription.network_id).with_email(subscription.email).delete()
    record_audit(
        network=subscription.network,
        actor=None,
        verb="subscription.confirmed",
        obj=subscription,
    )


def subscribe_contact(
    *, network: Network, user: User, organisation: Organisation | None = None
) -> Subscription:
    """A logged-in contact person ticked "send me the newsletter": their login proves the
    address, so the subscription counts at once."""
    email = user.email
    with transaction.atomic():
        subscription = Subscription.objects.for_network(network).with_email(email).first()
        if subscription is None:
            subscription = Subscription(
                network=network, email=email, source=Subscription.Source.SELFSERVICE
            )
        subscription.name = subscription.name or user.get_full_name()
        subscription.is_member_contact = True
        subscription.confirmed_at = timezone.now()
        subscription.save()
        Consent.objects.create(
            subscription=subscription,
            source=Subscription.Source.SELFSERVICE,
            text=consent_text(),
        )
        subscription_confirmed(subscription)
    return subscription


def unsubscribe(
    *, subscription: Subscription, reason: str = Suppression.Reason.UNSUBSCRIBED
) -> bool:
    """Take the address off every list of the network; False if it already was."""
    if subscription.unsubscribed_at is not None:
        return False
    subscription.unsubscribed_at = timezone.now()
    subscription.save(update_fields=["unsubscribed_at"])
    sending.suppress(network=subscription.network, email=subscription.email, reason=reason)
    record_audit(
        network=subscription.network,
        actor=None,
        verb="subscription.unsubscribed",
        obj=subscription,
        changes={"reason": reason},
    )
    return True


def update_preferences(
    *, subscription: Subscription, topics: Iterable[Topic], is_paused: bool
) -> None:
    """The subscriber's own choices from the preferences page."""
    subscription.is_paused = is_paused
    subscription.save(update_fields=["is_paused"])
    subscription.topics.set(topics)
    record_audit(
        network=subscription.network,
        actor=None,
        verb="subscription.preferences",
        obj=subscription,
        changes={"paused": is_paused},
    )


def preferences_url(subscription: Subscription) -> str:
    from django.urls import reverse

    return subscription.network.base_url.rstrip("/") + reverse(
        "newsletter:preferences", kwargs={"token": sending.preferences_token(subscription)}
    )


# --- Import ----------------------------------------------------------------------------------

LEGAL_BASES = {
    "consent": Consent.LegalBasis.CONSENT,
    "samtycke": Consent.LegalBasis.CONSENT,
    "contract": Consent.LegalBasis.CONTRACT,
    "avtal": Consent.LegalBasis.CONTRACT,
    "medlemskap": Consent.LegalBasis.CONTRACT,
    "legitimate_interest": Consent.LegalBasis.LEGITIMATE_INTEREST,
    "berättigat intresse": Consent.LegalBasis.LEGITIMATE_INTEREST,
}


@dataclass
class ImportResult:
    created: list[Subscription] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already subscribed, or suppressed
    errors: list[str] = field(default_factory=list)


def read_rows(upload: Any) -> list[dict[str, str]]:
    """The rows of a .csv or .xlsx list, as dicts keyed by lower-case column names."""
    name = getattr(upload, "name", "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ValidationError(_("The file could not be read as a spreadsheet.")) from error
        values = [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The file is not UTF-8 text.")) from error
        try:
            dialect: Any = csv.Sniffer().sniff(text[:2000], delimiters=",;\t")
        except csv.Error:
            dialect = "excel"  # one column, or nothing to tell by: commas
        values = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    else:
        raise ValidationError(_("Upload a .csv or .xlsx file."))
    if not values:
        raise ValidationError(_("The file is empty."))
    header = [cell.lower() for cell in values[0]]
    aliases = {
        "e-post": "email",
        "epost": "email",
        "e-mail": "email",
        "namn": "name",
        "rättslig grund": "legal_basis",
        "legal basis": "legal_basis",
    }
    header = [aliases.get(cell, cell) for cell in header]
    if "email" not in header or "legal_basis" not in header:
        raise ValidationError(
            _("The first row must name the columns email and legal_basis (and name, if any).")
        )
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]


def import_subscribers(
    *, network: Network, actor: User, rows: Sequence[dict[str, str]]
) -> ImportResult:
    """Import a list: each row needs a valid address and a legal basis; any error saves nothing.

    Imported addresses get a confirmation mail (re-permission) and are never mailed an issue
    unless they confirm. Suppressed and already subscribed addresses are skipped.
    """
    result = ImportResult()
    seen: set[str] = set()
    valid: list[tuple[str, str, str]] = []  # address, name, legal basis
    for number, row in enumerate(rows, start=2):
        email = (row.get("email") or "").strip()
        basis = LEGAL_BASES.get((row.get("legal_basis") or "").strip().lower())
        try:
            validate_email(email)
        except ValidationError:
            result.errors.append(
                _("Row %(row)s: “%(email)s” is not a valid e-mail address.")
                % {"row": number, "email": email}
            )
            continue
        if basis is None:
            result.errors.append(
                _("Row %(row)s: state the legal basis (consent, contract or legitimate interest).")
                % {"row": number}
            )
            continue
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        valid.append((email, (row.get("name") or "").strip(), basis))
    if result.errors:
        return result
    suppressed = set(Suppression.objects.for_network(network).values_list("email", flat=True))
    with transaction.atomic():
        for email, name, legal_basis in valid:
            existing = Subscription.objects.for_network(network).with_email(email).first()
            if email.lower() in suppressed or existing is not None:
                result.skipped.append(email)
                continue
            subscription = Subscription.objects.create(
                network=network, email=email, name=name, source=Subscription.Source.IMPORT
            )
            Consent.objects.create(
                subscription=subscription,
                source=Subscription.Source.IMPORT,
                legal_basis=legal_basis,
                text=_("Imported by %(user)s with the legal basis stated.") % {"user": actor},
            )
            record_audit(
                network=network,
                actor=actor,
                verb="subscription.imported",
                obj=subscription,
                source=AuditEntry.Source.IMPORT,
            )
            _mail_confirmation(subscription, template="repermission")
            result.created.append(subscription)
    return result


# --- Items -----------------------------------------------------------------------------------


def _photo(network: Network, image: ProcessedImage | None, alt: str, user: User | None) -> Any:
    if image is None:
        return None
    return save_image(network=network, image=image, alt_text=alt, uploaded_by=user)


def create_item(
    *,
    network: Network,
    actor: User,
    title: str,
    text: str,
    link: str = "",
    topic: Topic | None = None,
    image: ProcessedImage | None = None,
    image_alt: str = "",
) -> Item:
    """Staff's own item: ready for an issue at once."""
    with transaction.atomic():
        item = Item.objects.create(
            network=network,
            title=title,
            text=text,
            link=link,
            topic=topic,
            photo=_photo(network, image, image_alt, actor),
            moderation_status=moderation.ModerationStatus.APPROVED,
            submitted_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
        )
    return item


def update_item(*, item: Item, actor: User, values: dict[str, Any]) -> Item:
    """Staff edit an item's text (the moderation log keeps members' originals)."""
    for name, value in values.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


def send_in_item(
    *,
    network: Network,
    user: User,
    organisation: Organisation,
    title: str,
    text: str,
    link: str = "",
    topic: Topic | None = None,
    image: ProcessedImage | None = None,
    image_alt: str = "",
    language: str | None = None,
) -> Item:
    """A contact person's news for the newsletter; it waits for staff."""
    with transaction.atomic():
        item = Item(
            network=network,
            organisation=organisation,
            title=title,
            text=text,
            link=link,
            topic=topic,
            photo=_photo(network, image, image_alt, user),
        )
        moderation.submit(item, by=user, language=language)
    return item


def publish_item(item: Item, event: Any) -> None:
    """On approval: the item is offered in the composer (nothing to do but be approved)."""


# --- Issues ----------------------------------------------------------------------------------


def create_issue(*, network: Network, actor: User, title: str, introduction: str = "") -> Issue:
    """A new draft, numbered after the network's last issue."""
    with transaction.atomic():
        last = Issue.objects.for_network(network).aggregate(n=Max("number"))["n"] or 0
        issue = Issue.objects.create(
            network=network, number=last + 1, title=title, introduction=introduction
        )
    return issue


def _check_editable(issue: Issue) -> None:
    if not issue.is_editable:
        raise ValidationError(_("The issue has been sent and can no longer be changed."))


def update_issue(
    *,
    issue: Issue,
    title: str,
    introduction: str,
    segment_topics: Iterable[Topic] = (),
    segment_municipalities: Iterable[Municipality] = (),
    segment_member_contacts: bool = False,
) -> Issue:
    _check_editable(issue)
    issue.title = title
    issue.introduction = introduction
    issue.segment_member_contacts = segment_member_contacts
    issue.save()
    issue.segment_topics.set(segment_topics)
    issue.segment_municipalities.set(segment_municipalities)
    return issue


def add_item(*, issue: Issue, item: Item) -> IssueEntry:
    """Put an approved item last in the issue."""
    _check_editable(issue)
    if not item.is_approved:
        raise ValidationError(_("Only approved items can go in an issue."))
    last = issue.entries.aggregate(n=Max("position"))["n"] or 0
    try:
        with transaction.atomic():
            return IssueEntry.objects.create(issue=issue, item=item, position=last + 1)
    except IntegrityError:
        raise ValidationError(_("The item is already in the issue.")) from None


def add_event(*, issue: Issue, actor: User, key: str) -> IssueEntry:
    """Insert an upcoming public event as an item (its public data only)."""
    found = next((e for e in upcoming(issue.network) if e.key == key), None)
    if found is None:
        raise ValidationError(_("The event is no longer upcoming."))
    when = timezone.localtime(found.starts_at).strftime("%Y-%m-%d %H:%M")
    text = f"**{when}**" + (f", {found.place}" if found.place else "")
    if found.summary:
        text += f"\n\n{found.summary}"
    item = create_item(
        network=issue.network,
        actor=actor,
        title=found.title,
        text=text,
        link=issue.network.base_url.rstrip("/") + found.url,
    )
    return add_item(issue=issue, item=item)


def add_action(*, issue: Issue, actor: User, action: Action) -> IssueEntry:
    """Insert an action logged against the plan as an item (what was done)."""
    item = create_item(
        network=issue.network,
        actor=actor,
        title=action.title,
        text=action.description or action.title,
        link=action.link,
    )
    return add_item(issue=issue, item=item)


def remove_entry(*, entry: IssueEntry) -> None:
    _check_editable(entry.issue)
    entry.delete()


def move_entry(*, entry: IssueEntry, up: bool) -> None:
    """Swap the entry with its neighbour."""
    _check_editable(entry.issue)
    entries = list(entry.issue.entries.all())
    index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(entries):
        entries[index], entries[other] = entries[other], entries[index]
        for position, row in enumerate(entries, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])


def last_sent_at(network: Network) -> datetime.datetime | None:
    return Issue.objects.for_network(network).sent().aggregate(at=Max("sent_at"))["at"]


def recipients(issue: Issue) -> Any:
    """The active subscriptions the issue's segment selects, minus suppressed addresses."""
    rows = Subscription.objects.for_network(issue.network).active()
    topics = list(issue.segment_topics.all())
    if topics:
        rows = rows.filter(topics__in=topics)
    municipalities = list(issue.segment_municipalities.all())
    if municipalities:
        rows = rows.filter(municipality__in=municipalities)
    if issue.segment_member_contacts:
        rows = rows.filter(is_member_contact=True)
    suppressed = Suppression.objects.for_network(issue.network).values("email")
    return rows.exclude(email__in=suppressed).distinct()


def send_test(*, issue: Issue, to: str) -> None:
    """Send the issue as it looks now to one address (the staff member's own), unrecorded."""
    subject, html, text = sending.render_issue(issue)
    values = {
        "greeting": _("Hello,"),
        "unsubscribe": issue.network.base_url,
        "preferences": issue.network.base_url,
    }
    send_templated_mail(
        network=issue.network,
        to=[to],
        template="newsletter/mail/test",
        context={
            "subject": _("[Test] %(subject)s") % {"subject": subject},
            "html": sending.personalise(html, **values),
            "text": sending.personalise(text, **values),
        },
    )


def schedule_issue(*, issue: Issue, at: datetime.datetime | None) -> Issue:
    """Send at ``at`` (None: back to draft). ``run_scheduled_newsletters`` starts it."""
    _check_editable(issue)
    if at is not None and at <= timezone.now():
        raise ValidationError({"scheduled_at": _("Choose a time in the future.")})
    issue.scheduled_at = at
    issue.status = Issue.Status.SCHEDULED if at else Issue.Status.DRAFT
    issue.save(update_fields=["scheduled_at", "status"])
    return issue


def start_sending(*, issue: Issue) -> Issue:
    """Freeze the issue, write one ledger row per recipient and queue the sending."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if not issue.is_editable:
            raise ValidationError(_("The issue is already being sent."))
        if not issue.entries.exists():
            raise ValidationError(_("Add at least one item before sending."))
        issue.subject, issue.body_html, issue.body_text = sending.render_issue(issue)
        issue.status = Issue.Status.SENDING
        issue.sending_started_at = timezone.now()
        issue.save()
        materialise(issue)
        transaction.on_commit(lambda: send_issue.enqueue(issue.pk))
    return issue


def materialise(issue: Issue) -> int:
    """One ledger row per recipient; a row already there is kept (safe to repeat)."""
    rows = [
        Delivery(issue=issue, subscription_id=pk, email=email)
        for pk, email in recipients(issue).values_list("pk", "email")
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    issue.recipients_count = Delivery.objects.filter(issue=issue).count()
    issue.save(update_fields=["recipients_count"])
    return issue.recipients_count


def start_scheduled(*, now: datetime.datetime | None = None) -> list[Issue]:
    """Start every scheduled issue whose time has come (cron: ``run_scheduled_newsletters``)."""
    due = Issue.objects.filter(
        status=Issue.Status.SCHEDULED, scheduled_at__lte=now or timezone.now()
    )
    return [start_sending(issue=issue) for issue in due]


def member_items_waiting(network: Network) -> Any:
    return (
        Item.objects.for_network(network)
        .from_members()
        .approved()
        .unused()
        .select_related("organisation")
    )


def delivery_counts(issue: Issue) -> Any:
    """How many of the issue's deliveries stand in each status (rows of ``status`` and ``n``)."""
    return Delivery.objects.filter(issue=issue).values("status").annotate(n=Count("pk"))


def actions_since_last_issue(network: Network) -> Any:
    since = last_sent_at(network)
    rows = Action.objects.for_network(network).order_by("-performed_on")
    if since is not None:
        rows = rows.filter(created_at__gt=since)
    return rows.exclude(title__startswith=_("Newsletter"))[:20]
