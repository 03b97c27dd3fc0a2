"""Writes of the national app."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from bygdebas.core.models import Network, User
from bygdebas.national.models import AreaMapping, NationalRole
from bygdebas.plan import services as plan_services
from bygdebas.plan.models import Area, Plan


def grant_national_role(*, user: User) -> NationalRole:
    """Give ``user`` the national role (idempotent)."""
    role, _ = NationalRole.objects.get_or_create(user=user)
    return role


def revoke_national_role(*, user: User) -> int:
    return NationalRole.objects.filter(user=user).delete()[0]


@transaction.atomic
def save_area_mappings(*, network: Network, choices: Mapping[int, str]) -> int:
    """Store the network's choice of shared area for each of its plan areas (by area id)."""
    areas = {area.pk: area for area in Area.objects.for_network(network).filter(pk__in=choices)}
    for pk, shared_area in choices.items():
        area = areas[pk]  # the view only offers the network's own areas
        AreaMapping.objects.update_or_create(area=area, defaults={"shared_area": shared_area})
    return len(areas)


def copy_plan_from(*, source: Plan, network: Network, year: int) -> Plan:
    """Start ``network``'s plan for ``year`` as a copy of another network's adopted plan."""
    return plan_services.copy_plan(plan=source, year=year, network=network)
