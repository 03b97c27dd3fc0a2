"""Background work of the webhooks app: working one endpoint's queue."""

from __future__ import annotations

import datetime

from django.tasks import default_task_backend, task
from django.utils import timezone

from bygdebas.webhooks import delivery


@task()
def send_messages(endpoint_id: int) -> int:
    """Deliver the endpoint's due messages, then queue the next try if some still wait."""
    sent = delivery.send_messages(endpoint_id)
    due = delivery.next_due(endpoint_id)
    # Without a backend that can defer (the immediate one in tests and development), the
    # retries wait for `manage.py send_webhooks`.
    if due is not None and default_task_backend.supports_defer:
        # Never sooner than a second from now, so that nothing can spin.
        soonest = timezone.now() + datetime.timedelta(seconds=1)
        send_messages.using(run_after=max(due, soonest)).enqueue(endpoint_id)
    return sent
