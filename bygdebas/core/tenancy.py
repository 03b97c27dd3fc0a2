"""Tenancy: the one place that knows how a row belongs to a network.

Every domain row belongs to one network (the tenant), directly through a ``network`` foreign key
or through its parents (a membership through its organisation, a registration through its event).
A network-owned model gets its manager from ``NetworkQuerySet`` (or a subclass) and, when it
reaches its network through a parent, declares the path once::

    class Membership(models.Model):
        network_path = "organisation__network"   # omitted when the model has ``network`` itself
        objects = MembershipQuerySet.as_manager()  # MembershipQuerySet(NetworkQuerySet["Membership"])

    class Area(models.Model):                        # no QuerySet methods of its own
        network_path = "plan__network"
        objects = NetworkQuerySet.as_manager()

    Membership.objects.for_network(network).filter(year=2025)

Nothing outside this module filters by network by hand (``network=``, ``event__network=``…);
``core/tests/test_tenancy_walk.py`` walks the code and fails on such a filter. Where a query needs
the condition on related rows (an annotation's ``filter=``, the users with a role in a network),
``network_q`` builds it from the related model's declared path. Fetching one row for a user, with
the role check and the 404 for other networks' rows, is ``core.access.fetch``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from bygdebas.core.models import Network

DIRECT = "network"

_M = TypeVar("_M", bound=models.Model, covariant=True)


def network_path(model: type[models.Model]) -> str:
    """The lookup from ``model`` to its network: ``network`` or the model's ``network_path``."""
    return str(getattr(model, "network_path", DIRECT))


def network_q(model: type[models.Model], network: Network | int, *, via: str = "") -> Q:
    """The condition that rows of ``model`` belong to ``network``.

    ``via`` is the lookup from the model being queried to ``model``'s rows, for conditions on
    related rows: ``network_q(Action, network, via="actions")`` on activities is
    ``Q(actions__network=network)``.
    """
    path = network_path(model)
    return Q(**{f"{via}__{path}" if via else path: network})


def network_id_of(obj: models.Model) -> int:
    """The id of the network ``obj`` belongs to, following its model's declared path."""
    *parents, last = network_path(type(obj)).split("__")
    target: Any = obj
    for name in parents:
        target = getattr(target, name)
    return int(getattr(target, f"{last}_id"))


class NetworkQuerySet(models.QuerySet[_M, _M]):
    """The base QuerySet of every network-owned model; app QuerySets subclass it."""

    def for_network(self, network: Network | int) -> Self:
        """The rows of ``network`` (a Network or its id)."""
        return self.filter(network_q(self.model, network))


def is_network_owned(model: type[models.Model]) -> bool:
    """Whether ``model``'s default manager reads through ``NetworkQuerySet``."""
    manager: Any = model._default_manager
    return isinstance(manager.all(), NetworkQuerySet)
