"""What the events app counts for the plan's targets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import network_q
from bygdebas.events.models import BodyMeeting, Event
from bygdebas.plan.metrics import register_metric
from bygdebas.plan.models import Activity

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def _held(network: Network, year: int, kind: str | None = None) -> Q:
    condition = network_q(Event, network, via="events") & Q(
        events__starts_at__year=year,
        events__status="published",
        events__held_action__isnull=False,
    )
    if kind:
        condition &= Q(events__kind=kind)
    return condition


def _count(condition: Q, activities: Sequence[Activity]) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Count("events", filter=condition, distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def count_events_held(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    return _count(_held(network, year), activities)


def count_seminars_held(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    return _count(_held(network, year, "seminar"), activities)


def count_event_participants(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Sum("events__participant_count", filter=_held(network, year)))
        .values_list("pk", "n")
    )
    return {pk: n or 0 for pk, n in rows}


def count_body_meetings(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Partnership-body meetings attended, through the actions they logged."""
    meeting_actions = (
        BodyMeeting.objects.for_network(network)
        .filter(held_on__year=year, is_attended=True)
        .values("action_id")
    )
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Count("actions", filter=Q(actions__in=meeting_actions), distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def register_event_metrics() -> None:
    register_metric("events.held", label=_("Events held"), count=count_events_held)
    register_metric("events.seminars_held", label=_("Seminars held"), count=count_seminars_held)
    register_metric(
        "events.participants", label=_("Participants in events"), count=count_event_participants
    )
    register_metric(
        "events.body_meetings",
        label=_("Partnership meetings attended"),
        count=count_body_meetings,
    )
