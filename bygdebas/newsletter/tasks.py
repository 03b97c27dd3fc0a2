"""Background work of the newsletter: sending an issue (``sending.run_issue``)."""

from __future__ import annotations

import datetime

from django.tasks import default_task_backend, task
from django.utils import timezone

from bygdebas.newsletter import sending


@task()
def send_issue(issue_id: int) -> int:
    """Send an issue's due recipients; come back later for deferred ones. How many were sent."""
    sent, next_at = sending.run_issue(issue_id)
    if next_at is not None and default_task_backend.supports_defer:
        send_issue.using(
            run_after=max(next_at, timezone.now() + datetime.timedelta(seconds=1))
        ).enqueue(issue_id)
    return sent
