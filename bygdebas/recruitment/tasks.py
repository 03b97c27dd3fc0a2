"""Background work of the recruitment app."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import translation

from bygdebas.recruitment import reminders


@task()
def send_recruitment_reminders() -> int:
    """Remind responsible staff of prospects whose next step is overdue; the digests sent."""
    # Mail from a worker or cron has no request to choose the language: use the site's default.
    with translation.override(settings.LANGUAGE_CODE):
        return reminders.send_due_reminders()
