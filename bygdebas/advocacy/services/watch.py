"""Watched sources: adding them, fetching them, the inbox of matched entries, the daily digest."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.advocacy.fetcher import FetchError, FetchResult, check_url, fetch_feed
from bygdebas.advocacy.matching import Rules
from bygdebas.advocacy.models import DigestRecipient, Entry, Source, Topic, split_terms
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Network, User
from bygdebas.core.search import index_object

logger = logging.getLogger(__name__)


def interval() -> datetime.timedelta:
    """At most one request per source in this time."""
    return datetime.timedelta(minutes=int(getattr(settings, "BYGDEBAS_WATCH_INTERVAL_MIN", 60)))


def check_rules(keywords: str, exclusions: str) -> Rules:
    """The parsed rules; ValidationError naming the bad term."""
    try:
        return Rules.of(split_terms(keywords), split_terms(exclusions))
    except ValueError:
        for name, text in (("keywords", keywords), ("exclusions", exclusions)):
            for term in split_terms(text):
                try:
                    Rules.of([term])
                except ValueError:
                    raise ValidationError(
                        {
                            name: _(
                                "“%(term)s” is not a valid rule: give words, with * only at "
                                "the end of a word (landsbygd*)."
                            )
                            % {"term": term}
                        }
                    ) from None
        raise


def save_source(
    *,
    network: Network,
    name: str,
    url: str,
    keywords: str = "",
    exclusions: str = "",
    is_active: bool = True,
    source: Source | None = None,
) -> Source:
    """Add or change a watched source after checking its address and rules."""
    try:
        check_url(url)
    except FetchError as error:
        raise ValidationError({"url": str(error)}) from None
    check_rules(keywords, exclusions)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the source a name.")})
    if source is None:
        source = Source(network=network)
    elif source.url != url:
        source.etag = source.last_modified = ""  # validators belong to the old address
    source.name = name
    source.url = url
    source.keywords = keywords.strip()
    source.exclusions = exclusions.strip()
    source.is_active = is_active
    source.full_clean()
    source.save()
    return source


@dataclass
class FetchReport:
    """What one run of fetching did: the command prints it as JSON."""

    sources: int = 0
    fetched: int = 0
    not_modified: int = 0
    new_entries: int = 0
    matched: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "new_entries": self.new_entries,
            "matched": self.matched,
            "errors": self.errors,
        }


def due_sources(network: Network | None = None, *, now: datetime.datetime) -> Any:
    """Active sources not fetched within the interval."""
    sources = Source.objects.all() if network is None else Source.objects.for_network(network)
    return sources.filter(is_active=True).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - interval())
    )


def _claim(source: Source, now: datetime.datetime, *, force: bool) -> bool:
    """Take the source for this run: False when another run fetched it within the interval."""
    claimed = Source.objects.filter(pk=source.pk)
    if not force:
        claimed = claimed.filter(
            Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - interval())
        )
    return claimed.update(last_fetched_at=now) == 1


def fetch_sources(
    *, network: Network | None = None, force: bool = False, sources: Iterable[Source] | None = None
) -> FetchReport:
    """Fetch every due source (every active one with ``force``); one failure never stops the rest."""
    now = timezone.now()
    if sources is None:
        if force:
            base = Source.objects.all() if network is None else Source.objects.for_network(network)
            sources = base.filter(is_active=True)
        else:
            sources = due_sources(network, now=now)
    report = FetchReport()
    for source in sources:
        report.sources += 1
        fetch_source(source=source, report=report, force=force, now=now)
    return report


def fetch_source(
    *,
    source: Source,
    report: FetchReport | None = None,
    force: bool = False,
    now: datetime.datetime | None = None,
) -> FetchReport:
    """Fetch one source, store its new entries and mark it with the outcome."""
    report = report or FetchReport(sources=1)
    now = now or timezone.now()
    if not _claim(source, now, force=force):
        return report
    source.last_fetched_at = now
    try:
        result = fetch_feed(source.url, etag=source.etag, last_modified=source.last_modified)
    except FetchError as error:
        _mark(source, state=Source.State.ERROR, error=str(error))
        report.errors.append({"source": source.url, "message": str(error)})
        return report
    except Exception as error:  # a bug must not stop the other sources either
        logger.exception("Fetching %s failed", source.url)
        message = _("Unexpected error: %(kind)s") % {"kind": type(error).__name__}
        _mark(source, state=Source.State.ERROR, error=message)
        report.errors.append({"source": source.url, "message": message})
        return report
    if result.not_modified:
        report.not_modified += 1
        _mark(source, state=Source.State.NOT_MODIFIED, success_at=now)
        return report
    report.fetched += 1
    new, matched = store_entries(source=source, result=result)
    report.new_entries += new
    report.matched += matched
    source.etag, source.last_modified = result.etag, result.last_modified
    _mark(source, state=Source.State.OK, success_at=now)
    return report


def _mark(
    source: Source,
    *,
    state: str,
    error: str = "",
    success_at: datetime.datetime | None = None,
) -> None:
    source.state = state
    source.last_error = error[:500]
    fields = ["state", "last_error", "etag", "last_modified"]
    if success_at:
        source.last_success_at = success_at
        fields.append("last_success_at")
    source.save(update_fields=fields)


def store_entries(*, source: Source, result: FetchResult) -> tuple[int, int]:
    """Save the entries not seen before (by id or link): (new, matched)."""
    rules = Rules.of(source.keyword_list, source.exclusion_list)
    guids = {e.guid for e in result.entries}
    links = {e.link for e in result.entries if e.link}
    seen = Entry.objects.filter(source=source).filter(Q(guid__in=guids) | Q(link__in=links))
    seen_guids: set[str] = set()
    seen_links: set[str] = set()
    for guid, link in seen.values_list("guid", "link"):
        seen_guids.add(guid)
        seen_links.add(link)
    rows = []
    for item in result.entries:
        if item.guid in seen_guids or (item.link and item.link in seen_links):
            continue
        seen_guids.add(item.guid)
        if item.link:
            seen_links.add(item.link)
        terms = rules.matched_terms(item.title, item.summary)
        rows.append(
            Entry(
                network_id=source.network_id,
                source=source,
                guid=item.guid,
                link=item.link,
                title=item.title,
                summary=item.summary,
                published_at=item.published_at,
                is_match=bool(terms),
                matched_terms=", ".join(terms)[:500],
            )
        )
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # another run stored it a moment ago
            continue
        created.append(row)
    for row in created:
        if row.is_match:
            index_object(row)
    return len(created), sum(1 for row in created if row.is_match)


# --- the inbox ---------------------------------------------------------------------------------


def update_entry(
    *,
    entry: Entry,
    relevance: str | None = None,
    assigned_to: User | None = None,
    comment: str | None = None,
    unassign: bool = False,
) -> Entry:
    """Assess, assign or comment on an inbox entry."""
    if relevance is not None:
        if relevance not in Entry.Relevance.values:
            raise ValidationError({"relevance": _("Choose a valid relevance.")})
        entry.relevance = relevance
    if assigned_to is not None or unassign:
        entry.assigned_to = assigned_to
    if comment is not None:
        entry.comment = comment.strip()
    entry.save()
    return entry


def file_entry_under_topic(*, entry: Entry, topic: Topic | None = None, name: str = "") -> Topic:
    """File the entry under a topic, a new one when ``name`` is given."""
    if topic is None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": _("Choose a topic or name a new one.")})
        topic, _created = Topic.objects.for_network(entry.network_id).get_or_create(
            name=name, defaults={"network_id": entry.network_id}
        )
    entry.topic = topic
    if entry.relevance == Entry.Relevance.UNREAD:
        entry.relevance = Entry.Relevance.RELEVANT
    entry.save(update_fields=["topic", "relevance"])
    return topic


def set_digest(*, network: Network, user: User, wanted: bool) -> None:
    """Start or stop the daily digest for ``user``."""
    recipients = DigestRecipient.objects.for_network(network).filter(user=user)
    if wanted:
        recipients.get_or_create(defaults={"network": network, "user": user})
    else:
        recipients.delete()


def send_digests(*, network: Network | None = None) -> int:
    """Mail each network's new matches to those who asked; the mails sent."""
    networks = [network] if network else list(Network.objects.all())
    sent = 0
    now = timezone.now()
    for net in networks:
        with transaction.atomic():
            entries = list(
                Entry.objects.for_network(net)
                .undigested()
                .select_for_update()
                .select_related("source")
                .order_by("source__name", "-published_at", "pk")
            )
            if not entries:
                continue
            recipients = DigestRecipient.objects.for_network(net).select_related("user")
            for recipient in recipients:
                if not recipient.user.is_active:
                    continue
                send_templated_mail(
                    network=net,
                    to=[recipient.user.email],
                    template="advocacy/mail/digest",
                    context={"entries": entries, "network": net, "base_url": net.base_url},
                    language=getattr(recipient.user, "language", None) or None,
                )
                sent += 1
            Entry.objects.filter(pk__in=[e.pk for e in entries]).update(digested_at=now)
    return sent
