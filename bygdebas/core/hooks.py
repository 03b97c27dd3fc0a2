"""A tiny event bus: the domain apps say what happened, other apps listen.

The domain apps never import the apps that react (webhooks today; perhaps a chat bridge
tomorrow). A service calls ``emit`` inside its transaction::

    from bygdebas.core.hooks import emit

    emit(network, "registration.created", {"id": registration.pk, "event": {...}})

and a listener subscribes once, in its ``AppConfig.ready()``::

    from bygdebas.core.hooks import subscribe

    subscribe(on_event)  # on_event(HookEvent) -> None

Every subscriber is called at once, inside the emitting transaction, so that what it writes (the
webhooks app writes one outbox row per endpoint) commits or rolls back with the change itself:
an event is never announced for a change that was rolled back, and never lost for one that was
committed. A subscriber must therefore do nothing it cannot undo there: anything that leaves the
database (an HTTP request, a mail) goes in ``transaction.on_commit``. A subscriber that raises
rolls the change back; that is deliberate (a lost event is worse than a failed form).

Event names are ``<noun>.<verb in the past>``; each one is declared with ``register_event``
(core declares the shared ones below, so that a subscriber's form can list them before the
emitting app exists), and ``emit`` refuses an undeclared name. The payload is JSON-ready and
holds no personal data beyond what the event is about (a registration carries the name and
e-mail address of the person who registered: the receiver is the network's own system).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from bygdebas.core.models import Network


@dataclass(frozen=True)
class EventType:
    name: str
    label: str | Promise
    description: str | Promise = ""


@dataclass(frozen=True)
class HookEvent:
    """One thing that happened in one network."""

    network_id: int
    name: str
    payload: Mapping[str, Any]
    occurred_at: datetime.datetime = field(default_factory=timezone.now)


_event_types: dict[str, EventType] = {}
_subscribers: list[Callable[[HookEvent], object]] = []


def register_event(name: str, *, label: str | Promise, description: str | Promise = "") -> None:
    """Declare an event name (once; the same declaration again is harmless)."""
    if "." not in name or name != name.strip().lower():
        raise ValueError(f"An event name is '<noun>.<verb>' in lower case, not {name!r}.")
    new = EventType(name, label, description)
    old = _event_types.get(name)
    if old is not None and old != new:
        raise ValueError(f"The event {name!r} is already declared differently.")
    _event_types[name] = new


def event_types() -> list[EventType]:
    """Every declared event, by name."""
    return sorted(_event_types.values(), key=lambda t: t.name)


def event_type(name: str) -> EventType | None:
    return _event_types.get(name)


def subscribe(callback: Callable[[HookEvent], object]) -> None:
    """Call ``callback(HookEvent)`` for every event emitted (once per callback)."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def unsubscribe(callback: Callable[[HookEvent], object]) -> None:
    if callback in _subscribers:
        _subscribers.remove(callback)


def json_ready(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` with dates, decimals and lazy strings made plain JSON values."""
    import json

    return json.loads(json.dumps(dict(payload), cls=DjangoJSONEncoder))


def emit(network: Network | int, name: str, payload: Mapping[str, Any]) -> HookEvent:
    """Tell every subscriber that ``name`` happened in ``network``; call inside the transaction."""
    if name not in _event_types:
        raise ValueError(f"Undeclared event {name!r}: declare it with register_event().")
    network_id = network if isinstance(network, int) else network.pk
    event = HookEvent(network_id=network_id, name=name, payload=json_ready(payload))
    for callback in list(_subscribers):
        callback(event)
    return event


# The shared events, declared here so that every app (and a subscriber's form) knows them.
# The app that emits each is given in its description for the docs; it may emit more of its own.
register_event(
    "registration.created",
    label=_("Registration created"),
    description=_("Someone registered for an event (a place or the waiting list)."),
)
register_event(
    "registration.cancelled",
    label=_("Registration cancelled"),
    description=_("A registration for an event was cancelled."),
)
register_event(
    "organisation.joined",
    label=_("Organisation joined"),
    description=_("An organisation's membership application was approved."),
)
register_event(
    "action.logged",
    label=_("Action logged"),
    description=_("An action was logged against the plan, by staff or by another app."),
)
register_event(
    "newsletter.sent",
    label=_("Newsletter sent"),
    description=_("An issue of the newsletter was sent."),
)
register_event(
    "report.confirmed",
    label=_("Report confirmed"),
    description=_("A public report on the conditions map was confirmed by its sender."),
)
