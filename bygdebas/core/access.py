"""Who may do what. Every staff view goes through ``role_required`` and fetches through ``fetch``.

The role sets are defined here once. ``fetch`` is the one way a view gets a row: it checks the
user's role in the network (403 without one of the roles), then looks the row up among the
network's rows only (404 for another network's row or a missing one). Each app's ``access.py``
keeps one ``get_<thing>_for_user(user, network, pk, *, write=False)`` per object type, written
over ``fetch``::

    def get_area_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Area:
        return fetch(user, network, Area.objects.select_related("plan"), pk, write=write)

``fetch_in_network`` is the same lookup without a role check, for rows whose credential is
something else (a public page, a signed link); the caller decides who may see them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from bygdebas.core.http import AnyUser, NetworkRequest
from bygdebas.core.models import Network, Role, User
from bygdebas.core.tenancy import NetworkQuerySet

ADMIN_ROLES = frozenset({Role.Kind.ADMIN})
WRITE_ROLES = frozenset({Role.Kind.ADMIN, Role.Kind.STAFF})
READ_ROLES = frozenset({Role.Kind.ADMIN, Role.Kind.STAFF, Role.Kind.BOARD})
APPROVE_ROLES = frozenset({Role.Kind.ADMIN, Role.Kind.BOARD})
CONTACT_ROLES = frozenset({Role.Kind.CONTACT})

# A view behind role_required: called with a NetworkRequest, then the URL's arguments.
type StaffView[**P] = Callable[Concatenate[NetworkRequest, P], HttpResponseBase]


def current_network(request: HttpRequest) -> Network:
    """The network served on the request's host; 404 on a host that serves none."""
    network = getattr(request, "network", None)
    if network is None:
        raise Http404("No network is served on this host name.")
    return cast(Network, network)


def role_in(user: AnyUser | None, network: Network) -> str | None:
    """The user's role in ``network``; None for anonymous visitors and users without one."""
    if isinstance(user, User) and user.is_authenticated:
        return user.role_in(network)
    return None


def check_role(user: AnyUser | None, network: Network, roles: frozenset[str]) -> str:
    """The user's role in ``network``; PermissionDenied unless it is one of ``roles``."""
    role = role_in(user, network)
    if role is None or role not in roles:
        raise PermissionDenied
    return role


def role_required[**P](
    roles: frozenset[str],
) -> Callable[[StaffView[P]], Callable[Concatenate[HttpRequest, P], HttpResponseBase]]:
    """Anonymous users go to the login page, users without one of ``roles`` get 403.

    The view is called with a ``NetworkRequest``: ``request.network`` is the host's network and
    ``request.user`` a logged-in ``User``.
    """

    def decorator(
        view: StaffView[P],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            network = current_network(request)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_role(request.user, network, roles)
            return view(cast(NetworkRequest, request), *args, **kwargs)

        return wrapper

    return decorator


def _queryset[M: models.Model](source: type[M] | NetworkQuerySet[M]) -> NetworkQuerySet[M]:
    if isinstance(source, NetworkQuerySet):
        return source
    queryset: Any = source._default_manager.all()
    if not isinstance(queryset, NetworkQuerySet):
        raise TypeError(f"{source.__name__} is not network-owned: give it a NetworkQuerySet.")
    return queryset


def fetch_in_network[M: models.Model](
    network: Network, source: type[M] | NetworkQuerySet[M], pk: Any = None, /, **lookup: Any
) -> M:
    """The row of ``network`` that ``pk`` (or ``lookup``) names; 404 if ``network`` has none."""
    queryset = _queryset(source)
    if pk is not None:
        lookup["pk"] = pk
    try:
        return queryset.for_network(network).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def fetch[M: models.Model](
    user: AnyUser | None,
    network: Network,
    source: type[M] | NetworkQuerySet[M],
    pk: Any = None,
    /,
    *,
    write: bool = False,
    roles: frozenset[str] | None = None,
    **lookup: Any,
) -> M:
    """One row of ``network`` for ``user``: 403 without the role, 404 for another network's row.

    ``source`` is the model or a queryset of it (for ``select_related`` and the like). The role
    needed is ``roles`` when given, otherwise WRITE_ROLES with ``write=True`` and READ_ROLES
    without. The role is checked first, so that a missing role never learns whether a row exists.
    """
    if roles is None:
        roles = WRITE_ROLES if write else READ_ROLES
    check_role(user, network, roles)
    return fetch_in_network(network, source, pk, **lookup)


def get_role_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Role:
    """A role (a person's access) in ``network``; only administrators see or change them."""
    return fetch(user, network, Role.objects.select_related("user"), pk, roles=ADMIN_ROLES)
