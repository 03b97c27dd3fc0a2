"""The one place that builds and sends e-mail.

Messages are rendered here (subject, plain text and HTML from ``<template>_subject.txt``,
``<template>.txt`` and ``<template>.html``), then handed to the tasks API for delivery
(``core.tasks.deliver_mail``) so a slow or failing SMTP server never holds up a web request.
Delivery is retried with back-off where the task backend can defer work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from bygdebas.core.models import Network
from bygdebas.core.tasks import deliver_mail


def render_mail(
    *, network: Network | None, template: str, context: Mapping[str, Any]
) -> tuple[str, str, str]:
    """Subject, plain-text body and HTML body for ``template``."""
    ctx = {"network": network, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
    text = render_to_string(f"{template}.txt", ctx)
    html = render_to_string(f"{template}.html", ctx)
    return subject, text, html


def send_templated_mail(
    *,
    network: Network | None,
    to: list[str],
    template: str,
    context: Mapping[str, Any],
    reply_to: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
    language: str | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Render a message in ``language`` and enqueue its delivery after the transaction commits.

    ``attachments`` are text files as (filename, content, mimetype), e.g. an .ics invitation.
    """
    with translation.override(language or translation.get_language()):
        subject, text, html = render_mail(network=network, template=template, context=context)
    payload = {
        "subject": subject,
        "text": text,
        "html": html,
        "from_email": network.from_email if network else settings.DEFAULT_FROM_EMAIL,
        "to": list(to),
        "reply_to": list(reply_to or []),
        "headers": dict(headers or {}),
        "attachments": [list(a) for a in attachments or []],
    }
    transaction.on_commit(lambda: deliver_mail.enqueue(payload))
