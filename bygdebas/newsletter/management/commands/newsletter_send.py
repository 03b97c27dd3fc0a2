"""Send newsletter issues: start the scheduled ones whose time has come and send every issue
being sent (its due recipients, including deferred ones whose retry time has come).

Cron, every minute: ``python manage.py newsletter_send``. A worker can also be pointed at one
issue (``--issue ID``); several may run at once, and a killed one loses nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bygdebas.newsletter import sending, services
from bygdebas.newsletter.models import Issue


class Command(BaseCommand):
    help = "Start scheduled newsletter issues and send what is due."
    # A worker restarted after a crash starts sending at once (the checks run at deploy).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issue", type=int, help="send only this issue (its id)")
        parser.add_argument("--batch", type=int, default=None, help="recipients per batch")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["issue"]:
            ids = [options["issue"]]
        else:
            services.start_scheduled()
            ids = list(
                Issue.objects.filter(status__in=[Issue.Status.SENDING, Issue.Status.SENT])
                .filter(deliveries__status__in=["pending", "deferred", "sending"])
                .values_list("pk", flat=True)
                .distinct()
            )
        for issue_id in ids:
            sent, _next_at = sending.run_issue(issue_id, size=options["batch"])
            if options["verbosity"] > 1:
                self.stdout.write(f"issue {issue_id}: {sent} sent")
