"""What the knowledge bank counts for the plan's targets.

Each counts through the actions its rows logged, so an activity counts what was logged against
it, in one query per metric whatever the number of activities.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bygdebas.plan.metrics import register_metric
from bygdebas.plan.models import Activity
from bygdebas.projects.models import Advice, Example

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def _count_actions(actions: QuerySet, activities: Sequence[Activity]) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Count("actions", filter=Q(actions__in=actions), distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def _distinct_projects(
    network: Network, year: int, activities: Sequence[Activity], **filters: object
) -> dict[int, int]:
    rows = (
        Advice.objects.for_network(network)
        .filter(
            given_on__year=year,
            project__isnull=False,
            action__activities__in=[a.pk for a in activities],
            **filters,
        )
        .values_list("action__activities", "project_id")
        .distinct()
        .order_by()
    )
    counts: dict[int, int] = {}
    for activity_id, _project_id in rows:
        counts[activity_id] = counts.get(activity_id, 0) + 1
    return {a.pk: counts.get(a.pk, 0) for a in activities}


def count_advice_sessions(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Advice sessions given to groups and projects."""
    actions = (
        Advice.objects.for_network(network)
        .filter(given_on__year=year, action__isnull=False)
        .values("action_id")
    )
    return _count_actions(actions, activities)


def count_projects_supported(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Projects given advice (each project once per activity)."""
    return _distinct_projects(network, year, activities)


def count_youth_projects(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Projects of or for children and young people given advice (each once per activity)."""
    return _distinct_projects(network, year, activities, project__is_youth=True)


def count_examples_published(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Good examples published in the catalogue."""
    actions = (
        Example.objects.for_network(network)
        .filter(published_at__year=year, publish_action__isnull=False)
        .values("publish_action_id")
    )
    return _count_actions(actions, activities)


def register_projects_metrics() -> None:
    register_metric(
        "projects.advice_sessions",
        label=_("Advice sessions given to groups"),
        count=count_advice_sessions,
    )
    register_metric(
        "projects.projects_supported",
        label=_("Projects supported with advice"),
        count=count_projects_supported,
    )
    register_metric(
        "projects.youth_projects",
        label=_("Youth projects supported"),
        count=count_youth_projects,
    )
    register_metric(
        "projects.examples_published",
        label=_("Good examples published"),
        count=count_examples_published,
    )
