"""Rows other apps keep that stand for a member organisation, so that its page can show the plan
actions logged about them, without the members app importing those apps.

An app whose rows become or stand for an organisation registers, in its ``AppConfig.ready()``::

    from bygdebas.members.organisation_sources import register_organisation_sources

    register_organisation_sources("recruitment.prospects", sources=prospects_of_organisation)

``sources(organisation)`` returns a queryset of the app's rows that stand for ``organisation``
(recruitment: the prospect it was recruited as). The organisation's page lists the actions logged
about the organisation itself and about each of those rows (``plan.services.log_action(...,
source=row)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from bygdebas.members.models import Organisation
from bygdebas.plan.models import Action, ActionQuerySet

if TYPE_CHECKING:
    from bygdebas.core.models import Network

OrganisationSources = Callable[[Organisation], QuerySet[Any]]

_sources: dict[str, OrganisationSources] = {}


def register_organisation_sources(key: str, *, sources: OrganisationSources) -> None:
    _sources[key] = sources


def _about(model: type[Any], ids: list[str]) -> Q:
    return Q(source_type=ContentType.objects.get_for_model(model), source_id__in=ids)


def organisation_actions(network: Network, organisation: Organisation) -> ActionQuerySet:
    """Plan actions logged about ``organisation`` or about a row that stands for it."""
    condition = Q(
        source_type=ContentType.objects.get_for_model(Organisation),
        source_id=str(organisation.pk),
    )
    for key in sorted(_sources):
        rows = _sources[key](organisation)
        ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
        if ids:
            condition |= _about(rows.model, ids)
    return Action.objects.for_network(network).filter(condition).order_by("-performed_on", "-pk")
