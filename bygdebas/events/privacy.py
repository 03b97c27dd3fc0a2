"""Event registrations in the register extract and the erasure of a registry person.

A registration is matched to a person of the member registry by e-mail address (whatever its
case), in the same network. Registered with ``core.personal_data`` in ``EventsConfig.ready``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import ngettext

from bygdebas.core.personal_data import DataSubject, erased_name
from bygdebas.events.models import Registration, RegistrationQuerySet


def registrations_of(subject: DataSubject) -> RegistrationQuerySet:
    if not subject.email:
        return Registration.objects.none()
    return Registration.objects.for_network(subject.network_id).filter(email__iexact=subject.email)


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def extract(subject: DataSubject) -> list[dict[str, Any]]:
    return [
        {
            "event": registration.event.title,
            "starts_at": _iso(registration.event.starts_at),
            "name": registration.name,
            "email": registration.email,
            "organisation": registration.organisation,
            "answers": registration.answers,
            "status": registration.status,
            "attended": registration.attended,
            "registered_at": _iso(registration.created_at),
            "cancelled_at": _iso(registration.cancelled_at),
        }
        for registration in registrations_of(subject)
        .select_related("event")
        .order_by("created_at", "pk")
    ]


def erase(subject: DataSubject) -> int:
    """Anonymise the registrations under the person's address; the counts of events stay."""
    placeholder = erased_name()
    count = 0
    for registration in registrations_of(subject):
        registration.name = placeholder
        registration.email = f"erased-{registration.pk}@example.invalid"
        registration.answers = {}
        registration.save(update_fields=["name", "email", "answers", "updated_at"])
        count += 1
    return count


def describe_erasure(subject: DataSubject) -> str:
    count = registrations_of(subject).count()
    return ngettext(
        "%(n)s event registration with the same address is anonymised.",
        "%(n)s event registrations with the same address are anonymised.",
        count,
    ) % {"n": count}
