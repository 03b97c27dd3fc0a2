"""Background work of the core app."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import default_task_backend, task
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@task()
def deliver_mail(payload: dict[str, Any], attempt: int = 1) -> None:
    """Deliver a rendered message; on failure, try again later with back-off."""
    try:
        deliver(payload)
    except OSError:
        if attempt >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
            logger.exception("Giving up delivering mail to %s", payload.get("to"))
            raise
        delay = timedelta(seconds=settings.BYGDEBAS_MAIL_RETRY_DELAY_S * 2**attempt)
        logger.warning("Mail delivery failed; retrying in %s", delay)
        deliver_mail.using(run_after=timezone.now() + delay).enqueue(payload, attempt + 1)
        # The retry is queued; this attempt is still a failure, recorded with its traceback.
        raise


def deliver(payload: Mapping[str, Any]) -> None:
    """Send one message rendered by ``core.mail`` over the configured mail backend."""
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=payload["from_email"],
        to=payload["to"],
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    message.attach_alternative(payload["html"], "text/html")
    for filename, content, mimetype in payload.get("attachments") or []:
        message.attach(filename, content, mimetype)
    message.send(fail_silently=False)
