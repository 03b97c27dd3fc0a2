"""Fetching plan rows for a user: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from bygdebas.core.access import fetch
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network
from bygdebas.plan.models import Action, Activity, Area, Plan


def get_plan_for_user(user: AnyUser, network: Network, year: int, *, write: bool = False) -> Plan:
    return fetch(user, network, Plan, write=write, year=year)


def get_area_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Area:
    return fetch(user, network, Area.objects.select_related("plan"), pk, write=write)


def get_activity_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Activity:
    return fetch(user, network, Activity.objects.select_related("area__plan"), pk, write=write)


def get_action_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Action:
    return fetch(user, network, Action.objects.select_related("municipality"), pk, write=write)
