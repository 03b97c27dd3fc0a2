"""What the advocacy app counts for the plan's targets.

Answers sent count through the actions their cases logged, so an activity counts what was logged
against it; positions and issues raised nationally count for the network as a whole, so every
activity that sets a target on them sees the network's number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from bygdebas.advocacy.models import Case, NationalIssue, Position
from bygdebas.plan.metrics import register_metric
from bygdebas.plan.models import Activity

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def count_answers_sent(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Consultation answers sent, by the activities their actions were logged against."""
    actions = (
        Case.objects.for_network(network)
        .filter(sent_on__year=year, action__isnull=False)
        .values("action_id")
    )
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Count("actions", filter=Q(actions__in=actions), distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def count_positions(network: Network, year: int, activities: Sequence[Activity]) -> dict[int, int]:
    """Positions published during the year (the network's number)."""
    n = Position.objects.for_network(network).published().filter(published_on__year=year).count()
    return {a.pk: n for a in activities}


def count_national_issues(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Motions and questions raised with the national organisation (the network's number)."""
    n = (
        NationalIssue.objects.for_network(network)
        .filter(raised_on__year=year)
        .exclude(status=NationalIssue.Status.PREPARING)
        .count()
    )
    return {a.pk: n for a in activities}


def register_advocacy_metrics() -> None:
    register_metric(
        "advocacy.answers_sent", label=_("Consultation answers sent"), count=count_answers_sent
    )
    register_metric(
        "advocacy.positions_published", label=_("Positions published"), count=count_positions
    )
    register_metric(
        "advocacy.national_issues",
        label=_("Issues raised with the national organisation"),
        count=count_national_issues,
    )
