"""Fetching the app's rows: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from bygdebas.conditions.models import Alert, AlertRecipient, Dossier, Report
from bygdebas.core.access import WRITE_ROLES, fetch, fetch_in_network
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network


def get_report_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Report:
    """A confirmed report, for staff (hidden and merged ones too)."""
    reports = (
        Report.objects.confirmed()
        .select_related("municipality", "network", "duplicate_of")
        .defer("municipality__boundary")
    )
    return fetch(user, network, reports, pk, write=write)


def get_public_report(network: Network, pk: int) -> Report:
    """A published report; 404 for an unconfirmed, held, hidden or another network's one."""
    reports = (
        Report.objects.published()
        .select_related("municipality", "network")
        .defer("municipality__boundary")
    )
    return fetch_in_network(network, reports, pk)


def get_dossier_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Dossier:
    return fetch(
        user, network, Dossier.objects.select_related("municipality", "action"), pk, write=write
    )


def get_alert_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Alert:
    # Alerts carry the contact chains' names: staff only, also to read.
    return fetch(user, network, Alert, pk, roles=WRITE_ROLES)


def get_recipient_for_user(user: AnyUser, network: Network, pk: int) -> AlertRecipient:
    return fetch(
        user, network, AlertRecipient.objects.select_related("alert"), pk, roles=WRITE_ROLES
    )
