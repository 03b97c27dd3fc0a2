"""Staff pages for memberships: the year's list, decisions on applications, edits, the renewal.

Thin: parse a form, fetch through ``members.access.get_membership_for_user``, call one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.members.access import get_membership_for_user
from bygdebas.members.forms_membership import (
    DeclineForm,
    MembershipFilterForm,
    MembershipForm,
    RegisterMembershipForm,
    RenewalYearForm,
)
from bygdebas.members.models import Membership, Organisation, current_year
from bygdebas.members.services import membership as services

PAGE_SIZE = 50


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _list_url(membership: Membership) -> str:
    return reverse("members:membership-list") + f"?ar={membership.year}"


@role_required(READ_ROLES)
@require_GET
def membership_list(request: NetworkRequest) -> HttpResponse:
    network = request.network
    form = MembershipFilterForm(request.GET or None)
    year, status = current_year(), ""
    if form.is_valid():
        year = form.cleaned_data["ar"] or year
        status = form.cleaned_data["status"]
    memberships = Membership.objects.for_network(network).filter(year=year)
    counts = dict(memberships.order_by().values_list("status").annotate(n=Count("pk")))
    if status:
        memberships = memberships.filter(status=status)
    # Applications waiting for a decision come first.
    memberships = (
        memberships.select_related("organisation__municipality")
        .annotate(
            is_waiting=Case(
                When(status=Membership.Status.APPLIED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_waiting", "organisation__name", "pk")
    )
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/membership/membership_list.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "status": status,
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in Membership.Status.choices
            ],
            "total": sum(counts.values()),
            "years": [year - 1, year + 1],
        },
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def membership_create(request: NetworkRequest) -> HttpResponse:
    network = request.network
    initial: dict[str, Any] = {"year": current_year(), "status": Membership.Status.ACTIVE}
    organisation_pk = request.GET.get("organisation", "")
    if organisation_pk.isdigit():
        initial["organisation"] = (
            Organisation.objects.for_network(network).filter(pk=organisation_pk).first()
        )
    form = RegisterMembershipForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.register_membership(
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s is registered for %(year)s.")
                % {"organisation": membership.organisation.name, "year": membership.year},
            )
            return redirect(_list_url(membership))
    return render(
        request,
        "members/membership/membership_create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def membership_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    network = request.network
    membership = get_membership_for_user(request.user, network, pk, write=True)
    form = MembershipForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(
                membership=membership,
                actor=request.user,
                base_url=_base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The membership was saved."))
            return redirect(_list_url(membership))
    return render(
        request,
        "members/membership/membership_edit.html",
        {
            "form": form,
            "membership": membership,
            "organisation": membership.organisation,
            "contacts": services.contact_recipients(membership.organisation),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_POST
def membership_approve(request: NetworkRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, request.network, pk, write=True)
    try:
        services.approve_application(
            membership=membership,
            actor=request.user,
            base_url=_base_url(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(organisation)s is now a member for %(year)s. A welcome mail is on its way.")
            % {"organisation": membership.organisation.name, "year": membership.year},
        )
    return redirect(_list_url(membership))


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def membership_decline(request: NetworkRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, request.network, pk, write=True)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_application(
                membership=membership,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The application of %(organisation)s was declined; the applicant is told.")
                % {"organisation": membership.organisation.name},
            )
        return redirect(_list_url(membership))
    return render(
        request,
        "members/membership/membership_decline.html",
        {"form": form, "membership": membership, "organisation": membership.organisation},
        status=400 if request.method == "POST" else 200,
    )


def _default_renewal_year() -> int:
    """The renewal staff most likely work on: next year's from July, this year's before."""
    today = timezone.localdate()
    return today.year + 1 if today.month >= 7 else today.year


@role_required(READ_ROLES)
@require_GET
def membership_renewal(request: NetworkRequest) -> HttpResponse:
    network = request.network
    raw = request.GET.get("ar", "")
    year = int(raw) if raw.isdigit() and 1901 <= int(raw) <= 2999 else _default_renewal_year()
    overview = services.renewal_overview(network, year)
    return render(
        request,
        "members/membership/membership_renewal.html",
        {
            "overview": overview,
            "year": year,
            "form": RenewalYearForm(initial={"year": year}),
            "reminder_days": services.reminder_days(),
            "lapse_days": services.lapse_days(),
        },
    )


@role_required(WRITE_ROLES)
@require_POST
def membership_renewal_send(request: NetworkRequest) -> HttpResponse:
    network = request.network
    form = RenewalYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the year to renew for."))
        return redirect("members:membership-renewal")
    year = form.cleaned_data["year"]
    result = services.send_renewal_requests(
        network=network,
        year=year,
        actor=request.user,
        base_url=_base_url(request),
    )
    if result.organisations:
        messages.success(
            request,
            ngettext(
                "A renewal request for %(year)s was sent to %(count)d organisation.",
                "Renewal requests for %(year)s were sent to %(count)d organisations.",
                result.organisations,
            )
            % {"year": year, "count": result.organisations},
        )
    else:
        messages.info(request, _("Every member organisation already has its request."))
    if result.without_address:
        messages.warning(
            request,
            _("These have no contact address, so no mail went out: %(names)s.")
            % {"names": ", ".join(result.without_address)},
        )
    return redirect(reverse("members:membership-renewal") + f"?ar={year}")
