"""Fetching plan rows for a user: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, check_role
from bygdebas.core.models import Network
from bygdebas.plan.models import Action, Activity, Area, Plan


def _roles(write: bool) -> frozenset[str]:
    return WRITE_ROLES if write else READ_ROLES


def get_plan_for_user(user: Any, network: Network, year: int, *, write: bool = False) -> Plan:
    check_role(user, network, _roles(write))
    try:
        return Plan.objects.for_network(network).get(year=year)
    except Plan.DoesNotExist:
        raise Http404 from None


def get_area_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Area:
    check_role(user, network, _roles(write))
    try:
        return Area.objects.select_related("plan").get(plan__network=network, pk=pk)
    except Area.DoesNotExist:
        raise Http404 from None


def get_activity_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Activity:
    check_role(user, network, _roles(write))
    try:
        return Activity.objects.select_related("area__plan").for_network(network).get(pk=pk)
    except Activity.DoesNotExist:
        raise Http404 from None


def get_action_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Action:
    check_role(user, network, _roles(write))
    try:
        return Action.objects.select_related("municipality").for_network(network).get(pk=pk)
    except Action.DoesNotExist:
        raise Http404 from None
