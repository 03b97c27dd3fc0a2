"""Fetching the knowledge bank's rows: 404 for other networks' rows, 403 for a missing role.

Public and self-service reads: ``get_published_example`` (anyone, published only) and
``get_own_example`` (a contact person's own submissions only; anyone else's is 404).
"""

from __future__ import annotations

from django.http import Http404

from bygdebas.core.access import fetch, fetch_in_network
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network
from bygdebas.members.access import check_contact
from bygdebas.projects.models import (
    Advice,
    Example,
    FundingCall,
    Project,
    ProjectAttachment,
    ProjectFunding,
)


def get_project_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Project:
    return fetch(user, network, Project.objects.select_related("municipality"), pk, write=write)


def get_funding_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> ProjectFunding:
    return fetch(user, network, ProjectFunding.objects.select_related("project"), pk, write=write)


def get_attachment_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> ProjectAttachment:
    rows = ProjectAttachment.objects.select_related("project")
    return fetch(user, network, rows, pk, write=write)


def get_advice_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Advice:
    rows = Advice.objects.select_related("organisation", "project", "given_by", "action")
    return fetch(user, network, rows, pk, write=write)


def get_call_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> FundingCall:
    return fetch(user, network, FundingCall, pk, write=write)


def get_example_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Example:
    rows = Example.objects.select_related("photo", "municipality", "project", "publish_action")
    return fetch(user, network, rows, pk, write=write)


def get_published_example(network: Network, pk: int) -> Example:
    rows = Example.objects.published().select_related("photo", "municipality", "project")
    return fetch_in_network(network, rows, pk)


def get_own_example(user: AnyUser, network: Network, pk: int) -> Example:
    """One of the contact person's own submissions (403 for a non-contact, 404 for others')."""
    if not Example.objects.for_network(network).filter(pk=pk).exists():
        raise Http404
    check_contact(user, network)
    rows = Example.objects.submitted_by_user(user).select_related("photo", "municipality")
    return fetch_in_network(network, rows, pk)
