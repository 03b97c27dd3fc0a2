"""Staff pages for events and their participants. Thin: parse, fetch through access, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.events import exports
from bygdebas.events.access import (
    get_attachment_for_user,
    get_event_for_user,
    get_registration_for_user,
)
from bygdebas.events.forms import (
    AttendanceForm,
    CancelEventForm,
    EventForm,
    MessageForm,
    OutcomeForm,
    QuestionFormSet,
    chosen_questions,
)
from bygdebas.events.models import Event
from bygdebas.events.services import registrations as services

PAGE_SIZE = 50


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@role_required(READ_ROLES)
@require_GET
def event_list(request: NetworkRequest) -> HttpResponse:
    is_past = request.GET.get("visa") == "tidigare"
    events = Event.objects.for_network(request.network).with_counts().select_related("municipality")
    now = timezone.now()
    if is_past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.upcoming(now).order_by("starts_at", "pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/staff/event_list.html",
        {"page": page, "is_past": is_past, "tab": "tidigare" if is_past else ""},
    )


def _event_form_page(request: NetworkRequest, *, event: Event | None = None) -> HttpResponse:
    network = request.network
    form = EventForm(request.POST or None, network=network, instance=event)
    questions = QuestionFormSet(
        request.POST or None,
        prefix="questions",
        initial=[{"label": q.label, "is_required": q.is_required} for q in event.questions.all()]
        if event
        else None,
    )
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        try:
            saved = services.save_event(
                network=network,
                data=form.event_data(),
                activities=list(form.cleaned_data["activities"]),
                questions=chosen_questions(questions),
                event=event,
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("events:staff-event-detail", pk=saved.pk)
    return render(
        request,
        "events/staff/event_form.html",
        {"form": form, "questions": questions, "event": event},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def event_create(request: NetworkRequest) -> HttpResponse:
    return _event_form_page(request)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def event_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, request.network, pk, write=True)
    return _event_form_page(request, event=event)


@role_required(READ_ROLES)
@require_GET
def event_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, request.network, pk)
    return render(
        request,
        "events/staff/event_detail.html",
        {
            "event": event,
            "participants": exports.participant_list(event),
            "activities": event.activities.select_related("area__plan"),
            "attachments": event.attachments.all(),
            "formats": exports.FORMATS,
        },
    )


@role_required(WRITE_ROLES)
@require_POST
def event_duplicate(request: NetworkRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, request.network, pk, write=True)
    copy = services.duplicate_event(event=event, user=request.user)
    messages.success(
        request, _("This is a draft copy of the event. Change the dates, then publish it.")
    )
    return redirect("events:staff-event-edit", pk=copy.pk)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def event_cancel(request: NetworkRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, request.network, pk, write=True)
    if event.is_cancelled:
        messages.info(request, _("The event is already cancelled."))
        return redirect("events:staff-event-detail", pk=event.pk)
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.cancel_event(
            event=event, message=form.cleaned_data["message"], base_url=_base_url(request)
        )
        messages.success(request, _("The event was cancelled and everyone registered was told."))
        return redirect("events:staff-event-detail", pk=event.pk)
    recipients = event.registrations.active().count()
    return render(
        request,
        "events/staff/event_cancel.html",
        {"event": event, "form": form, "recipients": recipients},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def event_message(request: NetworkRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, request.network, pk, write=True)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = services.message_participants(
            event=event,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            include_waiting=form.cleaned_data["include_waiting"],
            base_url=_base_url(request),
        )
        messages.success(
            request,
            ngettext(
                "The message was sent to %(n)s person.",
                "The message was sent to %(n)s people.",
                sent,
            )
            % {"n": sent},
        )
        return redirect("events:staff-event-detail", pk=event.pk)
    return render(
        request,
        "events/staff/event_message.html",
        {"event": event, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_POST
def event_attendance(request: NetworkRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, request.network, pk, write=True)
    form = AttendanceForm(request.POST, event=event)
    if form.is_valid():
        services.mark_attendance(event=event, attended_ids=set(form.cleaned_data["attended"]))
        messages.success(request, _("The attendance was saved."))
    else:
        messages.error(request, _("The list of participants has changed; mark attendance again."))
    return redirect("events:staff-event-detail", pk=event.pk)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def event_outcome(request: NetworkRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, request.network, pk, write=True)
    participants = exports.participant_list(event)
    initial = {
        "minutes": event.minutes,
        "participant_count": event.participant_count
        if event.participant_count is not None
        else participants.attended_count or None,
    }
    form = OutcomeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(
                event=event,
                minutes=form.cleaned_data["minutes"],
                participant_count=form.cleaned_data["participant_count"],
                attachments=form.cleaned_data["attachments"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if event.held_action_id:
                messages.success(
                    request, _("The outcome was saved and the action logged in the plan.")
                )
            else:
                messages.success(request, _("The outcome was saved."))
            return redirect("events:staff-event-detail", pk=event.pk)
    year = timezone.localtime(event.starts_at).year
    activities = event.activities.select_related("area__plan")
    return render(
        request,
        "events/staff/event_outcome.html",
        {
            "event": event,
            "form": form,
            "year": year,
            "plan_activities": [a for a in activities if a.area.plan.year == year],
            "attended_count": participants.attended_count,
            "attachments": event.attachments.all(),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(READ_ROLES)
@require_GET
def attachment_download(request: NetworkRequest, pk: int) -> FileResponse:
    attachment = get_attachment_for_user(request.user, request.network, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.filename)


@role_required(WRITE_ROLES)
@require_POST
def attachment_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request.user, request.network, pk, write=True)
    services.delete_attachment(attachment=attachment)
    messages.success(
        request, _("The attachment %(name)s was deleted.") % {"name": attachment.filename}
    )
    return redirect("events:staff-event-outcome", pk=attachment.event_id)


@role_required(READ_ROLES)
@require_GET
def participants_export(request: NetworkRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    event = get_event_for_user(request.user, request.network, pk)
    content = exports.render(event, fmt, base_url=_base_url(request))
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(event, fmt)}"'
    return response


@role_required(WRITE_ROLES)
@require_POST
def registration_promote(request: NetworkRequest, pk: int) -> HttpResponse:
    registration = get_registration_for_user(request.user, request.network, pk, write=True)
    try:
        services.promote(registration=registration, base_url=_base_url(request))
    except services.RegistrationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s was given a place and told.") % {"name": registration.name}
        )
    return redirect("events:staff-event-detail", pk=registration.event_id)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def registration_cancel(request: NetworkRequest, pk: int) -> HttpResponse:
    """GET asks (the person is told by mail and the place passes on); only POST cancels."""
    registration = get_registration_for_user(request.user, request.network, pk, write=True)
    if request.method == "GET":
        return render(
            request,
            "events/staff/registration_cancel.html",
            {"registration": registration, "event": registration.event},
        )
    if registration.is_active:
        services.cancel_registration(registration=registration, base_url=_base_url(request))
        messages.success(
            request,
            _("The registration of %(name)s was cancelled and they were told.")
            % {"name": registration.name},
        )
    return redirect("events:staff-event-detail", pk=registration.event_id)
