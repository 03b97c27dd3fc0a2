"""What the app keeps about people, for the register extract and erasure: reports and "me too"
by e-mail address, and the contact chains (matched by e-mail address)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models.functions import Lower
from django.urls import reverse

from bygdebas.conditions.models import ChainMember, MeToo, Report
from bygdebas.core.models import Network, User
from bygdebas.core.personal_data import DataSubject, RetentionRow, erased_name


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


def _retention_candidates(network: Network, *, now: datetime.datetime, years: int) -> Any:
    """Reports with a reporter's address whose last change is older than the retention period."""
    cutoff = now - datetime.timedelta(days=365 * years)
    return (
        Report.objects.for_network(network)
        .exclude(submitter_email="")
        .filter(updated_at__lt=cutoff)
        .with_place()
    )


def retention_rows(*, network: Network, now: datetime.datetime, years: int) -> list[RetentionRow]:
    """Reporters due for review: the reports stay, their name and address go."""
    return [
        RetentionRow(
            pk=report.pk,
            cells=(report.title, report.submitter_display, str(report.get_status_display())),
            last_activity_at=report.updated_at,
            url=reverse("conditions:staff-report-detail", args=[report.pk]),
        )
        for report in _retention_candidates(network, now=now, years=years).order_by("updated_at")
    ]


def retention_erase(*, network: Network, ids: Sequence[int], actor: User) -> int:
    """Blank the reporters of these reports (and their "me too"s go)."""
    reports = Report.objects.for_network(network).filter(pk__in=list(ids))
    MeToo.objects.filter(report__in=reports).delete()
    return reports.update(submitter_name=erased_name(), submitter_email="", is_subscribed=False)
