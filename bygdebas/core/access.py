"""Who may do what. Every staff view goes through one of these."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from bygdebas.core.models import Network, Role

ADMIN_ROLES = frozenset({Role.Kind.ADMIN})
WRITE_ROLES = frozenset({Role.Kind.ADMIN, Role.Kind.STAFF})
READ_ROLES = frozenset({Role.Kind.ADMIN, Role.Kind.STAFF, Role.Kind.BOARD})
APPROVE_ROLES = frozenset({Role.Kind.ADMIN, Role.Kind.BOARD})

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def current_network(request: HttpRequest) -> Network:
    network = getattr(request, "network", None)
    if network is None:
        raise Http404("No network is served on this host name.")
    return network


def check_role(user: Any, network: Network, roles: frozenset[str]) -> str:
    """The user's role in ``network``; PermissionDenied unless it is one of ``roles``."""
    role = user.role_in(network) if user.is_authenticated else None
    if role not in roles:
        raise PermissionDenied
    return role


def role_required(roles: frozenset[str]) -> Callable[[View], View]:
    """Anonymous users go to the login page, users without one of ``roles`` get 403."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            network = current_network(request)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_role(request.user, network, roles)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def get_role_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Role:
    """A role (a person's access) in ``network``; only administrators see or change them."""
    check_role(user, network, ADMIN_ROLES)
    try:
        return Role.objects.select_related("user").get(network=network, pk=pk)
    except Role.DoesNotExist:
        raise Http404 from None
