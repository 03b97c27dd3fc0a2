"""Fetching prospects and their contact log: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from bygdebas.core.access import fetch
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network
from bygdebas.recruitment.models import Prospect, ProspectContact


def get_prospect_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Prospect:
    prospects = Prospect.objects.select_related(
        "municipality", "responsible", "organisation", "network"
    )
    return fetch(user, network, prospects, pk, write=write)


def get_contact_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> ProspectContact:
    contacts = ProspectContact.objects.select_related(
        "prospect__network", "prospect__municipality", "action"
    )
    return fetch(user, network, contacts, pk, write=write)
