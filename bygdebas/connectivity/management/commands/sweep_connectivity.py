"""Mark connectivity analyses whose worker died as failed; meant for cron every few minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bygdebas.connectivity import services


class Command(BaseCommand):
    help = (
        "Mark connectivity analyses that stopped making progress (running without a heartbeat "
        "for CONNECTIVITY_STALLED_AFTER_S, or queued for CONNECTIVITY_QUEUED_STALLED_AFTER_S) as "
        "failed, so their pages stop waiting and staff can run them again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        swept = services.sweep_stalled_analyses()
        self.stdout.write(f"Stalled analyses marked as failed: {swept}.")
