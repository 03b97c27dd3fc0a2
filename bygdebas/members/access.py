"""Who may see which organisation, person or membership.

Staff pages fetch through ``get_<thing>_for_user(user, network, pk, *, write=False)``, one line
each over ``core.access.fetch``: another network's row is 404, a missing role 403.

The self-service pages are for contact persons: users with the CONTACT role in the network who are
the login of a person with a CONTACT engagement in an organisation. Another network's row is 404;
a staff member on the self-service pages is 403 (they are not contacts); a contact asking for
someone else's organisation gets 404, so that the page does not even tell whether it exists.

Other apps (newsletter, projects, conditions…) may use the self-service part as the members
registry's public service; members never imports them:

- ``contact_login_required``: a view decorator (anonymous visitors to the login page);
- ``check_contact(user, network)``: 403 unless the user is a contact person there;
- ``organisations_for_contact(user, network)``: the organisations a user is contact person of;
- ``is_contact_of(user, organisation)``: whether they are for this one;
- ``get_contact_organisation(user, network, pk)``: one of them, 404 for any other.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from bygdebas.core.access import (
    CONTACT_ROLES,
    WRITE_ROLES,
    StaffView,
    check_role,
    current_network,
    fetch,
    fetch_in_network,
    role_in,
)
from bygdebas.core.http import AnyUser, NetworkRequest
from bygdebas.core.models import Network, Role, User
from bygdebas.core.tenancy import network_q
from bygdebas.members.models import (
    Consent,
    Engagement,
    Membership,
    Organisation,
    OrganisationQuerySet,
    Person,
)

# Staff pages


def get_organisation_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Organisation:
    organisations = (
        Organisation.objects.select_related("municipality")
        # The municipality's boundary is a big GeoJSON, never shown on these pages.
        .defer("municipality__boundary")
    )
    return fetch(user, network, organisations, pk, write=write)


def get_registry_person_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Person:
    """A person for the registry pages; erased people are gone for editing."""
    people = Person.objects.not_erased() if write else Person.objects.all()
    return fetch(user, network, people, pk, write=write)


def get_engagement_for_user(user: AnyUser, network: Network, pk: int) -> Engagement:
    engagements = Engagement.objects.select_related("person", "organisation")
    return fetch(user, network, engagements, pk, write=True)


def get_membership_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Membership:
    memberships = Membership.objects.select_related(
        "organisation__network", "organisation__municipality", "decided_by"
    )
    return fetch(user, network, memberships, pk, write=write)


def get_person_for_user(
    user: AnyUser, network: Network, pk: int, *, roles: frozenset[str] = WRITE_ROLES
) -> Person:
    """A person of ``network`` for the staff privacy pages; 403 without one of ``roles``."""
    return fetch(user, network, Person, pk, roles=roles)


def get_consent_for_user(user: AnyUser, network: Network, pk: int) -> Consent:
    return fetch(user, network, Consent.objects.select_related("person"), pk, write=True)


# Self-service pages


def contact_login_required[**P](
    view: StaffView[P],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Anonymous visitors go to the login page; the view itself checks the contact role.

    Like ``role_required``, the view gets a ``NetworkRequest``.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        current_network(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(cast(NetworkRequest, request), *args, **kwargs)

    return wrapper


def is_contact(user: AnyUser, network: Network) -> bool:
    return role_in(user, network) == Role.Kind.CONTACT


def organisations_for_contact(user: AnyUser, network: Network) -> OrganisationQuerySet:
    """The organisations ``user`` is a contact person of in ``network`` (none for staff)."""
    if not isinstance(user, User) or not is_contact(user, network):
        return Organisation.objects.none()
    return (
        Organisation.objects.for_network(network)
        .filter(
            network_q(Person, network, via="engagements__person"),
            engagements__role=Engagement.Role.CONTACT,
            engagements__person__user=user,
            engagements__person__erased_at__isnull=True,
        )
        .distinct()
    )


def is_contact_of(user: AnyUser, organisation: Organisation) -> bool:
    """Whether ``user`` is a contact person of ``organisation`` (in the organisation's network).

    The check other apps use before showing or accepting what a contact person does for an
    organisation (a good example, a preparedness profile); one query.
    """
    return organisations_for_contact(user, organisation.network).filter(pk=organisation.pk).exists()


def check_contact(user: AnyUser, network: Network) -> None:
    """PermissionDenied unless ``user`` is a contact person in ``network``."""
    check_role(user, network, CONTACT_ROLES)


def get_contact_organisation(user: AnyUser, network: Network, pk: int) -> Organisation:
    """One of the contact person's organisations: 404 for every other one.

    Another network's row is 404 before the role is checked, so that staff get 403 only for
    their own network's organisations.
    """
    if not Organisation.objects.for_network(network).filter(pk=pk).exists():
        raise Http404
    check_contact(user, network)
    organisations = organisations_for_contact(user, network).select_related(
        "municipality", "network"
    )
    return fetch_in_network(network, organisations, pk)


def get_organisation_person(organisation: Organisation, pk: int) -> Person:
    """A (not erased) person with a role in ``organisation``; 404 otherwise."""
    people = Person.objects.not_erased().filter(engagements__organisation=organisation).distinct()
    return fetch_in_network(organisation.network, people, pk)
