"""Members' contributions to consultation cases in the register extract and erasure.

A contribution is matched to a person of the member registry by e-mail address, in the same
network; erasing keeps the views (they are part of the case) under an erased name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bygdebas.advocacy.models import Contribution
from bygdebas.core.personal_data import DataSubject, erased_name

if TYPE_CHECKING:
    from django.db.models import QuerySet


def contributions_of(person: DataSubject) -> QuerySet[Contribution]:
    if not person.email:
        return Contribution.objects.none()
    return Contribution.objects.for_network(person.network).filter(email__iexact=person.email)


def extract(person: DataSubject) -> list[dict[str, Any]]:
    return [
        {
            "case": contribution.case.title,
            "name": contribution.name,
            "email": contribution.email,
            "organisation": contribution.organisation,
            "text": contribution.text,
            "created_at": contribution.created_at.isoformat(),
        }
        for contribution in contributions_of(person).select_related("case").order_by("pk")
    ]


def erase(person: DataSubject) -> int:
    """Replace the name and address on the person's contributions; the views stay with the case."""
    return contributions_of(person).update(name=erased_name(), email="")
