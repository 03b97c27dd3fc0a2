"""What the conditions app counts for the plan's targets, through the actions it logged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bygdebas.conditions.models import Alert, Dossier
from bygdebas.plan.metrics import register_metric
from bygdebas.plan.models import Activity

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def _count_actions(actions: QuerySet, activities: Sequence[Activity]) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Count("actions", filter=Q(actions__in=actions), distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def count_dossiers(network: Network, year: int, activities: Sequence[Activity]) -> dict[int, int]:
    """Dossiers of residents' reports sent to an authority."""
    sent = (
        Dossier.objects.for_network(network)
        .filter(sent_on__year=year, action__isnull=False)
        .values("action_id")
    )
    return _count_actions(sent, activities)


def count_drills(network: Network, year: int, activities: Sequence[Activity]) -> dict[int, int]:
    """Crisis drills: alerts to the contact chains marked as drills."""
    drills = (
        Alert.objects.for_network(network)
        .filter(sent_at__year=year, is_drill=True, action__isnull=False)
        .values("action_id")
    )
    return _count_actions(drills, activities)


def register_conditions_metrics() -> None:
    register_metric(
        "conditions.dossiers_sent",
        label=_("Dossiers of residents' reports sent"),
        count=count_dossiers,
    )
    register_metric("conditions.drills_held", label=_("Crisis drills held"), count=count_drills)
