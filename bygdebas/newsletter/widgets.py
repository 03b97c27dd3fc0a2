"""The newsletter widget (``core.widgets``): how to sign up, and the latest sent issues.

A frame on another site gets no session cookie, so the sign-up itself happens on the network's
own subscribe page, opened in the top window."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from bygdebas.core.models import Network
from bygdebas.core.rows import attach
from bygdebas.newsletter.models import Issue

SHOWN = 3


def newsletter_context(request: HttpRequest, network: Network) -> dict[str, Any]:
    rows = list(
        Issue.objects.for_network(network)
        .sent()
        .only("pk", "number", "title", "sent_at")
        .order_by("-sent_at", "-number")[:SHOWN]
    )
    for issue in rows:
        attach(
            issue,
            link=request.build_absolute_uri(
                reverse("newsletter:archive-detail", kwargs={"number": issue.number})
            ),
        )
    return {
        "issues": rows,
        "subscribe_url": request.build_absolute_uri(reverse("newsletter:subscribe")),
        "archive_url": request.build_absolute_uri(reverse("newsletter:archive")),
    }
