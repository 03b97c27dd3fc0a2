"""Background work of the events app."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import translation

from bygdebas.events.services import registrations


@task()
def process_event_schedule() -> dict[str, int]:
    """Let lapsed offers expire (passing the places on), then send due reminders and follow-ups."""
    # Links point at each event's own network (its host name; BYGDEBAS_BASE_URL without one).
    # Mail from a worker or cron has no request to choose the language: use the site's default.
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "offers_expired": registrations.expire_offers(),
            "reminders_sent": registrations.send_due_reminders(),
            "follow_ups_sent": registrations.send_due_follow_ups(),
        }
