"""The public side of events: calendar, event page, registration, personal links and feeds.

Everything works without JavaScript. Links in e-mails (the personal registration page, cancel,
accept) show a page on GET and change something only on POST, because mail scanners follow links.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import current_network
from bygdebas.core.markdown import render_markdown
from bygdebas.core.models import Municipality, Network
from bygdebas.core.public_forms import RateLimit, check_rate_limit
from bygdebas.core.rows import annotated, attach
from bygdebas.events import calendar as ical
from bygdebas.events.access import get_public_event, get_registration_by_token
from bygdebas.events.forms import CalendarFilterForm, RegistrationForm
from bygdebas.events.metadata import calendar_page_meta, event_page_meta
from bygdebas.events.models import Event, EventQuerySet, Registration
from bygdebas.events.services import registrations as services

PAGE_SIZE = 20
SHARED_SHOWN = 20
# Checked after the event is found, so that an unknown event is a 404, not a count.
REGISTRATION_LIMIT = RateLimit("register")
FEED_PAST_DAYS = 90


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _visible_events(request: HttpRequest, network: Network) -> EventQuerySet:
    """Published events anyone may see; members-only ones too for people with a role."""
    events = Event.objects.for_network(network).published()
    user = request.user
    if not (user.is_authenticated and user.role_in(network)):
        events = events.filter(is_members_only=False)
    return events


def _registrations_counted(**lookups: Any) -> Coalesce:
    """A correlated count, computed only for the rows a page shows (no GROUP BY over them all)."""
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), **lookups)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted), 0)


def _with_places(events: EventQuerySet) -> EventQuerySet:
    return events.select_related("municipality").annotate(
        held_count=_registrations_counted(status__in=Registration.HOLDS_PLACE),
        waiting_count=_registrations_counted(status=Registration.Status.WAITING),
    )


def _places_left(event: Event, held: int, waiting: int) -> int | None:
    """Free places for a newcomer (None: no limit). Nobody overtakes the waiting list."""
    if event.capacity is None:
        return None
    if waiting:
        return 0
    return max(event.capacity - held, 0)


def _annotate_places[E: Iterable[Event]](events: E) -> E:
    for event in events:
        held, waiting = annotated(event, "held_count"), annotated(event, "waiting_count")
        attach(event, places_left=_places_left(event, held, waiting))
    return events


def _filter_form(request: HttpRequest, network: Network) -> CalendarFilterForm:
    # The network's own municipalities, and any other where one of its events takes place.
    municipalities = Municipality.objects.filter(
        Q(county_id=network.county_id)
        | Q(pk__in=Event.objects.for_network(network).values("municipality"))
    ).order_by("name")
    return CalendarFilterForm(request.GET or None, municipalities=municipalities)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    form = _filter_form(request, network)
    events = form.filter(_visible_events(request, network).upcoming())
    paginator = Paginator(_with_places(events).order_by("starts_at", "pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    _annotate_places(page.object_list)
    today = timezone.localdate()
    return render(
        request,
        "events/public/event_list.html",
        {
            "form": form,
            "page": page,
            "events": page.object_list,
            "filters": form.querystring(),
            "this_month": today,
            "municipality_feeds": _feed_municipalities(form),
            "page_meta": calendar_page_meta(
                list(page.object_list),
                request=request,
                network=network,
                title=_("Calendar"),
                path=reverse("events:event-list"),
            ),
            # Neighbours' events open to every network, linked to their own pages.
            "shared_events": list(
                Event.objects.open_to(network).upcoming().order_by("starts_at", "pk")[:SHARED_SHOWN]
            ),
        },
    )


def _feed_municipalities(form: CalendarFilterForm) -> list[tuple[str, str]]:
    """(code, name) of the municipalities offered in the filter, for the per-municipality feeds."""
    return [(municipality.code, municipality.name) for municipality in form.municipalities]


@require_GET
def event_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    network = current_network(request)
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        raise Http404
    form = _filter_form(request, network)
    weeks = calendar_module.Calendar(firstweekday=calendar_module.MONDAY).monthdatescalendar(
        year, month
    )
    tz = timezone.get_current_timezone()
    grid_start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tzinfo=tz)
    grid_end = datetime.datetime.combine(
        weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    events = form.filter(_visible_events(request, network)).filter(
        starts_at__lt=grid_end, ends_at__gte=grid_start
    )
    by_day: dict[datetime.date, list[Event]] = defaultdict(list)
    month_events = _annotate_places(list(_with_places(events).order_by("starts_at", "pk")))
    # Other networks' events open to every network, with their owner's name and link.
    shared = list(
        form.filter(Event.objects.open_to(network))
        .filter(starts_at__lt=grid_end, ends_at__gte=grid_start)
        .order_by("starts_at", "pk")
    )
    for event in sorted([*month_events, *shared], key=lambda e: (e.starts_at, e.pk)):
        first = max(timezone.localtime(event.starts_at).date(), weeks[0][0])
        last = min(timezone.localtime(event.ends_at).date(), weeks[-1][-1])
        day = first
        while day <= last:
            by_day[day].append(event)
            day += datetime.timedelta(days=1)
    first_of_month = datetime.date(year, month, 1)
    previous = (first_of_month - datetime.timedelta(days=1)).replace(day=1)
    following = (first_of_month + datetime.timedelta(days=31)).replace(day=1)
    return render(
        request,
        "events/public/event_month.html",
        {
            "form": form,
            "filters": form.querystring(),
            "month": first_of_month,
            "previous": previous,
            "following": following,
            "weekdays": weeks[0],
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "today": timezone.localdate(),
            "has_events": bool(by_day),
            "page_meta": calendar_page_meta(
                month_events,
                request=request,
                network=network,
                title=f"{_('Calendar')} {formats.date_format(first_of_month, 'F Y')}",
                path=reverse("events:event-month", args=[year, month]),
            ),
        },
    )


def _registration_state(event: Event, now: datetime.datetime) -> str:
    """Why registration is closed ("" when it is open), for the event page."""
    if event.is_cancelled:
        return "cancelled"
    if event.is_registration_open(now):
        return ""
    if now >= event.starts_at:
        return "started"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet_open"
    return "closed"


def _render_event(
    request: HttpRequest, event: Event, form: RegistrationForm | None = None, *, status: int = 200
) -> HttpResponse:
    questions = list(event.questions.all())
    if form is None:
        form = RegistrationForm(questions=questions)
    counts = event.registrations.aggregate(
        held=Count("pk", filter=Q(status__in=Registration.HOLDS_PLACE)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
    )
    places_left = _places_left(event, counts["held"], counts["waiting"])
    description_html = render_markdown(event.description)
    return render(
        request,
        "events/public/event_detail.html",
        {
            "event": event,
            "description_html": description_html,
            "page_meta": event_page_meta(
                event,
                request=request,
                network=current_network(request),
                description_html=description_html,
                places_left=places_left,
            ),
            "form": form,
            "places_left": places_left,
            "is_full": places_left == 0,
            "closed_reason": _registration_state(event, timezone.now()),
        },
        status=status,
    )


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = current_network(request)
    event = get_public_event(network, pk, user=request.user)
    return _render_event(request, event)


@require_http_methods(["GET", "POST"])
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    network = current_network(request)
    event = get_public_event(network, pk, user=request.user)
    if request.method == "GET":  # e.g. a reload after the form was sent
        return redirect("events:event-detail", pk=event.pk)
    refused = check_rate_limit(request, REGISTRATION_LIMIT)
    if refused is not None:
        return refused
    form = RegistrationForm(request.POST, questions=list(event.questions.all()))
    if form.is_valid():
        try:
            registration = services.register(
                event=event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                answers=form.answers(),
                base_url=_base_url(request),
            )
        except services.RegistrationError as error:
            form.add_error(None, error)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request,
                    _(
                        "Thank you! Your place is confirmed. A confirmation is on its way to %(email)s."
                    )
                    % {"email": registration.email},
                )
            else:
                messages.info(
                    request,
                    _(
                        "The event is full. You are number %(position)d on the waiting list; we will e-mail %(email)s if a place frees up."
                    )
                    % {"position": _waiting_position(registration), "email": registration.email},
                )
            return redirect("events:registration", token=registration.token)
    return _render_event(request, event, form, status=400)


def _waiting_position(registration: Registration) -> int:
    """1 for the first on the waiting list."""
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.WAITING
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _registration_context(registration: Registration) -> dict[str, Any]:
    event = registration.event
    now = timezone.now()
    is_offer_open = registration.status == Registration.Status.OFFERED and (
        registration.offer_expires_at is None or registration.offer_expires_at >= now
    )
    return {
        "registration": registration,
        "event": event,
        "position": (
            _waiting_position(registration)
            if registration.status == Registration.Status.WAITING
            else None
        ),
        "is_offer_open": is_offer_open,
        "is_offer_lapsed": registration.status == Registration.Status.EXPIRED
        or (registration.status == Registration.Status.OFFERED and not is_offer_open),
        "show_video": (
            registration.status == Registration.Status.CONFIRMED
            and event.is_digital
            and bool(event.video_url)
            and not event.is_cancelled
        ),
        "can_cancel": registration.is_active and now < event.ends_at,
        "is_past": now >= event.ends_at,
    }


@never_cache
@require_GET
def registration(request: HttpRequest, token: str) -> HttpResponse:
    network = current_network(request)
    found = get_registration_by_token(network, token)
    return render(request, "events/public/registration_detail.html", _registration_context(found))


@never_cache
@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    network = current_network(request)
    found = get_registration_by_token(network, token)
    if request.method == "POST":
        if found.is_active:
            services.cancel_registration(registration=found, base_url=_base_url(request))
            messages.success(
                request, _("Your registration is cancelled. Thank you for telling us.")
            )
        else:
            messages.info(request, _("This registration was already cancelled."))
        return redirect("events:registration", token=found.token)
    return render(request, "events/public/registration_cancel.html", _registration_context(found))


@never_cache
@require_http_methods(["GET", "POST"])
def registration_accept(request: HttpRequest, token: str) -> HttpResponse:
    network = current_network(request)
    found = get_registration_by_token(network, token)
    if request.method == "POST":
        try:
            accepted = services.accept_offer(registration=found, base_url=_base_url(request))
        except services.RegistrationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if accepted.status == Registration.Status.CONFIRMED:
                messages.success(
                    request,
                    _("Your place is confirmed. A confirmation is on its way to %(email)s.")
                    % {"email": accepted.email},
                )
        return redirect("events:registration", token=found.token)
    return render(request, "events/public/registration_accept.html", _registration_context(found))


def _ics_response(content: str, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _feed_events(network: Network) -> EventQuerySet:
    """What a calendar feed holds: public published events, upcoming and of the last 90 days."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    return (
        Event.objects.for_network(network)
        .public()
        .filter(ends_at__gte=since)
        .select_related("municipality")
        .order_by("starts_at", "pk")
    )


@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    network = current_network(request)
    event = get_public_event(network, pk, user=request.user)
    content = ical.event_ics(event, base_url=_base_url(request))
    return _ics_response(content, f"evenemang-{event.pk}.ics", attachment=True)


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    content = ical.calendar_ics(
        _feed_events(network), name=network.name, base_url=_base_url(request)
    )
    return _ics_response(content, "kalender.ics")


@require_GET
def feed_municipality(request: HttpRequest, code: str) -> HttpResponse:
    network = current_network(request)
    municipality = get_object_or_404(Municipality, code=code)  # geography is shared
    content = ical.calendar_ics(
        _feed_events(network).filter(municipality=municipality),
        name=f"{network.name} – {municipality.name}",
        base_url=_base_url(request),
    )
    return _ics_response(content, f"kalender-{municipality.code}.ics")
