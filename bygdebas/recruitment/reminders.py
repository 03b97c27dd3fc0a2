"""Reminders to the responsible staff member when a prospect's next step is overdue.

One digest per person and network lists every prospect of theirs whose next-step date has passed.
A prospect is in at most one digest per next-step date (``reminded_for``), so running this every
hour, or twice at once, never repeats a reminder; setting a new date earns a new one.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Network, Role, User
from bygdebas.recruitment.models import Prospect, ProspectQuerySet


def _due(today: datetime.date) -> ProspectQuerySet:
    return (
        Prospect.objects.overdue(today)
        .filter(responsible__isnull=False)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_step_on")))
    )


def send_due_reminders(today: datetime.date | None = None) -> int:
    """Mail each responsible person one digest of their overdue prospects; the number of digests."""
    today = today or timezone.localdate()
    pairs = set(_due(today).values_list("network_id", "responsible_id").distinct().order_by())
    sent = 0
    for network_id, user_id in sorted(pairs):
        if _send_digest(network_id=network_id, user_id=user_id, today=today):
            sent += 1
    return sent


@transaction.atomic
def _send_digest(*, network_id: int, user_id: int, today: datetime.date) -> bool:
    # Lock the rows so that a second run at the same moment waits, then finds them reminded.
    prospects = list(
        _due(today)
        .for_network(network_id)
        .filter(responsible_id=user_id)
        .select_for_update(of=("self",))
        .select_related("municipality")
        .order_by("next_step_on", "name", "pk")
    )
    if not prospects:
        return False
    # Someone who is no longer staff here gets no mail; the prospects wait for a new responsible.
    if (
        not Role.objects.for_network(network_id)
        .filter(user_id=user_id, kind__in=WRITE_ROLES, user__is_active=True)
        .exists()
    ):
        return False
    network = Network.objects.get(pk=network_id)
    user = User.objects.get(pk=user_id)
    for prospect in prospects:
        prospect.reminded_for = prospect.next_step_on
    Prospect.objects.bulk_update(prospects, ["reminded_for"])
    base = network.base_url.rstrip("/")
    query = urlencode({"responsible": user.pk, "overdue": "on"})
    send_templated_mail(
        network=network,
        to=[user.email],
        template="recruitment/mail/reminder",
        context={
            "user": user,
            "today": today,
            "prospects": [
                (p, base + reverse("recruitment:prospect-detail", args=[p.pk])) for p in prospects
            ],
            "list_url": f"{base}{reverse('recruitment:prospect-list')}?{query}",
        },
    )
    return True
