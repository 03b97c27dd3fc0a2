"""Staff pages of the outreach pipeline. Thin: parse, fetch through access, call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.rows import attach
from bygdebas.recruitment import services
from bygdebas.recruitment.access import get_contact_for_user, get_prospect_for_user
from bygdebas.recruitment.forms import (
    ContactForm,
    ConvertForm,
    MoveForm,
    ProspectFilterForm,
    ProspectForm,
)
from bygdebas.recruitment.models import OPEN_STATUSES, Prospect, ProspectContact, Status

PAGE_SIZE = 50
# The board shows every open prospect, and the latest of those that ended (the list has the rest).
CLOSED_ON_BOARD = 20


def _prospects(request: NetworkRequest) -> Any:
    return Prospect.objects.for_network(request.network).select_related(
        "municipality", "responsible"
    )


def _with_moves(prospects: list[Prospect]) -> list[Prospect]:
    labels = dict(Status.choices)
    for prospect in prospects:
        attach(
            prospect,
            moves=[(status, labels[status]) for status in services.allowed_moves(prospect)],
        )
    return prospects


@role_required(READ_ROLES)
@require_GET
def board(request: NetworkRequest) -> HttpResponse:
    """The pipeline by status: a section per status, a card per prospect."""
    network = request.network
    today = timezone.localdate()
    filters = ProspectFilterForm(request.GET or None, network=network, with_status=False)
    prospects = filters.filter(_prospects(request), today)
    columns: dict[str, list[Prospect]] = {status: [] for status in Status.values}
    for prospect in prospects.open().order_by("next_step_on", "name", "pk"):
        columns[prospect.status].append(prospect)
    counts = dict(
        prospects.exclude(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for status in (Status.MEMBER, Status.DECLINED):
        columns[status] = list(
            prospects.filter(status=status).order_by("-updated_at", "-pk")[:CLOSED_ON_BOARD]
        )
    sections = [
        {
            "status": status,
            "label": label,
            "prospects": _with_moves(columns[status]),
            "total": counts.get(status, len(columns[status])),
        }
        for status, label in Status.choices
    ]
    return render(
        request,
        "recruitment/board.html",
        {
            "sections": sections,
            "filters": filters,
            "today": today,
            "query": request.GET.urlencode(),
        },
    )


@role_required(READ_ROLES)
@require_GET
def prospect_list(request: NetworkRequest) -> HttpResponse:
    network = request.network
    today = timezone.localdate()
    filters = ProspectFilterForm(request.GET or None, network=network)
    prospects = filters.filter(_prospects(request), today).order_by("name", "pk")
    page = Paginator(prospects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recruitment/prospect_list.html",
        {"page": page, "filters": filters, "today": today, "query": query.urlencode()},
    )


def _prospect_form_page(
    request: NetworkRequest, *, prospect: Prospect | None = None
) -> HttpResponse:
    network = request.network
    form = ProspectForm(request.POST or None, network=network, instance=prospect)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_prospect(
                network=network,
                actor=request.user,
                prospect=prospect,
                **{name: form.cleaned_data[name] for name in ProspectForm.Meta.fields},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The prospect was saved."))
            return redirect("recruitment:prospect-detail", pk=saved.pk)
    return render(
        request,
        "recruitment/prospect_form.html",
        {"form": form, "prospect": prospect},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def prospect_create(request: NetworkRequest) -> HttpResponse:
    return _prospect_form_page(request)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def prospect_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    prospect = get_prospect_for_user(request.user, request.network, pk, write=True)
    return _prospect_form_page(request, prospect=prospect)


@role_required(READ_ROLES)
@require_GET
def prospect_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    prospect = get_prospect_for_user(request.user, request.network, pk)
    contacts = prospect.contacts.select_related("action", "created_by")
    return render(
        request,
        "recruitment/prospect_detail.html",
        {
            "prospect": prospect,
            "contacts": contacts,
            "move_form": MoveForm(prospect=prospect),
            "today": timezone.localdate(),
        },
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def prospect_move(request: NetworkRequest, pk: int) -> HttpResponse:
    """Move a prospect on the board; the page is where a reason is asked for, without script."""
    prospect = get_prospect_for_user(request.user, request.network, pk, write=True)
    form = MoveForm(request.POST or None, prospect=prospect)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_prospect(
                prospect=prospect,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was moved to “%(status)s”.")
                % {"name": prospect.name, "status": prospect.get_status_display()},
            )
            if request.POST.get("back") == "board":
                return redirect("recruitment:board")
            return redirect("recruitment:prospect-detail", pk=prospect.pk)
    return render(
        request,
        "recruitment/prospect_move.html",
        {"form": form, "prospect": prospect},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def prospect_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    prospect = get_prospect_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_prospect(prospect=prospect, actor=request.user)
        messages.success(request, _("The prospect was deleted."))
        return redirect("recruitment:board")
    logged = prospect.contacts.filter(action__isnull=False).count() + (
        1 if prospect.member_action_id else 0
    )
    return render(
        request,
        "recruitment/prospect_confirm_delete.html",
        {"prospect": prospect, "logged": logged},
    )


def _contact_form_page(
    request: NetworkRequest, *, prospect: Prospect, contact: ProspectContact | None = None
) -> HttpResponse:
    form = ContactForm(request.POST or None, prospect=prospect, contact=contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_contact(
                prospect=prospect,
                contact=contact,
                kind=data["kind"],
                happened_on=data["happened_on"],
                text=data["text"],
                participants=data["participants"],
                activities=list(data["activities"]),
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact log was saved."))
            return redirect("recruitment:prospect-detail", pk=prospect.pk)
    return render(
        request,
        "recruitment/contact_form.html",
        {"form": form, "prospect": prospect, "contact": contact},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def contact_create(request: NetworkRequest, pk: int) -> HttpResponse:
    prospect = get_prospect_for_user(request.user, request.network, pk, write=True)
    return _contact_form_page(request, prospect=prospect)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def contact_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, request.network, pk, write=True)
    if contact.kind == ProspectContact.Kind.STATUS:
        messages.info(request, _("A status change is not edited; move the prospect instead."))
        return redirect("recruitment:prospect-detail", pk=contact.prospect_id)
    return _contact_form_page(request, prospect=contact.prospect, contact=contact)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def contact_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_contact(contact=contact)
        messages.success(request, _("The entry was deleted from the contact log."))
        return redirect("recruitment:prospect-detail", pk=contact.prospect_id)
    return render(request, "recruitment/contact_confirm_delete.html", {"contact": contact})


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def prospect_convert(request: NetworkRequest, pk: int) -> HttpResponse:
    """Make the prospect a member organisation in the registry."""
    prospect = get_prospect_for_user(request.user, request.network, pk, write=True)
    if prospect.status == Status.MEMBER:
        messages.info(request, _("%(name)s is already a member.") % {"name": prospect.name})
        return redirect("recruitment:prospect-detail", pk=prospect.pk)
    form = ConvertForm(request.POST or None, prospect=prospect)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.convert_prospect(
                prospect=prospect,
                actor=request.user,
                activities=list(data["activities"]),
                converted_on=data["converted_on"],
                membership_status=data["membership_status"],
                organisation=data["organisation"],
                kind=data["kind"],
                is_youth_led=data["is_youth_led"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now a member organisation in the registry.")
                % {"name": organisation.name},
            )
            return redirect("recruitment:prospect-detail", pk=prospect.pk)
    return render(
        request,
        "recruitment/prospect_convert.html",
        {"form": form, "prospect": prospect},
        status=400 if request.method == "POST" else 200,
    )
