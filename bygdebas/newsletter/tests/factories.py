"""Newsletter rows for tests."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from bygdebas.core.models import Network
from bygdebas.core.moderation import ModerationStatus
from bygdebas.newsletter.models import Issue, IssueEntry, Item, Subscription

_n = itertools.count(1)


def make_subscription(*, network: Network, **overrides: Any) -> Subscription:
    n = next(_n)
    defaults: dict[str, Any] = {
        "email": f"reader{n}@example.org",
        "name": f"Läsare {n}",
        "source": Subscription.Source.FORM,
        "confirmed_at": timezone.now(),
    }
    defaults.update(overrides)
    return Subscription.objects.create(network=network, **defaults)


def make_subscriptions(*, network: Network, count: int, prefix: str = "r") -> list[Subscription]:
    now = timezone.now()
    rows = [
        Subscription(
            network=network,
            email=f"{prefix}{i}@example.org",
            name=f"Läsare {i}",
            source=Subscription.Source.IMPORT,
            confirmed_at=now,
        )
        for i in range(count)
    ]
    return Subscription.objects.bulk_create(rows, batch_size=2000)


def make_item(*, network: Network, **overrides: Any) -> Item:
    n = next(_n)
    defaults: dict[str, Any] = {
        "title": f"Notis {n}",
        "text": f"Text för notis {n}.",
        "moderation_status": ModerationStatus.APPROVED,
    }
    defaults.update(overrides)
    return Item.objects.create(network=network, **defaults)


def make_issue(*, network: Network, items: int = 1, **overrides: Any) -> Issue:
    number = (Issue.objects.filter(network=network).count() or 0) + 1
    defaults: dict[str, Any] = {"number": number, "title": f"Nummer {number}"}
    defaults.update(overrides)
    issue = Issue.objects.create(network=network, **defaults)
    for position in range(items):
        IssueEntry.objects.create(
            issue=issue, item=make_item(network=network), position=position + 1
        )
    return issue
