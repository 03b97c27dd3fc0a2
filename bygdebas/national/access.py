"""Who may read the national overview, and which plans a network may copy."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from bygdebas.core.access import WRITE_ROLES, check_role
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network, User
from bygdebas.core.tenancy import network_q
from bygdebas.national.models import NationalRole
from bygdebas.plan.models import Plan


def has_national_role(user: AnyUser | None) -> bool:
    return (
        isinstance(user, User)
        and user.is_authenticated
        and NationalRole.objects.filter(user=user).exists()
    )


def national_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors go to the login page; users without the national role get 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_national_role(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def copyable_plans(network: Network) -> Any:
    """Other networks' adopted plans, which ``network`` may copy as the start of its own."""
    return (
        Plan.objects.filter(approved_on__isnull=False)
        .exclude(network_q(Plan, network))
        .select_related("network")
        .order_by("network__name", "-year")
    )


def get_copyable_plan_for_user(user: AnyUser, network: Network, pk: int) -> Plan:
    """Another network's adopted plan, for a user who may write ``network``'s plans; 404 for
    the network's own plans, drafts and missing ones."""
    check_role(user, network, WRITE_ROLES)
    try:
        return copyable_plans(network).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404 from None
