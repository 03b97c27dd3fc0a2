"""Fetching the newsletter's rows for a user: 404 for another network's, 403 without the role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bygdebas.core.access import fetch
from bygdebas.newsletter.models import Issue, IssueEntry, Item, Subscription

if TYPE_CHECKING:
    from bygdebas.core.access import AnyUser
    from bygdebas.core.models import Network


def get_issue_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Issue:
    return fetch(user, network, Issue.objects.select_related("network"), pk, write=write)


def get_item_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Item:
    return fetch(user, network, Item, pk, write=write)


def get_entry_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> IssueEntry:
    return fetch(user, network, IssueEntry.objects.select_related("issue"), pk, write=write)


def get_subscription_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Subscription:
    return fetch(user, network, Subscription, pk, write=write)
