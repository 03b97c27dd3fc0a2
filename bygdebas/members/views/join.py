"""The public side of membership: the "become a member" form and the personal renewal link.

The renewal link shows a page on GET and confirms only on POST, because mail scanners follow
links. Both work without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import current_network
from bygdebas.core.forms import add_service_errors
from bygdebas.core.models import Network
from bygdebas.core.public_forms import rate_limited
from bygdebas.members.forms_membership import JoinForm, RenewalForm, consent_text
from bygdebas.members.models import Membership, Person
from bygdebas.members.services import membership as services
from bygdebas.members.tokens import TokenExpiredError, TokenInvalidError, read_renewal_token


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_http_methods(["GET", "POST"])
@rate_limited("join")
def join(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    form = JoinForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.apply_for_membership(
                network=network,
                organisation=form.organisation_data(),
                person=form.person_data(),
                message=form.cleaned_data["message"],
                consent_text=consent_text(network),
                base_url=_base_url(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you! We have received the application of %(organisation)s. "
                    "A confirmation is on its way to %(email)s."
                )
                % {"organisation": result.organisation.name, "email": result.person.email},
            )
            return redirect("members:join-done")
    return render(
        request,
        "members/join/join_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def join_done(request: HttpRequest) -> HttpResponse:
    current_network(request)
    return render(request, "members/join/join_done.html")


def _invalid_link(request: HttpRequest, *, is_expired: bool) -> HttpResponse:
    return render(
        request,
        "members/join/renewal_invalid.html",
        {"is_expired": is_expired},
        status=400 if is_expired else 404,
    )


def _renewal_from_token(network: Network, token: str) -> tuple[Membership, Person | None]:
    """The membership (and person) a link names; TokenInvalidError unless it is network's."""
    found = read_renewal_token(token, network=network)
    try:
        membership = (
            Membership.objects.for_network(network)
            .select_related("organisation__network", "organisation__municipality")
            .get(pk=found.membership_id)
        )
    except Membership.DoesNotExist:
        raise TokenInvalidError from None
    person = None
    if found.person_id is not None:
        person = (
            Person.objects.for_network(network)
            .not_erased()
            .filter(pk=found.person_id, engagements__organisation=membership.organisation)
            .distinct()
            .first()
        )
    return membership, person


@never_cache
@require_http_methods(["GET", "POST"])
def renewal(request: HttpRequest, token: str) -> HttpResponse:
    network = current_network(request)
    try:
        membership, person = _renewal_from_token(network, token)
    except TokenExpiredError:
        return _invalid_link(request, is_expired=True)
    except TokenInvalidError:
        return _invalid_link(request, is_expired=False)
    is_open = membership.status == Membership.Status.RENEWAL_REQUESTED
    form = None
    if is_open:
        form = RenewalForm(
            request.POST if request.method == "POST" else None,
            organisation=membership.organisation,
            person=person,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.confirm_renewal(
                    membership=membership,
                    person=person,
                    organisation_fields=form.organisation_data(),
                    person_fields=form.person_data(),
                    base_url=_base_url(request),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you! The membership of %(organisation)s for %(year)s is renewed.")
                    % {"organisation": membership.organisation.name, "year": membership.year},
                )
                return redirect("members:renewal", token=token)
    elif request.method == "POST":
        if membership.status == Membership.Status.ACTIVE:
            messages.info(request, _("The membership was already confirmed."))
        return redirect("members:renewal", token=token)
    return render(
        request,
        "members/join/renewal_confirm.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "person": person,
            "form": form,
            "is_open": is_open,
        },
        status=400 if form is not None and form.errors else 200,
    )
