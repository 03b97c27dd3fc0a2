"""Fetching prospects and their contact log: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, check_role
from bygdebas.core.models import Network
from bygdebas.recruitment.models import Prospect, ProspectContact


def get_prospect_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Prospect:
    check_role(user, network, WRITE_ROLES if write else READ_ROLES)
    try:
        return (
            Prospect.objects.for_network(network)
            .select_related("municipality", "responsible", "organisation", "network")
            .get(pk=pk)
        )
    except Prospect.DoesNotExist:
        raise Http404 from None


def get_contact_for_user(
    user: Any, network: Network, pk: int, *, write: bool = False
) -> ProspectContact:
    check_role(user, network, WRITE_ROLES if write else READ_ROLES)
    try:
        return ProspectContact.objects.select_related(
            "prospect__network", "prospect__municipality", "action"
        ).get(prospect__network=network, pk=pk)
    except ProspectContact.DoesNotExist:
        raise Http404 from None
