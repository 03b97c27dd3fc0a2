"""Typed requests: what the middleware and the access decorators guarantee a view.

``NetworkMiddleware`` sets ``request.network`` on every request (``None`` on a host that serves
no network). A view behind ``core.access.role_required`` (or members' ``contact_login_required``)
is only called for a logged-in user on a host with a network, so it is annotated::

    @role_required(READ_ROLES)
    @require_GET
    def plan_list(request: NetworkRequest) -> HttpResponse:
        plans = Plan.objects.for_network(request.network)
        ...
        services.do_something(user=request.user)  # a User, not User | AnonymousUser

A public view (no login needed) takes a ``PublicRequest`` and resolves the network with
``core.access.current_network(request)``, which answers 404 on a host without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bygdebas.core.models import Network, User

# Whoever is behind a request: a logged-in user or an anonymous visitor.
type AnyUser = User | AnonymousUser


class PublicRequest(HttpRequest):
    """Any request, as the middleware leaves it: maybe a network, maybe a logged-in user."""

    network: Network | None
    user: AnyUser


class NetworkRequest(HttpRequest):
    """A request to a page behind a login check: the host's network and a logged-in user."""

    network: Network
    user: User
