"""Background work of the connectivity app."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import translation

from bygdebas.connectivity import runner


@task()
def run_analysis_task(analysis_id: int, attempt: int | None = None) -> str:
    """Run one queued connectivity analysis and return its status.

    ``attempt`` is the run it was queued for; tasks queued before runs were counted have none.
    """
    # The logged action's title and notes are written in the site's language, not a visitor's.
    with translation.override(settings.LANGUAGE_CODE):
        analysis = runner.run_analysis(analysis_id=analysis_id, attempt=attempt)
    if analysis is None:
        return "deleted"
    if attempt is not None and analysis.attempt != attempt:
        return "superseded"
    return analysis.status
