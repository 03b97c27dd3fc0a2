"""Background work of the advocacy app: fetching the watched sources, the daily mails."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import translation

from bygdebas.advocacy.services import cases, watch
from bygdebas.core.models import Network


@task()
def fetch_watched_sources(network_id: int | None = None) -> dict:
    """Fetch the due sources (of one network, or all); the report as JSON."""
    network = Network.objects.get(pk=network_id) if network_id else None
    with translation.override(settings.LANGUAGE_CODE):
        return watch.fetch_sources(network=network).as_json()


@task()
def send_advocacy_mail() -> dict:
    """The daily digest of new matches and the consultation deadline reminders."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "digests": watch.send_digests(),
            "reminders": cases.send_deadline_reminders(),
        }
