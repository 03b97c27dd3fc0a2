"""The member counts that plan targets can follow (registered in MembersConfig.ready).

A member count belongs to the network, not to an activity: every activity whose target follows
one of these metrics gets the same number (one query per metric, whatever the activities).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from bygdebas.members import stats
from bygdebas.plan.metrics import CountFunction, register_metric

if TYPE_CHECKING:
    from bygdebas.core.models import Network
    from bygdebas.plan.models import Activity


def _per_activity(count: Callable[[Network, int], int]) -> CountFunction:
    def count_for(network: Network, year: int, activities: Sequence[Activity]) -> dict[int, int]:
        if not activities:
            return {}
        n = count(network, year)
        return {activity.pk: n for activity in activities}

    count_for.__name__ = count.__name__
    count_for.__doc__ = count.__doc__
    return count_for


count_member_organisations = _per_activity(stats.count_members)
count_new_member_organisations = _per_activity(stats.count_new_members)
count_youth_led_members = _per_activity(stats.count_youth_led_members)
count_municipalities_covered = _per_activity(stats.count_municipalities_covered)


def register_member_metrics() -> None:
    register_metric(
        "members.organisations",
        label=_("Member organisations"),
        count=count_member_organisations,
        description=_("Organisations with an active membership in the year."),
    )
    register_metric(
        "members.new_organisations",
        label=_("New member organisations"),
        count=count_new_member_organisations,
        description=_("Members in the year that were not members the year before."),
    )
    register_metric(
        "members.youth_led",
        label=_("Youth-led member organisations"),
        count=count_youth_led_members,
        description=_("Active members in the year that are youth-led."),
    )
    register_metric(
        "members.municipalities_covered",
        label=_("Municipalities with a member organisation"),
        count=count_municipalities_covered,
        description=_("Municipalities with at least one active member in the year."),
    )
