"""Prospects' contact persons in the register extract and erasure of a registry person.

A prospect's contact is matched to a person of the member registry by e-mail address, in the same
network. Registered with ``members.personal_data`` in ``RecruitmentConfig.ready``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bygdebas.recruitment.models import Prospect

if TYPE_CHECKING:
    from bygdebas.members.models import Person
    from bygdebas.recruitment.models import ProspectQuerySet


def prospects_of(person: Person) -> ProspectQuerySet:
    if not person.email:
        return Prospect.objects.none()
    return Prospect.objects.for_network(person.network).filter(contact_email__iexact=person.email)


def extract(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "prospect": prospect.name,
            "contact_name": prospect.contact_name,
            "contact_email": prospect.contact_email,
            "contact_phone": prospect.contact_phone,
            "status": prospect.status,
            "created_at": prospect.created_at.isoformat(),
        }
        for prospect in prospects_of(person).order_by("created_at", "pk")
    ]


def erase(person: Person) -> int:
    """Blank the contact person of every prospect that names this person; the groups stay."""
    return prospects_of(person).update(contact_name="", contact_email="", contact_phone="")
