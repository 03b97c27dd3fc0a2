"""What the recruitment app counts for the plan's targets.

Each counts through the actions its rows logged, so an activity counts what was logged against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bygdebas.plan.metrics import register_metric
from bygdebas.plan.models import Activity
from bygdebas.recruitment.models import Prospect, ProspectContact

if TYPE_CHECKING:
    from bygdebas.core.models import Network


def _count_actions(actions: QuerySet, activities: Sequence[Activity]) -> dict[int, int]:
    rows = (
        Activity.objects.filter(pk__in=[a.pk for a in activities])
        .annotate(n=Count("actions", filter=Q(actions__in=actions), distinct=True))
        .values_list("pk", "n")
    )
    return dict(rows)


def _contact_actions(network: Network, year: int) -> QuerySet:
    return (
        ProspectContact.objects.for_network(network)
        .filter(
            happened_on__year=year,
            kind__in=[ProspectContact.Kind.CONTACT, ProspectContact.Kind.MEETING],
            action__isnull=False,
        )
        .values("action_id")
    )


def count_contacts(network: Network, year: int, activities: Sequence[Activity]) -> dict[int, int]:
    """Contacts and meetings with prospective member groups."""
    return _count_actions(_contact_actions(network, year), activities)


def count_new_members(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Prospects that became member organisations."""
    converted = (
        Prospect.objects.for_network(network)
        .filter(converted_on__year=year, member_action__isnull=False)
        .values("member_action_id")
    )
    return _count_actions(converted, activities)


def count_youth_prospects(
    network: Network, year: int, activities: Sequence[Activity]
) -> dict[int, int]:
    """Youth-focused prospective groups contacted or met (each group once per activity)."""
    contacts = ProspectContact.objects.for_network(network).filter(
        prospect__is_youth_focus=True,
        happened_on__year=year,
        action__isnull=False,
        action__activities__in=[a.pk for a in activities],
    )
    rows = contacts.values_list("action__activities", "prospect_id").distinct().order_by()
    counts: dict[int, int] = {}
    for activity_id, _prospect_id in rows:
        counts[activity_id] = counts.get(activity_id, 0) + 1
    return {a.pk: counts.get(a.pk, 0) for a in activities}


def register_recruitment_metrics() -> None:
    register_metric(
        "recruitment.contacts",
        label=_("Contacts and meetings with prospective member groups"),
        count=count_contacts,
    )
    register_metric(
        "recruitment.new_members",
        label=_("New member groups recruited"),
        count=count_new_members,
    )
    register_metric(
        "recruitment.youth_prospects",
        label=_("Youth-focused groups contacted"),
        count=count_youth_prospects,
    )
