"""What the app keeps about people, for the register extract and erasure: reports and "me too"
by e-mail address, and the contact chains (matched by e-mail address)."""

from __future__ import annotations

from typing import Any

from django.db.models.functions import Lower

from bygdebas.conditions.models import ChainMember, MeToo, Report
from bygdebas.core.personal_data import DataSubject, erased_name


def _reports(subject: DataSubject) -> Any:
    return Report.objects.for_network(subject.network_id).filter(
        submitter_email__iexact=subject.email
    )


def _me_toos(subject: DataSubject) -> Any:
    return (
        MeToo.objects.for_network(subject.network_id)
        .annotate(address=Lower("email"))
        .filter(address=subject.email.lower())
    )


def _chain(subject: DataSubject) -> Any:
    return ChainMember.objects.for_network(subject.network_id).filter(email__iexact=subject.email)


def extract(subject: DataSubject) -> list[dict[str, Any]]:
    if not subject.email:
        return []
    rows: list[dict[str, Any]] = [
        {
            "kind": "report",
            "id": r.pk,
            "title": r.reported_title or r.title,
            "description": r.reported_description or r.description,
            "name": r.submitter_name,
            "email": r.submitter_email,
            "created_at": r.created_at.isoformat(),
            "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
        }
        for r in _reports(subject)
    ]
    rows += [
        {
            "kind": "me_too",
            "report": m.report_id,
            "name": m.name,
            "email": m.email,
            "created_at": m.created_at.isoformat(),
        }
        for m in _me_toos(subject)
    ]
    rows += [
        {
            "kind": "contact_chain",
            "organisation": str(m.profile.organisation),
            "name": m.name,
            "phone": m.phone,
            "email": m.email,
            "consent_at": m.consent_at.isoformat(),
        }
        for m in _chain(subject).select_related("profile__organisation")
    ]
    return rows


def erase(subject: DataSubject) -> int:
    """Reports stay (without the reporter); "me too" and contact-chain entries are deleted."""
    if not subject.email:
        return 0
    count = _reports(subject).update(
        submitter_name=erased_name(), submitter_email="", is_subscribed=False
    )
    count += _me_toos(subject).delete()[0]
    count += _chain(subject).delete()[0]
    return count
