"""What the newsletter counts for the plan's targets: issues sent and member items published.

Both count through the action a sent issue logged, so an activity counts the issues logged
against it (the newsletter activity, found by its wording).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from bygdebas.newsletter.models import Issue
from bygdebas.plan.metrics import register_metric
from bygdebas.plan.models import Action, Activity

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def _per_activity(
    network: Network, year: int, activities: Sequence[Activity], *, member_items: bool
) -> dict[int, int]:
    rows = (
        Issue.objects.for_network(network)
        .sent()
        .for_year(year)
        .filter(action__isnull=False)
        .annotate(
            n=Count("entries", filter=Q(entries__item__organisation__isnull=False), distinct=True)
        )
        .values_list("action_id", "n")
    )
    weight = {action_id: (n if member_items else 1) for action_id, n in rows}
    links = Action.activities.through.objects.filter(
        activity_id__in=[a.pk for a in activities], action_id__in=list(weight)
    ).values_list("activity_id", "action_id")
    counts: dict[int, int] = defaultdict(int)
    for activity_id, action_id in links:
        counts[activity_id] += weight[action_id]
    return {activity.pk: counts.get(activity.pk, 0) for activity in activities}


def count_issues_sent(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Newsletter issues sent in the year."""
    return _per_activity(network, year, activities, member_items=False)


def count_member_items(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Items from member organisations published in a sent issue in the year."""
    return _per_activity(network, year, activities, member_items=True)


def register_newsletter_metrics() -> None:
    register_metric(
        "newsletter.issues_sent",
        label=_("Newsletter issues sent"),
        count=count_issues_sent,
    )
    register_metric(
        "newsletter.member_items_published",
        label=_("Member items published in the newsletter"),
        count=count_member_items,
    )
