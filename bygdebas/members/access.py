"""Who may see which organisation or person: contact persons (self-service) and staff (privacy pages).

A contact person is a user with the CONTACT role in the network who is the login of a person with a
CONTACT engagement in an organisation. Another network's row is 404; a staff member on the
self-service pages is 403 (they are not contacts); a contact asking for someone else's organisation
gets 404, so that the page does not even tell whether it exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from bygdebas.core.access import WRITE_ROLES, check_role, current_network
from bygdebas.core.models import Network, Role
from bygdebas.members.models import (
    Consent,
    Engagement,
    Organisation,
    OrganisationQuerySet,
    Person,
)


def is_contact(user: Any, network: Network) -> bool:
    return bool(user.is_authenticated and user.role_in(network) == Role.Kind.CONTACT)


def organisations_for_contact(user: Any, network: Network) -> OrganisationQuerySet:
    """The organisations ``user`` is a contact person of in ``network`` (none for staff)."""
    if not is_contact(user, network):
        return Organisation.objects.none()
    return (
        Organisation.objects.for_network(network)
        .filter(
            engagements__role=Engagement.Role.CONTACT,
            engagements__person__user=user,
            engagements__person__erased_at__isnull=True,
            engagements__person__network=network,
        )
        .distinct()
    )


def check_contact(request: HttpRequest) -> Network:
    """The network, or PermissionDenied unless the user is a contact person there."""
    network = current_network(request)
    if not is_contact(request.user, network):
        raise PermissionDenied
    return network


def get_contact_organisation(request: HttpRequest, pk: int) -> Organisation:
    """One of the requesting contact person's organisations: 404 for every other one."""
    network = current_network(request)
    if not Organisation.objects.for_network(network).filter(pk=pk).exists():
        raise Http404
    check_contact(request)
    try:
        return (
            organisations_for_contact(request.user, network)
            .select_related("municipality", "network")
            .get(pk=pk)
        )
    except Organisation.DoesNotExist:
        raise Http404 from None


def get_organisation_person(organisation: Organisation, pk: int) -> Person:
    """A (not erased) person with a role in ``organisation``; 404 otherwise."""
    try:
        return (
            Person.objects.for_network(organisation.network)
            .not_erased()
            .filter(engagements__organisation=organisation)
            .distinct()
            .get(pk=pk)
        )
    except Person.DoesNotExist:
        raise Http404 from None


def get_person_for_user(
    user: Any, network: Network, pk: int, *, roles: frozenset[str] = WRITE_ROLES
) -> Person:
    """A person of ``network`` for the staff privacy pages; 403 without one of ``roles``."""
    check_role(user, network, roles)
    try:
        return Person.objects.for_network(network).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None


def get_consent_for_user(user: Any, network: Network, pk: int) -> Consent:
    check_role(user, network, WRITE_ROLES)
    try:
        return Consent.objects.select_related("person").get(person__network=network, pk=pk)
    except Consent.DoesNotExist:
        raise Http404 from None
