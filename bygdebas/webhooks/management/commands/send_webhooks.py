"""Send every webhook message that is due (cron, every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from bygdebas.webhooks import delivery, privacy
from bygdebas.webhooks.models import Message


class Command(BaseCommand):
    help = "Send the webhook messages that are due, oldest first per endpoint."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        endpoint_ids = (
            Message.objects.pending()
            .filter(next_attempt_at__lte=now, endpoint__is_active=True)
            .values_list("endpoint_id", flat=True)
            .distinct()
        )
        sent = sum(delivery.send_messages(pk, now=now) for pk in sorted(set(endpoint_ids)))
        purged = privacy.purge_delivered(now=now)
        self.stdout.write(
            f"{sent} webhook message(s) delivered; {purged} old delivered message(s) deleted."
        )
