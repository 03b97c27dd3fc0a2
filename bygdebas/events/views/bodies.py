"""Staff pages for the partnership and consultation bodies the network takes part in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.events.access import get_body_for_user, get_meeting_for_user
from bygdebas.events.forms_bodies import BodyForm, MeetingForm, YearForm
from bygdebas.events.models import BodyMeeting, PartnershipBody
from bygdebas.events.services import bodies as services


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


@role_required(READ_ROLES)
@require_GET
def body_list(request: NetworkRequest) -> HttpResponse:
    """The bodies with their meetings of the year, and every meeting attended that year."""
    network = request.network
    year = _year(request)
    attended = Q(meetings__is_attended=True)
    bodies = (
        PartnershipBody.objects.for_network(network)
        .select_related("municipality")
        .annotate(
            meeting_count=Count("meetings", filter=attended & Q(meetings__held_on__year=year)),
            last_met_on=Max("meetings__held_on", filter=attended),
        )
        .order_by("-is_active", "name", "pk")
    )
    meetings = (
        BodyMeeting.objects.for_network(network)
        .filter(held_on__year=year, is_attended=True)
        .select_related("body")
        .order_by("held_on", "body__name", "pk")
    )
    met_years = BodyMeeting.objects.for_network(network).dates("held_on", "year")
    years = sorted({d.year for d in met_years} | {timezone.localdate().year, year}, reverse=True)
    return render(
        request,
        "events/bodies/body_list.html",
        {"bodies": bodies, "meetings": meetings, "year": year, "years": years},
    )


def _body_form_page(
    request: NetworkRequest, *, body: PartnershipBody | None = None
) -> HttpResponse:
    network = request.network
    form = BodyForm(request.POST or None, network=network, instance=body)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_body(network=network, body=body, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The body was saved."))
            return redirect("events:body-detail", pk=saved.pk)
    return render(
        request,
        "events/bodies/body_form.html",
        {"form": form, "body": body},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def body_create(request: NetworkRequest) -> HttpResponse:
    return _body_form_page(request)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def body_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    body = get_body_for_user(request.user, request.network, pk, write=True)
    return _body_form_page(request, body=body)


@role_required(READ_ROLES)
@require_GET
def body_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    body = get_body_for_user(request.user, request.network, pk)
    meetings = body.meetings.select_related("action").order_by("-held_on", "-pk")
    return render(request, "events/bodies/body_detail.html", {"body": body, "meetings": meetings})


def _meeting_form_page(
    request: NetworkRequest, *, body: PartnershipBody, meeting: BodyMeeting | None = None
) -> HttpResponse:
    today = timezone.localdate()
    year = meeting.held_on.year if meeting else _year(request)
    initial = {} if meeting or year != today.year else {"held_on": today}
    form = MeetingForm(
        request.POST or None,
        body=body,
        year=year,
        instance=meeting or BodyMeeting(body=body),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_meeting(
                body=body,
                meeting=meeting,
                held_on=data["held_on"],
                is_attended=data["is_attended"],
                activities=list(data["activities"]),
                attended_by=data["attended_by"],
                notes=data["notes"],
                raised=data["raised"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("events:body-detail", pk=body.pk)
    return render(
        request,
        "events/bodies/meeting_form.html",
        {"form": form, "body": body, "meeting": meeting},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def meeting_create(request: NetworkRequest, pk: int) -> HttpResponse:
    body = get_body_for_user(request.user, request.network, pk, write=True)
    return _meeting_form_page(request, body=body)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, request.network, pk, write=True)
    return _meeting_form_page(request, body=meeting.body, meeting=meeting)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def meeting_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_meeting(meeting=meeting)
        messages.success(request, _("The meeting was deleted."))
        return redirect("events:body-detail", pk=meeting.body.pk)
    return render(request, "events/bodies/meeting_confirm_delete.html", {"meeting": meeting})
