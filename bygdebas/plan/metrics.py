"""The registry of countable things that a plan's targets can point at.

An app declares what it can count in its ``AppConfig.ready()``::

    register_metric("events.seminars_held", label=_("Seminars held"), count=count_seminars)

``count(network, year, activities)`` returns ``{activity_id: number}`` for the given activities
of that network's plan for that year. It receives all activities at once so that a dashboard
costs one query per metric, however many activities and actions there are. The plan app never
imports the apps that count: arrows point into ``plan``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from bygdebas.core.models import Network
    from bygdebas.plan.models import Activity

CountFunction = Callable[["Network", int, Sequence["Activity"]], Mapping[int, int]]

DEFAULT_METRIC = "plan.actions"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    count: CountFunction
    description: str | Promise = ""


class MetricRegistry:
    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}

    def register(self, metric: Metric) -> None:
        if metric.key in self._metrics and self._metrics[metric.key] != metric:
            raise ValueError(f"Metric {metric.key!r} is already registered.")
        self._metrics[metric.key] = metric

    def unregister(self, key: str) -> None:
        self._metrics.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._metrics

    def __getitem__(self, key: str) -> Metric:
        return self._metrics[key]

    def choices(self) -> list[tuple[str, str]]:
        return [(m.key, str(m.label)) for m in sorted(self._metrics.values(), key=lambda m: m.key)]

    def count(
        self, key: str, *, network: Network, year: int, activities: Sequence[Activity]
    ) -> dict[int, int]:
        """Counts of metric ``key`` for each activity; activities it cannot count get 0."""
        counts = self._metrics[key].count(network, year, activities)
        return {activity.pk: int(counts.get(activity.pk, 0) or 0) for activity in activities}


registry = MetricRegistry()


def register_metric(
    key: str, *, label: str | Promise, count: CountFunction, description: str | Promise = ""
) -> None:
    """Declare a countable thing that targets may refer to."""
    registry.register(Metric(key=key, label=label, count=count, description=description))


def metric_label(key: str) -> str:
    return str(registry[key].label) if key in registry else key
