"""The endpoints that need a key: the registry, the plan's actions, events and registrations.

Every row is the key's network's (``for_network``; another network's row is 404), every list
pages by cursor in the order rows last changed, and every answer that carries personal data is
written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from bygdebas.api import schemas
from bygdebas.api.auth import KeyAuth, require_scope
from bygdebas.api.models import ApiKey
from bygdebas.api.services import record_personal_data_read
from bygdebas.core.access import fetch_in_network
from bygdebas.core.api_registry import RowId, cursor_page
from bygdebas.events.api import with_municipality
from bygdebas.events.models import Event, EventQuerySet, Registration
from bygdebas.events.services.registrations import register
from bygdebas.members.models import (
    Engagement,
    Membership,
    Organisation,
    OrganisationQuerySet,
    Person,
)
from bygdebas.plan.models import Action, ActionQuerySet, Activity
from bygdebas.plan.services import log_action

Scope = ApiKey.Scope
# A key with any of these may read the registry's lists.
REGISTRY = (Scope.READ_REGISTRY,)
PERSONAL = (Scope.READ_PERSONAL,)


def _page(
    request: HttpRequest, rows: QuerySet[Any], filters: schemas.SyncFilters
) -> tuple[list[Any], str | None]:
    if filters.updated_since is not None:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    return cursor_page(rows, order="updated_at", cursor=filters.cursor, limit=filters.limit)


def _personal(request: HttpRequest, api_key: ApiKey, rows: int) -> None:
    """The answer carries personal data: audit it, and keep it out of every cache."""
    vars(request)["api_personal"] = True  # read by http.finish_response
    record_personal_data_read(api_key=api_key, endpoint=request.get_full_path(), rows=rows)


def _organisations(network: Any) -> OrganisationQuerySet:
    return (
        Organisation.objects.for_network(network)
        .annotate(municipality_code=F("municipality__code"))
        .defer("notes", "name_key")
    )


def _actions(network: Any) -> ActionQuerySet:
    return (
        Action.objects.for_network(network)
        .annotate(municipality_code=F("municipality__code"))
        .prefetch_related(
            Prefetch("activities", Activity.objects.only("pk"), to_attr="activity_list")
        )
    )


def _events(network: Any, api_key: ApiKey) -> EventQuerySet:
    events = Event.objects.for_network(network)
    if not api_key.has_scope(Scope.READ_REGISTRY):
        events = events.public()  # read_public: what anyone may see
    return with_municipality(events.with_counts()).prefetch_related(
        Prefetch("activities", Activity.objects.only("pk"), to_attr="activity_list")
    )


def keyed_router() -> Router:
    router = Router(auth=KeyAuth())

    @router.get(
        "/organisations",
        response=schemas.OrganisationPage,
        url_name="organisation-list",
        tags=["Registry"],
        summary="Organisations",
    )
    def list_organisations(
        request: HttpRequest, filters: Query[schemas.SyncFilters]
    ) -> dict[str, Any]:
        """The network's organisations. Scope `read_registry`; e-mail and phone with
        `read_personal` only."""
        api_key = require_scope(request, *REGISTRY)
        items, cursor = _page(request, _organisations(api_key.network), filters)
        if api_key.has_scope(Scope.READ_PERSONAL):
            _personal(request, api_key, len(items))
        return {"items": items, "next_cursor": cursor}

    @router.get(
        "/organisations/{organisation_id}",
        response=schemas.OrganisationOut,
        url_name="organisation-detail",
        tags=["Registry"],
        summary="One organisation",
    )
    def get_organisation(request: HttpRequest, organisation_id: Path[RowId]) -> Organisation:
        """Scope `read_registry`; e-mail and phone with `read_personal` only."""
        api_key = require_scope(request, *REGISTRY)
        organisation = fetch_in_network(
            api_key.network, _organisations(api_key.network), organisation_id
        )
        if api_key.has_scope(Scope.READ_PERSONAL):
            _personal(request, api_key, 1)
        return organisation

    @router.get(
        "/people",
        response=schemas.PersonPage,
        url_name="person-list",
        tags=["Registry"],
        summary="People",
    )
    def list_people(request: HttpRequest, filters: Query[schemas.SyncFilters]) -> dict[str, Any]:
        """The registry's people and their roles in organisations. Scope `read_personal`; every
        answer is written to the network's audit log."""
        api_key = require_scope(request, *PERSONAL)
        people = Person.objects.for_network(api_key.network).prefetch_related(
            Prefetch("engagements", Engagement.objects.only("person_id", "organisation_id", "role"))
        )
        items, cursor = _page(request, people, filters)
        _personal(request, api_key, len(items))
        return {"items": items, "next_cursor": cursor}

    @router.get(
        "/people/{person_id}",
        response=schemas.PersonOut,
        url_name="person-detail",
        tags=["Registry"],
        summary="One person",
    )
    def get_person(request: HttpRequest, person_id: Path[RowId]) -> Person:
        """Scope `read_personal`; written to the network's audit log."""
        api_key = require_scope(request, *PERSONAL)
        person = fetch_in_network(
            api_key.network, Person.objects.prefetch_related("engagements"), person_id
        )
        _personal(request, api_key, 1)
        return person

    @router.get(
        "/memberships",
        response=schemas.MembershipPage,
        url_name="membership-list",
        tags=["Registry"],
        summary="Memberships",
    )
    def list_memberships(
        request: HttpRequest, filters: Query[schemas.SyncFilters]
    ) -> dict[str, Any]:
        """Each organisation's membership year by year. Scope `read_registry`."""
        api_key = require_scope(request, *REGISTRY)
        rows = Membership.objects.for_network(api_key.network)
        items, cursor = _page(request, rows, filters)
        return {"items": items, "next_cursor": cursor}

    @router.get(
        "/actions",
        response=schemas.ActionPage,
        url_name="action-list",
        tags=["Plan"],
        summary="Actions",
    )
    def list_actions(request: HttpRequest, filters: Query[schemas.SyncFilters]) -> dict[str, Any]:
        """The actions logged against the network's plans. Scope `read_registry`."""
        api_key = require_scope(request, *REGISTRY)
        items, cursor = _page(request, _actions(api_key.network), filters)
        return {"items": items, "next_cursor": cursor}

    @router.post(
        "/actions",
        response={201: schemas.ActionOut},
        url_name="action-create",
        tags=["Plan"],
        summary="Log an action",
    )
    def create_action(request: HttpRequest, data: schemas.ActionIn) -> Status[Action]:
        """Log an action against activities of the plan for its year. Scope `write_actions`."""
        api_key = require_scope(request, Scope.WRITE_ACTIONS)
        network = api_key.network
        activities = list(
            Activity.objects.for_network(network)
            .select_related("area__plan")
            .filter(pk__in=set(data.activity_ids))
        )
        if len(activities) != len(set(data.activity_ids)):
            raise HttpError(422, _("No such activity in this network's plans."))
        municipality = None
        if data.municipality_code:
            municipality = network.municipalities().filter(code=data.municipality_code).first()
            if municipality is None:
                raise HttpError(422, _("No such municipality in this network's county."))
        action = log_action(
            network=network,
            performed_on=data.performed_on,
            title=data.title,
            activities=activities,
            description=data.description,
            municipality=municipality,
            participants=data.participants,
            link=data.link,
        )
        return Status(201, _actions(network).get(pk=action.pk))

    @router.get(
        "/events",
        response=schemas.EventPage,
        url_name="event-list",
        tags=["Events"],
        summary="Events",
    )
    def list_events(request: HttpRequest, filters: Query[schemas.SyncFilters]) -> dict[str, Any]:
        """The network's events, drafts and past ones too, with `read_registry`; with
        `read_public` only, the published public ones."""
        api_key = require_scope(request, Scope.READ_PUBLIC, Scope.READ_REGISTRY)
        items, cursor = _page(request, _events(api_key.network, api_key), filters)
        return {"items": items, "next_cursor": cursor}

    @router.get(
        "/events/{event_id}",
        response=schemas.EventOut,
        url_name="event-detail",
        tags=["Events"],
        summary="One event",
    )
    def get_event(request: HttpRequest, event_id: Path[RowId]) -> Event:
        """Scope `read_public` (public events) or `read_registry` (any event)."""
        api_key = require_scope(request, Scope.READ_PUBLIC, Scope.READ_REGISTRY)
        return fetch_in_network(api_key.network, _events(api_key.network, api_key), event_id)

    @router.get(
        "/registrations",
        response=schemas.RegistrationPage,
        url_name="registration-list",
        tags=["Events"],
        summary="Registrations",
    )
    def list_registrations(
        request: HttpRequest, filters: Query[schemas.SyncFilters]
    ) -> dict[str, Any]:
        """Registrations for the network's events. Scope `read_registry`; names and addresses
        with `read_personal` only."""
        api_key = require_scope(request, *REGISTRY)
        rows = Registration.objects.for_network(api_key.network)
        items, cursor = _page(request, rows, filters)
        if api_key.has_scope(Scope.READ_PERSONAL):
            _personal(request, api_key, len(items))
        return {"items": items, "next_cursor": cursor}

    @router.post(
        "/registrations",
        response={201: schemas.RegistrationOut},
        url_name="registration-create",
        tags=["Events"],
        summary="Register someone for an event",
    )
    def create_registration(
        request: HttpRequest, data: schemas.RegistrationIn
    ) -> Status[Registration]:
        """A place if one is free, else the waiting list; the person gets the same mail as when
        registering on the site. Scope `write_registrations`."""
        api_key = require_scope(request, Scope.WRITE_REGISTRATIONS)
        network = api_key.network
        event = fetch_in_network(network, Event.objects.public(), data.event_id)
        registration = register(
            event=event,
            name=data.name,
            email=data.email,
            organisation=data.organisation,
            base_url=network.base_url,
        )
        return Status(201, registration)

    return router
