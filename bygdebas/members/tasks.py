"""Background work of the members app."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import translation

from bygdebas.members.services import membership


@task()
def process_membership_schedule() -> dict[str, int]:
    """Let overdue renewals lapse (telling each office), then remind the unconfirmed ones."""
    # Links point at each organisation's own network (its host name). Mail to a person is in
    # their language; the rest uses the site's default, as a worker has no request.
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "lapsed": membership.lapse_overdue_renewals(),
            "reminders_sent": membership.send_due_reminders(),
        }
