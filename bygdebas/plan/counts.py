"""The plan app's own metrics: actions logged, their participants, the municipalities reached.

Registered in ``PlanConfig.ready()`` like any other app's metrics (see ``plan.metrics``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import network_q
from bygdebas.plan.metrics import DEFAULT_METRIC, register_metric
from bygdebas.plan.models import Action, Activity

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def _actions_in_year(network: Network, year: int) -> Q:
    return network_q(Action, network, via="actions") & Q(actions__performed_on__year=year)


def count_actions(network: Network, year: int, activities: Sequence[Activity]) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Count("actions", filter=_actions_in_year(network, year), distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def count_participants(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Sum("actions__participants", filter=_actions_in_year(network, year)))
        .values_list("pk", "n")
    )
    return {pk: n or 0 for pk, n in rows}


def count_municipalities(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(
            n=Count("actions__municipality", filter=_actions_in_year(network, year), distinct=True)
        )
        .values_list("pk", "n")
    )
    return dict(rows)


def register_plan_metrics() -> None:
    register_metric(DEFAULT_METRIC, label=_("Actions logged"), count=count_actions)
    register_metric(
        "plan.participants", label=_("Participants in actions"), count=count_participants
    )
    register_metric(
        "plan.municipalities",
        label=_("Municipalities reached by actions"),
        count=count_municipalities,
    )
