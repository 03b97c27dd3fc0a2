"""Prospects' contact persons in the register extract, erasure of a registry person and the
retention review.

A prospect's contact is matched to a person of the member registry by e-mail address, in the same
network. Contact persons who are no registry person are reviewed on the members app's retention
page instead. Both are registered with ``core.personal_data`` in ``RecruitmentConfig.ready``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from bygdebas.core.personal_data import DataSubject, RetentionRow
from bygdebas.core.rows import annotated
from bygdebas.recruitment import services
from bygdebas.recruitment.models import Prospect

if TYPE_CHECKING:
    from bygdebas.core.models import Network, User
    from bygdebas.recruitment.models import ProspectQuerySet


def prospects_of(person: DataSubject) -> ProspectQuerySet:
    if not person.email:
        return Prospect.objects.none()
    return Prospect.objects.for_network(person.network).filter(contact_email__iexact=person.email)


def extract(person: DataSubject) -> list[dict[str, Any]]:
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


def erase(person: DataSubject) -> int:
    """Blank the contact person of every prospect that names this person; the groups stay."""
    return prospects_of(person).update(contact_name="", contact_email="", contact_phone="")


def retention_rows(*, network: Network, now: datetime.datetime, years: int) -> list[RetentionRow]:
    """The prospects whose contact person is due for review, least recently active first."""
    prospects = (
        services.retention_candidates(network, now=now, years=years)
        .with_last_activity()
        .order_by("last_activity_at", "pk")  # type: ignore[misc]
    )
    return [
        RetentionRow(
            pk=prospect.pk,
            cells=(
                prospect.name,
                prospect.contact_name or prospect.contact_email or prospect.contact_phone,
                str(prospect.get_status_display()),
            ),
            last_activity_at=annotated(prospect, "last_activity_at"),
            url=reverse("recruitment:prospect-detail", args=[prospect.pk]),
        )
        for prospect in prospects
    ]


def retention_erase(*, network: Network, ids: Sequence[int], actor: User) -> int:
    return services.erase_contacts(network=network, prospects=ids, actor=actor)
